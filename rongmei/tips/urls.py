"""The public's side of news tips (爆料): the form and its answer page."""

from django.urls import path

from . import views

app_name = "tips"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("thanks/", views.thanks, name="thanks"),
]
