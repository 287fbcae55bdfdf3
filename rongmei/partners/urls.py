"""URLs of the partners app under /partners/: the pull API v1 (its OpenAPI document at
/partners/api/v1/openapi.json). The admin screens are Wagtail admin URLs (wagtail_hooks.py)."""

from django.urls import path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
]
