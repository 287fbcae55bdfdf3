"""Signing in with the directory password: a real OpenLDAP (tests/slapd.py) on 127.0.0.1, through
Wagtail's login form, with django-axes counting the failures."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.test import Client, override_settings

from rongmei.organisation.roles import CHIEF, EDITOR, REPORTER, ensure_roles
from rongmei.sso.config import ldap_settings, sso_backends

from . import slapd

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not slapd.available(), reason=f"OpenLDAP's {slapd.SLAPD} is not installed (apt install slapd)"
    ),
]


@pytest.fixture(scope="module")
def directory():
    with slapd.LocalSlapd() as running:
        yield running


def directory_env(directory, **extra):
    return {
        "LDAP_SERVER_URI": directory.uri,
        "LDAP_BIND_DN": slapd.READER_DN,
        "LDAP_BIND_PASSWORD": slapd.READER_PASSWORD,
        "LDAP_USER_SEARCH_BASE": f"ou=people,{slapd.SUFFIX}",
        "LDAP_GROUP_SEARCH_BASE": f"ou=groups,{slapd.SUFFIX}",
        "LDAP_ROLE_MAP": "newsroom-editors=editor; newsroom-chiefs=chief",
        "LDAP_TIMEOUT": "2",
        **extra,
    }


def configure(env):
    values = ldap_settings(env)
    return override_settings(
        **values,
        AUTHENTICATION_BACKENDS=["rongmei.core.auth.NewsroomAuthBackend", *sso_backends(values)],
    )


def english_client(address="203.0.113.20"):
    client = Client(REMOTE_ADDR=address)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_in(client, username, password):
    return client.post("/admin/login/", {"username": username, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def make_user(username):
    user = User.objects.create_user(username, password=None)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_directory_password_signs_in_and_maps_roles(directory):
    ensure_roles()
    user = make_user("zhangwei")
    user.groups.add(Group.objects.get(name=CHIEF.group_name), Group.objects.get(name=REPORTER.group_name))
    client = english_client()
    with configure(directory_env(directory)):
        response = sign_in(client, "zhangwei", "zw-directory-pass")
        assert response.status_code == 302, response.content.decode()[:500]
        assert signed_in(client)
        assert client.session["_auth_user_backend"] == "rongmei.sso.ldap_backend.NewsroomLDAPBackend"
        assert client.get("/admin/").status_code == 200
    user.refresh_from_db()
    assert user.first_name == "张伟"
    assert user.email == "zhangwei@rongmei.test"
    # Directory group newsroom-editors → 初审编辑; 终审总编 (mapped, not in the directory) taken away;
    # 记者 (not in the map) left as the administrator set it.
    assert set(user.groups.values_list("name", flat=True)) == {EDITOR.group_name, REPORTER.group_name}


def test_wrong_directory_password_is_refused_and_counted_by_axes(directory):
    make_user("zhangwei")
    client = english_client()
    with configure(directory_env(directory)):
        response = sign_in(client, "zhangwei", "not-it")
    assert response.status_code == 200
    assert not signed_in(client)
    assert "and password didn&#x27;t match" in response.content.decode()
    attempt = AccessAttempt.objects.get(username="zhangwei")
    assert attempt.failures_since_start == 1


def test_locked_account_never_reaches_the_directory(directory):
    make_user("zhangwei")
    client = english_client()
    with configure(directory_env(directory)), override_settings(AXES_FAILURE_LIMIT=3):
        for _ in range(3):
            sign_in(client, "zhangwei", "guess")
        response = sign_in(client, "zhangwei", "zw-directory-pass")
    assert response.status_code == 429
    assert not signed_in(client)
    assert "this account is locked for now" in response.content.decode()


def test_directory_account_without_rongmei_account_is_told_so(directory):
    client = english_client()
    with configure(directory_env(directory)):
        response = sign_in(client, "liuyang", "ly-directory-pass")
    assert not signed_in(client)
    assert "Your directory account liuyang has no Rongmei account yet" in response.content.decode()
    assert not User.objects.filter(username="liuyang").exists()


def test_creation_on_first_sign_in_when_allowed(directory):
    ensure_roles()
    client = english_client()
    with configure(directory_env(directory, LDAP_CREATE_USERS="1")):
        sign_in(client, "liuyang", "ly-directory-pass")
    assert signed_in(client)
    user = User.objects.get(username="liuyang")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [CHIEF.group_name]


def test_directory_down_gives_a_clear_message_and_is_not_counted():
    make_user("zhangwei")
    client = english_client()
    env = {
        "LDAP_SERVER_URI": f"ldap://127.0.0.1:{slapd.free_port()}/",
        "LDAP_USER_SEARCH_BASE": f"ou=people,{slapd.SUFFIX}",
        "LDAP_TIMEOUT": "1",
    }
    with configure(env):
        response = sign_in(client, "zhangwei", "zw-directory-pass")
    assert response.status_code == 200
    assert not signed_in(client)
    assert "The directory server (LDAP) cannot be reached right now" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="zhangwei").exists()


def test_local_password_still_works_next_to_the_directory(directory):
    User.objects.create_superuser("admin", password="local-admin-pass-2026")
    client = english_client()
    with configure(directory_env(directory)):
        sign_in(client, "admin", "local-admin-pass-2026")
    assert client.session["_auth_user_backend"] == "rongmei.core.auth.NewsroomAuthBackend"


def test_settings_from_the_environment():
    values = ldap_settings(
        {
            "LDAP_SERVER_URI": "ldaps://ldap.example.org/",
            "LDAP_CA_CERT_FILE": "/etc/ssl/center-ca.pem",
            "LDAP_USER_DN_TEMPLATE": "uid=%(user)s,ou=people,dc=example,dc=org",
            "LDAP_ROLE_MAP": "cn=Editors,ou=groups,dc=example,dc=org=editor",
        }
    )
    import ldap

    options = values["AUTH_LDAP_CONNECTION_OPTIONS"]
    assert options[ldap.OPT_X_TLS_CACERTFILE] == "/etc/ssl/center-ca.pem"
    assert options[ldap.OPT_X_TLS_REQUIRE_CERT] == ldap.OPT_X_TLS_DEMAND
    assert list(options)[-1] == ldap.OPT_X_TLS_NEWCTX
    assert values["AUTH_LDAP_USER_DN_TEMPLATE"].startswith("uid=%(user)s")
    assert values["AUTH_LDAP_NO_NEW_USERS"] is True
    assert values["RONGMEI_LDAP_ROLE_MAP"] == {"cn=editors,ou=groups,dc=example,dc=org": ["editor"]}
    assert ldap_settings({}) == {"RONGMEI_LDAP_ENABLED": False, "RONGMEI_LDAP_ROLE_MAP": {}}
