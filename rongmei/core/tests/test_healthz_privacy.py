"""/healthz tells strangers only ok/degraded; the details are for staff and monitoring (issue 8, point 14)."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_sees_only_the_status(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": response.json()["status"]}
    assert response.json()["status"] in {"ok", "degraded"}
    # The SQLite file path (and any other database name) never reaches a stranger.
    assert str(settings.DATABASES["default"]["NAME"]) not in response.content.decode()


def test_a_logged_in_non_staff_user_sees_only_the_status(client):
    client.force_login(User.objects.create_user("reader", password="x-long-password-1"))
    assert set(client.get("/healthz").json()) == {"status"}


def test_staff_see_the_details(client):
    client.force_login(User.objects.create_user("ops", password="x-long-password-1", is_staff=True))
    body = client.get("/healthz").json()
    assert body["database"]["ok"] is True
    assert "name" in body["database"]
    assert body["cache"]["backend"]


def test_wagtail_admin_users_see_the_details(client):
    from django.contrib.auth.models import Permission

    user = User.objects.create_user("editor1", password="x-long-password-1")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert "worker" in client.get("/healthz").json()


@override_settings(HEALTHZ_TOKEN="monitor-token-123")
def test_monitoring_with_the_token_header_sees_the_details(client):
    assert "database" in client.get("/healthz", headers={"X-Healthz-Token": "monitor-token-123"}).json()
    assert set(client.get("/healthz", headers={"X-Healthz-Token": "wrong"}).json()) == {"status"}


@override_settings(HEALTHZ_TOKEN="")
def test_an_empty_token_setting_opens_nothing(client):
    assert set(client.get("/healthz", headers={"X-Healthz-Token": ""}).json()) == {"status"}
