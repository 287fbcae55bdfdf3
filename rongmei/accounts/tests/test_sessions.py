"""Session expiry: idle timeout and absolute lifetime, with the reason on the login page; a
password change signs the other sessions out (decision 0037)."""

import time

import pytest
from django.test import Client

from rongmei.accounts.middleware import AUTH_AT, SEEN_AT
from rongmei.testing import TEST_PASSWORD, login

pytestmark = pytest.mark.django_db


def backdate(client, key, seconds):
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_idle_session_ends_and_the_login_page_says_why(newsroom, settings):
    settings.RONGMEI_SESSION_IDLE_MINUTES = 120
    client = login(Client(), newsroom.editor, language="en")
    assert client.get("/admin/").status_code == 200
    backdate(client, SEEN_AT, 119 * 60)
    assert client.get("/admin/").status_code == 200  # still inside the window; the visit counts
    backdate(client, SEEN_AT, 121 * 60)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=%2Fadmin%2Fpages%2F"
    page = client.get(response["Location"])
    assert "You were signed out after 120 minutes without activity" in page.content.decode()
    assert client.get("/admin/").status_code == 302  # signed out for good


def test_idle_session_in_chinese(newsroom, settings):
    settings.RONGMEI_SESSION_IDLE_MINUTES = 30
    client = login(Client(), newsroom.editor)
    backdate(client, SEEN_AT, 31 * 60)
    page = client.get("/admin/", follow=True)
    assert page.request["PATH_INFO"] == "/admin/login/"
    assert "30" in page.content.decode()


def test_a_busy_session_still_ends_after_its_lifetime(newsroom, settings):
    settings.SESSION_COOKIE_AGE = 12 * 3600
    client = login(Client(), newsroom.editor, language="en")
    backdate(client, AUTH_AT, 12 * 3600 - 60)
    assert client.get("/admin/").status_code == 200
    backdate(client, AUTH_AT, 12 * 3600 + 60)
    page = client.get("/admin/", follow=True)
    assert "a session lasts at most 12 hours" in page.content.decode()


def test_public_pages_of_an_expired_session_are_served_anonymously(newsroom):
    client = login(Client(), newsroom.editor, language="en")
    backdate(client, SEEN_AT, 24 * 3600)
    response = client.get("/healthz")
    assert response.status_code == 200 and set(response.json()) == {"status"}
    assert client.get("/admin/").status_code == 302


def test_password_change_signs_other_sessions_out(newsroom):
    elsewhere = login(Client(), newsroom.editor)
    here = login(Client(), newsroom.editor)
    new_password = "晚班编辑-换了新的-密码"
    response = here.post(
        "/admin/account/",
        {
            "password-old_password": TEST_PASSWORD,
            "password-new_password1": new_password,
            "password-new_password2": new_password,
            "name_email-first_name": "李",
            "name_email-last_name": "初审",
            "name_email-email": "editor@example.test",
            "locale-preferred_language": "zh-hans",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line
    ]
    newsroom.editor.refresh_from_db()
    assert newsroom.editor.check_password(new_password)
    assert here.get("/admin/").status_code == 200  # the one who changed it stays
    assert elsewhere.get("/admin/").status_code == 302
