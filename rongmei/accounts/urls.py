"""URLs of rongmei.accounts (mounted at /accounts/ in rongmei/urls.py)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns: list = [
    path("verify/", views.VerifyView.as_view(), name="verify"),
]
