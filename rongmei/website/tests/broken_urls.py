"""A URL configuration with one view that fails, for the 500 page test (test_public_chrome.py)."""

from django.urls import path

from rongmei.urls import handler500, urlpatterns  # noqa: F401 (the project's error handlers)
from rongmei.website import views


def broken(request):
    raise RuntimeError("a failure for the 500 page test")


urlpatterns = [path("broken/", broken), *urlpatterns]
handler404 = views.page_not_found
