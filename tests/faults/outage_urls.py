"""URLs whose views fail as they do while PostgreSQL is down or restarting (tests/faults/test_database_outage.py)."""

from django.db import InterfaceError, OperationalError
from django.urls import path

from rongmei.urls import handler500, urlpatterns  # noqa: F401 (the project's error handlers)


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def connection_gone(request):
    raise InterfaceError("connection already closed")


def bug(request):
    raise RuntimeError("a plain bug")


urlpatterns = [
    path("faults/db-down/", database_down),
    path("faults/db-gone/", connection_gone),
    path("faults/bug/", bug),
    *urlpatterns,
]
