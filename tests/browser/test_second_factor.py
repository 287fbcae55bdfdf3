"""The second factor in a real browser: an editor whose role requires one is sent to enrolment,
scans (here: reads) the key, confirms with a code and gets recovery codes; signs out; signs in
again with the password and then the code (decision 0037)."""

import base64
import re
import time

import pytest
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from rongmei.testing import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")


def app_code(key: bytes, t: int) -> str:
    return f"{hotp(key, t):06d}"


def test_enrol_sign_out_and_sign_in_with_the_code(newsroom, live_server, new_page, settings):
    settings.RONGMEI_OTP_REQUIRED_ROLES = ["editor"]
    base_url = live_server.url
    page = new_page()
    # The QR code is inline SVG: no script, no outside request, nothing the CSP refuses.
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))

    password_step(page, base_url, "editor")
    page.wait_for_url(re.compile(r"/admin/second-factor/$"))
    expect(page.locator("#second-factor-required")).to_be_visible()
    expect(page.locator("#second-factor-qr svg")).to_be_visible()
    # Elsewhere in the admin: back to enrolment.
    page.goto(f"{base_url}/admin/pages/")
    page.wait_for_url(re.compile(r"/admin/second-factor/$"))

    # What a person types into the app when the camera cannot scan.
    secret = page.inner_text("#second-factor-secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=code]", "000000")
    page.click("form:has(input[name=act][value=enrol]) button[type=submit]")
    expect(page.locator("#second-factor-error")).to_be_visible()
    page.fill("input[name=code]", app_code(key, int(time.time()) // 30))
    page.click("form:has(input[name=act][value=enrol]) button[type=submit]")
    codes = page.locator("#recovery-codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    page.click("a[href='/admin/']")
    page.wait_for_url(re.compile(r"/admin/$"))

    # Sign out through the sidebar's account menu.
    page.click(".sidebar-footer__account")
    page.click(".sidebar-footer form[action$='/admin/logout/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/login/"))

    password_step(page, base_url, "editor")
    page.wait_for_url(re.compile(r"/accounts/verify/\?next="))
    page.fill("input[name=code]", "111111")
    page.click("form.login-form button[type=submit]")
    expect(page.locator("#second-factor-error")).to_be_visible()
    # django-otp pauses 1 s after a wrong code; then the app's current code opens the admin.
    page.wait_for_timeout(1100)
    device = TOTPDevice.objects.get(user=newsroom.editor)
    page.fill(
        "input[name=code]", app_code(key, max(int(time.time()) // 30 + device.drift, device.last_t + 1))
    )
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"{base_url}/admin/pages/")
    assert "/accounts/verify/" not in page.url and "/second-factor/" not in page.url
    assert not violations
