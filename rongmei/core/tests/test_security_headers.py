"""Security headers and the HTTPS switches (issue 8, point 12).

The browser test tests/browser/test_security_headers.py shows that the admin and the site work
under the enforced policy; here: the headers are sent, the switches are read from the environment,
and the production block of docs/deployment.md passes `rongmei check --deploy`.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOYMENT_DOC = Path(__file__).resolve().parents[3] / "docs" / "deployment.md"


def policy(response):
    return dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )


@pytest.mark.django_db
def test_the_public_site_gets_a_strict_policy_and_permissions_policy(client, newsroom):
    response = client.get("/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_pages_from_the_public_page_cache_get_the_headers_too(client, newsroom):
    client.get("/")
    cached = client.get("/")
    assert "default-src 'self'" in cached["Content-Security-Policy"]
    assert "Permissions-Policy" in cached


@pytest.mark.django_db
def test_the_admin_also_allows_wagtails_inline_scripts(client):
    directives = policy(client.get("/admin/login/"))
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["default-src"] == ["'self'"]


def settings_in_a_fresh_process(tmp_path, env, expression):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    clean.update(
        DJANGO_SETTINGS_MODULE="rongmei.settings",
        RONGMEI_VAR_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import rongmei.settings as s; print(repr({expression}))"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return eval(result.stdout)  # noqa: S307 - our own repr of settings values


def test_https_switches_are_off_by_default_and_read_from_the_environment(tmp_path):
    names = (
        "(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.X_FRAME_OPTIONS)"
    )
    assert settings_in_a_fresh_process(tmp_path, {}, names) == (False, 0, False, False, None, "SAMEORIGIN")
    production = {
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SESSION_COOKIE_SECURE": "1",
        "CSRF_COOKIE_SECURE": "1",
        "SECURE_PROXY_SSL_HEADER": "1",
        "X_FRAME_OPTIONS": "DENY",
    }
    assert settings_in_a_fresh_process(tmp_path, production, names) == (
        True,
        31536000,
        True,
        True,
        ("HTTP_X_FORWARDED_PROTO", "https"),
        "DENY",
    )
    header = settings_in_a_fresh_process(tmp_path, {"SECURE_PROXY_SSL_HEADER": "HTTP_X_SCHEME"}, names)[4]
    assert header == ("HTTP_X_SCHEME", "https")


def production_block():
    """The env block of docs/deployment.md, section "Production settings"."""
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    section = text.split("## Production settings", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)[1]
    return dict(
        line.split("=", 1) for line in block.splitlines() if line.strip() and not line.startswith("#")
    )


def test_the_documented_production_settings_pass_check_deploy(tmp_path):
    env = production_block()
    assert env["SECRET_KEY"].startswith("<")  # a placeholder, never a usable key
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        RONGMEI_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="rongmei.settings",
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests' conftest sets it for this process only.
        if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "RONGMEI_", "DEBUG", "SECRET_KEY", "DATABASE_URL"))
        and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    result = subprocess.run(
        [sys.executable, "-m", "rongmei", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
