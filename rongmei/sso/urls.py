"""URLs of rongmei.sso (mounted at /sso/ in rongmei/urls.py)."""

app_name = "sso"
urlpatterns: list = []
