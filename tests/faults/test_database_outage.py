"""While the database is unreachable (PostgreSQL restarting, a failover) a reader gets a clean page
that says to come back soon, with 503 and Retry-After so proxies and crawlers know it is passing;
a plain bug stays a 500. bench/faults.py restarts a real PostgreSQL under gunicorn for the rest."""

import pytest
from django.test import Client
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.faults.outage_urls")]


@pytest.fixture
def reader():
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.mark.parametrize("path", ["/faults/db-down/", "/faults/db-gone/"])
def test_an_unreachable_database_gives_a_clean_503_that_says_to_come_back(reader, path):
    with translation.override("zh-hans"):
        response = reader.get(path)
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    page = response.content.decode()
    assert "服务器出了问题" in page
    for leak in ("Traceback", "OperationalError", "InterfaceError", "5432", "refused", "already closed"):
        assert leak not in page


def test_a_plain_bug_is_still_a_500(reader):
    response = reader.get("/faults/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "RuntimeError" not in response.content.decode()


def test_kept_connections_are_checked_before_reuse():
    """After a restart a kept connection is dead: Django tests it before reuse (CONN_HEALTH_CHECKS)
    instead of failing the request; one that failed mid-request is closed when the request ends."""
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
