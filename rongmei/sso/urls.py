"""URLs of rongmei.sso (mounted at /sso/ in rongmei/urls.py)."""

from django.urls import path

from .oidc import NewsroomOIDCCallbackView, NewsroomOIDCLoginView

app_name = "sso"
urlpatterns = [
    path("oidc/login/", NewsroomOIDCLoginView.as_view(), name="oidc_login"),
    path("oidc/callback/", NewsroomOIDCCallbackView.as_view(), name="oidc_callback"),
]
