"""Signing in through an OpenID Connect provider: a real one on 127.0.0.1 (tests/oidc_provider.py),
the authorization-code flow through Django's test client, every refusal shown on the login page."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.test import Client, override_settings

from rongmei.organisation.roles import CHIEF, EDITOR, REPORTER, ensure_roles
from rongmei.sso import oidc
from rongmei.sso.config import oidc_settings, sso_backends

from .oidc_provider import LocalOIDCProvider

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/sso/oidc/callback/"


@pytest.fixture(scope="module")
def provider():
    with LocalOIDCProvider(redirect_uris=[CALLBACK]) as running:
        yield running


def configure(provider, **extra):
    env = {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": provider.client_id,
        "OIDC_CLIENT_SECRET": provider.client_secret,
        **extra,
    }
    values = oidc_settings(env)
    return override_settings(
        **values,
        AUTHENTICATION_BACKENDS=["rongmei.core.auth.NewsroomAuthBackend", *sso_backends(values)],
    )


@pytest.fixture(autouse=True)
def fresh_provider_state(provider):
    oidc.clear_discovery_cache()
    provider.person = {"sub": "u-1", "preferred_username": "wangfang", "name": "王芳", "groups": []}
    provider.id_token_overrides = {}
    yield
    oidc.clear_discovery_cache()


def english_client():
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_user(username="wangfang"):
    user = User.objects.create_user(username, password=None)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def start(client, next_url="/admin/"):
    """The button → Rongmei → the provider's /authorize (auto-consent) → the callback URL."""
    response = client.get("/sso/oidc/login/", {"next": next_url})
    assert response.status_code == 302
    authorize = response["Location"]
    assert (
        authorize.startswith(f"{settings.OIDC_OP_AUTHORIZATION_ENDPOINT or ''}") or "/authorize?" in authorize
    )
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def finish(client, callback_url):
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def login_page_text(client, response):
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"
    return client.get("/admin/login/").content.decode()


def signed_in(client):
    return "_auth_user_id" in client.session


def test_login_page_shows_the_button_only_when_configured(provider):
    client = english_client()
    assert 'data-sso="oidc"' not in client.get("/admin/login/").content.decode()
    assert client.get("/sso/oidc/login/").status_code == 404
    with configure(provider):
        page = client.get("/admin/login/?next=/admin/pages/").content.decode()
    assert 'data-sso="oidc"' in page
    assert "/sso/oidc/login/?next=/admin/pages/" in page
    assert "Sign in with unified identity authentication" in page


def test_full_sign_in_with_state_nonce_pkce_and_rs256(provider):
    user = make_user()
    client = english_client()
    with configure(provider):
        response = finish(client, start(client, next_url="/admin/pages/"))
        assert response.status_code == 302
        assert response["Location"] == "/admin/pages/"
        assert signed_in(client)
        assert int(client.session["_auth_user_id"]) == user.pk
        assert client.session["_auth_user_backend"] == "rongmei.sso.oidc.NewsroomOIDCBackend"
        assert client.get("/admin/").status_code == 200
    user.refresh_from_db()
    assert user.first_name == "王芳"
    request = provider.token_requests[-1]
    assert request["code_verifier"] and request["redirect_uri"] == CALLBACK


def test_reused_callback_is_refused_as_a_state_mismatch(provider):
    make_user()
    client = english_client()
    with configure(provider):
        callback = start(client)
        finish(client, callback)
        client.logout()
        # Signing in set the person's own language (Chinese) in the language cookie.
        text = login_page_text(client, finish(client, callback))
    assert "不属于在本浏览器中发起的登录，或者已经用过了" in text
    assert not signed_in(client)


def test_bad_state_is_refused(provider):
    make_user()
    client = english_client()
    with configure(provider):
        callback = start(client).replace("state=", "state=forged")
        text = login_page_text(client, finish(client, callback))
    assert "does not belong to a sign-in started in this browser" in text
    assert not signed_in(client)


def test_wrong_nonce_is_refused_and_counted(provider):
    make_user()
    provider.id_token_overrides = {"nonce": "not-the-one-we-sent"}
    client = english_client()
    with configure(provider):
        text = login_page_text(client, finish(client, start(client)))
    assert "could not be verified (JWT Nonce verification failed.)" in text
    assert not signed_in(client)
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()


def test_expired_id_token_is_refused(provider):
    make_user()
    now = int(time.time())
    provider.id_token_overrides = {"iat": now - 3600, "exp": now - 1800}
    client = english_client()
    with configure(provider):
        text = login_page_text(client, finish(client, start(client)))
    assert "could not be verified (Signature has expired)" in text
    assert not signed_in(client)


def test_token_for_another_client_is_refused(provider):
    make_user()
    provider.id_token_overrides = {"aud": "someone-else"}
    client = english_client()
    with configure(provider):
        text = login_page_text(client, finish(client, start(client)))
    assert "could not be verified (Audience doesn" in text
    assert not signed_in(client)


def test_unknown_user_is_refused_unless_creation_is_on(provider):
    client = english_client()
    with configure(provider):
        text = login_page_text(client, finish(client, start(client)))
    assert "Your unified sign-in account wangfang has no Rongmei account" in text
    assert not signed_in(client)
    assert not User.objects.filter(username="wangfang").exists()


def test_wrong_client_secret_shows_the_provider_reason(provider):
    make_user()
    client = english_client()
    with configure(provider, OIDC_CLIENT_SECRET="wrong"):
        text = login_page_text(client, finish(client, start(client)))
    assert "refused the sign-in (invalid_client)" in text
    assert not signed_in(client)


def test_provider_error_reply_is_shown(provider):
    client = english_client()
    with configure(provider):
        start(client)
        response = client.get(
            "/sso/oidc/callback/", {"error": "access_denied", "error_description": "user said no"}
        )
        text = login_page_text(client, response)
    assert "refused the sign-in (user said no)" in text


def test_provider_down_gives_a_message_not_an_error():
    client = english_client()
    values = oidc_settings(
        {"OIDC_ISSUER": "http://127.0.0.1:9", "OIDC_CLIENT_ID": "rongmei", "OIDC_TIMEOUT": "2"}
    )
    with override_settings(**values):
        # The login page itself never waits for the provider.
        assert 'data-sso="oidc"' in client.get("/admin/login/").content.decode()
        text = login_page_text(client, client.get("/sso/oidc/login/"))
    assert "The unified sign-in service cannot be reached right now" in text


def test_created_user_gets_roles_from_the_groups_claim(provider):
    ensure_roles()
    provider.person = {
        "sub": "u-2",
        "preferred_username": "lilei",
        "name": "李雷",
        "email": "lilei@example.org",
        "groups": ["newsroom-editors", "unrelated"],
    }
    client = english_client()
    role_map = "newsroom-editors=editor; newsroom-chiefs=chief"
    with configure(provider, OIDC_CREATE_USERS="1", OIDC_ROLE_MAP=role_map):
        finish(client, start(client))
        assert signed_in(client)
        user = User.objects.get(username="lilei")
        assert not user.has_usable_password()
        assert user.email == "lilei@example.org"
        assert set(user.groups.values_list("name", flat=True)) == {EDITOR.group_name}
        # A reporter group given by hand stays (not in the map); the editor role follows the provider.
        user.groups.add(User.groups.rel.model.objects.get(name=REPORTER.group_name))
        provider.person = {**provider.person, "groups": ["newsroom-chiefs"]}
        client.logout()
        finish(client, start(client))
    assert set(user.groups.values_list("name", flat=True)) == {CHIEF.group_name, REPORTER.group_name}


def test_misspelt_role_code_is_a_system_check_error(provider):
    from rongmei.sso.checks import check_role_maps

    with configure(provider, OIDC_ROLE_MAP="newsroom-editors=editr"):
        errors = check_role_maps()
    assert [e.id for e in errors] == ["rongmei.sso.E001"]
    assert "editr" in errors[0].msg


def test_userinfo_about_another_subject_is_refused(provider):
    make_user()
    provider.id_token_overrides = {"sub": "someone-else"}
    client = english_client()
    with configure(provider):
        text = login_page_text(client, finish(client, start(client)))
    assert "could not be verified (userinfo is about another subject than the id_token)" in text
    assert not signed_in(client)
