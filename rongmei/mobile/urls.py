"""URLs of the H5 app: one page; the script routes inside it (#/item/123, #/section/4, #/region/slug)."""

from django.urls import path

from . import views

app_name = "mobile"

urlpatterns = [path("", views.app, name="app")]
