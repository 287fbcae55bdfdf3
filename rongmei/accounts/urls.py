"""URLs of rongmei.accounts (mounted at /accounts/ in rongmei/urls.py)."""

app_name = "accounts"
urlpatterns: list = []
