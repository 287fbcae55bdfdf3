"""Public URLs of the incoming wire: partners push here (the admin screens are Wagtail hooks)."""

from django.urls import path

from . import views_push

app_name = "wire"

urlpatterns = [path("push/<int:source_id>/", views_push.push, name="push")]
