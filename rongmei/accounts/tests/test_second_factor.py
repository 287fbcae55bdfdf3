"""The second factor: enrolment, the code after the password, recovery codes, throttling, roles,
the administrator's reset (decision 0037)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from rongmei.accounts import services
from rongmei.testing import login

from .helpers import code_for_key, enrol, next_code, secret_from_page

pytestmark = pytest.mark.django_db


def signed_in(user):
    return login(Client(), user, language="en")


def test_enrolment_with_a_real_code_turns_it_on_and_shows_recovery_codes_once(newsroom):
    client = signed_in(newsroom.editor)
    page = client.get("/admin/second-factor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="second-factor-qr"><svg' in html  # the QR code, inline SVG (no script, no request)
    key = secret_from_page(html)
    signed = page.context["form"].initial["key"]

    wrong = client.post("/admin/second-factor/", {"act": "enrol", "key": signed, "code": "000000"})
    assert wrong.status_code == 400
    assert "That code does not match" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=newsroom.editor).exists()

    done = client.post("/admin/second-factor/", {"act": "enrol", "key": signed, "code": code_for_key(key)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    assert "no-store" in done["Cache-Control"]
    assert TOTPDevice.objects.get(user=newsroom.editor).confirmed
    assert ModelLogEntry.objects.filter(action="rongmei.accounts.second_factor_on").count() == 1
    # This session proved the code: the admin stays open; the codes are never shown again.
    assert client.get("/admin/").status_code == 200
    again = client.get("/admin/second-factor/").content.decode()
    assert "Your second factor is on" in again
    assert not any(code in again for code in codes)


def test_a_key_signed_for_someone_else_is_refused(newsroom):
    key, signed = services.new_enrolment_key(newsroom.chief)
    with translation.override("en"), pytest.raises(services.SecondFactorError, match="another account"):
        services.enrol_totp(newsroom.editor, signed, code_for_key(bytes.fromhex(key)))
    with pytest.raises(services.SecondFactorError, match="另一个帐号"):
        services.enrol_totp(newsroom.editor, signed, code_for_key(bytes.fromhex(key)))


def test_sign_in_asks_for_the_code_before_any_admin_page(newsroom):
    enrol(newsroom.editor)
    client = signed_in(newsroom.editor)
    for path in ("/admin/", "/admin/pages/", "/admin/second-factor/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/verify/?next="), path

    page = client.get("/accounts/verify/?next=/admin/pages/")
    assert page.status_code == 200
    wrong = client.post("/accounts/verify/", {"code": "123456", "next": "/admin/pages/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    TOTPDevice.objects.filter(user=newsroom.editor).update(throttling_failure_count=0)
    right = client.post("/accounts/verify/", {"code": next_code(newsroom.editor), "next": "/admin/pages/"})
    assert right.status_code == 302 and right["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_the_next_address_must_be_on_this_site(newsroom):
    enrol(newsroom.editor)
    client = signed_in(newsroom.editor)
    right = client.post(
        "/accounts/verify/", {"code": next_code(newsroom.editor), "next": "https://evil.example/"}
    )
    assert right["Location"] == "/admin/"


def test_a_new_password_sign_in_asks_again(newsroom):
    enrol(newsroom.editor)
    client = signed_in(newsroom.editor)
    client.post("/accounts/verify/", {"code": next_code(newsroom.editor)})
    assert client.get("/admin/").status_code == 200
    login(client, newsroom.editor)  # the same person, the same browser, the password again
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(newsroom):
    codes = enrol(newsroom.editor)
    first = signed_in(newsroom.editor)
    used = first.post("/accounts/verify/", {"code": codes[0].upper()})
    assert used.status_code == 302
    assert first.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=newsroom.editor).count() == 9
    assert ModelLogEntry.objects.filter(action="rongmei.accounts.recovery_code_used").count() == 1

    second = signed_in(newsroom.editor)
    again = second.post("/accounts/verify/", {"code": codes[0]})
    assert again.status_code == 400
    assert second.get("/admin/").status_code == 302


def test_wrong_codes_are_throttled_with_a_clear_message(newsroom):
    enrol(newsroom.editor)
    client = signed_in(newsroom.editor)
    assert client.post("/accounts/verify/", {"code": "000000"}).status_code == 400
    # Even the right code is not tried during the wait, and the person is told how long.
    paused = client.post("/accounts/verify/", {"code": next_code(newsroom.editor)})
    assert paused.status_code == 400
    assert "Too many wrong codes in a row" in paused.content.decode()
    assert client.get("/admin/").status_code == 302
    # Once the wait is over, the right code opens the admin.
    TOTPDevice.objects.filter(user=newsroom.editor).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert client.post("/accounts/verify/", {"code": next_code(newsroom.editor)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_required_role_is_sent_to_enrolment_and_blocked_elsewhere(newsroom, settings):
    settings.RONGMEI_OTP_REQUIRED_ROLES = ["editor", "admin"]
    editor = signed_in(newsroom.editor)
    for path in ("/admin/", "/admin/pages/", f"/admin/second-factor-reset/{newsroom.reporter.pk}/"):
        response = editor.get(path)
        assert response.status_code == 302 and response["Location"] == "/admin/second-factor/", path
    page = editor.get("/admin/second-factor/")
    assert page.status_code == 200 and "Your role requires a second factor" in page.content.decode()
    # Other roles are not asked; the superuser is, through "admin".
    assert signed_in(newsroom.reporter).get("/admin/").status_code == 200
    assert signed_in(newsroom.admin).get("/admin/")["Location"] == "/admin/second-factor/"
    # Once enrolled (in this session), the admin opens; turning it off is refused.
    key = secret_from_page(page.content.decode())
    editor.post(
        "/admin/second-factor/",
        {"act": "enrol", "key": page.context["form"].initial["key"], "code": code_for_key(key)},
    )
    assert editor.get("/admin/images/").status_code == 200
    with pytest.raises(services.SecondFactorError, match="role requires"):
        services.turn_off(newsroom.editor, next_code(newsroom.editor))


def test_what_the_code_and_enrolment_pages_load_is_not_redirected(newsroom, settings):
    # The admin's script pastes the icon sprite into the page as it comes: a redirect there put a
    # second copy of the whole page into it.
    settings.RONGMEI_OTP_REQUIRED_ROLES = ["editor"]
    client = signed_in(newsroom.editor)
    enrol(newsroom.chief)
    half = signed_in(newsroom.chief)
    for path in (reverse("wagtailadmin_sprite"), reverse("wagtailadmin_javascript_catalog")):
        assert client.get(path).status_code == 200, path
        assert half.get(path).status_code == 200, path


def test_public_site_api_and_healthz_are_not_redirected(newsroom, settings):
    settings.RONGMEI_OTP_REQUIRED_ROLES = ["editor"]
    client = signed_in(newsroom.editor)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/sections").status_code == 200
    assert client.get("/healthz").status_code == 200
    # A person who has given only the password counts as anonymous outside the admin.
    enrol(newsroom.chief)
    half = signed_in(newsroom.chief)
    assert client.get("/healthz").json().keys() > {"status"}  # the editor is staff: details
    assert set(half.get("/healthz").json()) == {"status"}
    assert half.get("/").status_code == 200
    half.post("/accounts/verify/", {"code": next_code(newsroom.chief)})
    assert set(half.get("/healthz").json()) > {"status"}


def test_turning_it_off_needs_a_current_code(newsroom):
    enrol(newsroom.editor)
    with pytest.raises(services.SecondFactorError):
        services.turn_off(newsroom.editor, "000000")
    assert services.has_second_factor(newsroom.editor)
    TOTPDevice.objects.filter(user=newsroom.editor).update(throttling_failure_count=0)
    services.turn_off(newsroom.editor, next_code(newsroom.editor))
    assert not services.has_second_factor(newsroom.editor)


def test_administrator_resets_a_second_factor_and_it_is_logged(newsroom):
    enrol(newsroom.chief)
    with pytest.raises(PermissionDenied):
        services.reset_second_factor(newsroom.editor, newsroom.chief)
    assert services.has_second_factor(newsroom.chief)
    refused = signed_in(newsroom.editor).post(f"/admin/second-factor-reset/{newsroom.chief.pk}/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert services.has_second_factor(newsroom.chief)

    enrol(newsroom.admin)
    admin = signed_in(newsroom.admin)
    admin.post("/accounts/verify/", {"code": next_code(newsroom.admin)})
    confirm = admin.get(f"/admin/second-factor-reset/{newsroom.chief.pk}/")
    assert confirm.status_code == 200 and "Reset the second factor of chief" in confirm.content.decode()
    done = admin.post(f"/admin/second-factor-reset/{newsroom.chief.pk}/")
    assert done.status_code == 302
    assert not services.has_second_factor(newsroom.chief)
    entry = ModelLogEntry.objects.get(action="rongmei.accounts.second_factor_reset")
    assert entry.user_id == newsroom.admin.pk and entry.object_id == str(newsroom.chief.pk)
    assert entry.data["devices_removed"] == 2
    # The chief now signs in with the password alone.
    assert signed_in(newsroom.chief).get("/admin/").status_code == 200


def test_users_listing_offers_the_reset_to_administrators(newsroom):
    enrol(newsroom.admin)
    admin = signed_in(newsroom.admin)
    admin.post("/accounts/verify/", {"code": next_code(newsroom.admin)})
    listing = admin.get("/admin/users/").content.decode()
    assert f"/admin/second-factor-reset/{newsroom.chief.pk}/" in listing


def _gate_request(client, user, path):
    from django.conf import settings as django_settings
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.session = client.session
    request.COOKIES[django_settings.SESSION_COOKIE_NAME] = request.session.session_key
    dict(request.session.items())  # loaded already by the authentication middleware in a real request
    user.otp_device = None
    user.is_verified = lambda: user.otp_device is not None
    request.user = user
    return request


def test_what_the_gate_costs(newsroom, settings, django_assert_num_queries):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from rongmei.accounts.middleware import SecondFactorMiddleware, SessionExpiryMiddleware

    def chain(request):
        return SessionExpiryMiddleware(SecondFactorMiddleware(lambda r: HttpResponse("ok")))(request)

    anonymous = RequestFactory().get("/")
    with django_assert_num_queries(0):
        assert chain(anonymous).status_code == 200
    client = signed_in(newsroom.editor)
    request = _gate_request(client, newsroom.editor, "/admin/")
    with django_assert_num_queries(1):  # has a device?
        assert chain(request).status_code == 200
    settings.RONGMEI_OTP_REQUIRED_ROLES = ["chief"]
    request = _gate_request(client, newsroom.editor, "/admin/")
    with django_assert_num_queries(2):  # has a device? in a required role?
        assert chain(request).status_code == 200
    request = _gate_request(client, newsroom.editor, "/admin/")
    newsroom.editor.otp_device = object()  # verified: nothing to ask
    request.user.is_verified = lambda: True
    with django_assert_num_queries(0):
        assert chain(request).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(newsroom):
    old = enrol(newsroom.editor)
    client = signed_in(newsroom.editor)
    assert client.post("/admin/second-factor/", {"act": "codes"}).status_code == 302  # not verified yet
    client.post("/accounts/verify/", {"code": next_code(newsroom.editor)})
    page = client.post("/admin/second-factor/", {"act": "codes"})
    new = page.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(services.SecondFactorError):
        services.verify_second_factor(newsroom.editor, old[0])
    assert services.recovery_codes_left(newsroom.editor) == 10
    assert ModelLogEntry.objects.filter(action="rongmei.accounts.recovery_codes_renewed").count() == 1


def test_turning_it_off_from_the_page(newsroom):
    enrol(newsroom.editor)
    client = signed_in(newsroom.editor)
    client.post("/accounts/verify/", {"code": next_code(newsroom.editor)})
    wrong = client.post("/admin/second-factor/", {"act": "off", "code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    TOTPDevice.objects.filter(user=newsroom.editor).update(throttling_failure_count=0)
    done = client.post("/admin/second-factor/", {"act": "off", "code": next_code(newsroom.editor)})
    assert done.status_code == 302
    assert not services.has_second_factor(newsroom.editor)
    assert ModelLogEntry.objects.filter(action="rongmei.accounts.second_factor_off").count() == 1
