"""Sign-in throttling and the published demo password (issue 8, point 6).

The tests sign in through Wagtail's login page, as a person (or a guessing script) does; Axes is on.
"""

from datetime import timedelta

import pytest
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from rongmei.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD = "chief-real-password-2026"


def make_admin_user(username, password=PASSWORD):
    user = User.objects.create_user(username, password=password)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def english_client(address="203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_in(client, username, password):
    return client.post("/admin/login/", {"username": username, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_then_fails():
    make_admin_user("chief")
    client = english_client()
    for _ in range(30):
        assert sign_in(client, "chief", "guess").status_code in {200, 429}
    response = sign_in(client, "chief", PASSWORD)
    assert not signed_in(client)
    assert response.status_code == 429
    # Wagtail's login page, with the reason and the wait (not a bare 403 text).
    assert response.templates and "wagtailadmin/login.html" in [t.name for t in response.templates]
    text = response.content.decode()
    assert "this account is locked for now" in text
    assert "try again in 15 minutes" in text


def test_the_lock_starts_at_the_limit_and_holds_from_another_address():
    make_admin_user("chief")
    guesser = english_client("203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(guesser, "chief", "guess").status_code == 200
    assert sign_in(guesser, "chief", "guess").status_code == 429
    elsewhere = english_client("198.51.100.20")
    assert sign_in(elsewhere, "chief", PASSWORD).status_code == 429
    assert not signed_in(elsewhere)


def test_an_address_guessing_many_accounts_is_paused_but_later_than_one_account():
    make_admin_user("chief")
    guesser = english_client("203.0.113.7")
    names = [f"user{n}" for n in range(settings.RONGMEI_LOGIN_FAILURE_LIMIT_PER_ADDRESS)]
    for name in names[:-1]:
        assert sign_in(guesser, name, "guess").status_code == 200
    assert sign_in(guesser, names[-1], "guess").status_code == 429
    response = sign_in(guesser, "chief", PASSWORD)
    assert response.status_code == 429 and not signed_in(guesser)
    assert "from your network address" in response.content.decode()
    # The account itself is not locked: from another address it signs in.
    other = english_client("198.51.100.20")
    sign_in(other, "chief", PASSWORD)
    assert signed_in(other)


def test_after_the_wait_or_an_administrators_unlock_the_account_signs_in_again():
    make_admin_user("chief")
    client = english_client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "chief", "guess")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=5))
    sign_in(client, "chief", PASSWORD)
    assert signed_in(client)

    client = english_client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "chief", "guess")
    assert sign_in(client, "chief", PASSWORD).status_code == 429
    call_command("axes_reset_username", "chief", verbosity=0)
    sign_in(client, "chief", PASSWORD)
    assert signed_in(client)


def test_counts_live_in_the_database_for_every_process():
    # Not per-process memory: gunicorn's workers and other hosts see the same counts.
    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)
    sign_in(english_client(), "chief", "guess")
    assert AccessAttempt.objects.get(username="chief").failures_since_start == 1


def test_the_test_clients_login_and_force_login_still_work():
    user = make_admin_user("chief")
    assert Client().login(username="chief", password=PASSWORD)
    client = Client()
    client.force_login(user)
    assert signed_in(client)


def test_django_admins_own_login_is_not_routed():
    with pytest.raises(NoReverseMatch):
        reverse("admin:login")
    assert Client().get("/django-admin/login/").status_code == 404


# --- the published demo password ---------------------------------------------------------------


def test_the_published_demo_password_does_not_sign_in_outside_the_demo():
    make_admin_user("chief", password=DEMO_PASSWORD)
    client = english_client()
    response = sign_in(client, "chief", DEMO_PASSWORD)
    assert not signed_in(client)
    assert "This is the public demo password" in response.content.decode()
    assert not Client().login(username="chief", password=DEMO_PASSWORD)


@pytest.mark.parametrize("flag", ["RONGMEI_DEMO", "DEBUG"])
def test_the_demo_and_debug_accept_the_demo_password(flag):
    make_admin_user("chief", password=DEMO_PASSWORD)
    client = english_client()
    with override_settings(**{flag: True}):
        sign_in(client, "chief", DEMO_PASSWORD)
    assert signed_in(client)


def test_the_deploy_check_warns_about_demo_accounts_with_the_demo_password():
    from rongmei.core.checks import demo_accounts_with_demo_password, demo_password_accounts

    assert demo_password_accounts(None) == []
    make_admin_user("chief", password=DEMO_PASSWORD)
    make_admin_user("reporter", password="changed-by-the-admin-1")
    assert demo_accounts_with_demo_password() == ["chief"]
    [warning] = demo_password_accounts(None)
    assert warning.id == "rongmei.W002" and "chief" in warning.msg
