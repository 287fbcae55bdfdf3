"""OIDC sign-in in a real browser: the button on the admin login page → the provider (a local one
that consents at once) → back in the admin, signed in as the matching account, with its mapped
role; no CSP violation on the way (decision 0038)."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from rongmei.organisation.roles import EDITOR, ensure_roles
from rongmei.sso import oidc
from rongmei.sso.config import oidc_settings, sso_backends
from rongmei.sso.tests.oidc_provider import LocalOIDCProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def test_button_provider_and_back_signed_in(live_server, new_page, settings):
    ensure_roles()
    User.objects.create_user("wangfang", password=None)
    callback = f"{live_server.url}/sso/oidc/callback/"
    with LocalOIDCProvider(redirect_uris=[callback]) as provider:
        provider.person = {
            "sub": "u-1",
            "preferred_username": "wangfang",
            "name": "王芳",
            "groups": ["editors"],
        }
        values = oidc_settings(
            {
                "OIDC_ISSUER": provider.issuer,
                "OIDC_CLIENT_ID": provider.client_id,
                "OIDC_CLIENT_SECRET": provider.client_secret,
                "OIDC_ROLE_MAP": "editors=editor",
            }
        )
        for name, value in values.items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = ["rongmei.core.auth.NewsroomAuthBackend", *sso_backends(values)]
        oidc.clear_discovery_cache()

        page = new_page()
        page.add_init_script(CSP_WATCH)
        page.goto(f"{live_server.url}/admin/login/")
        button = page.locator("a[data-sso=oidc]")
        expect(button).to_be_visible()
        button.click()
        page.wait_for_url(re.compile(r"/admin/$"))
        expect(page.locator("main")).to_be_visible()
        assert page.evaluate("window.__cspViolations") == []
    user = User.objects.get(username="wangfang")
    assert user.first_name == "王芳"
    assert list(user.groups.values_list("name", flat=True)) == [EDITOR.group_name]
    oidc.clear_discovery_cache()
