"""The second factor's acts: enrol, verify at sign-in, new recovery codes, an administrator's reset.

Each act checks who may do it and writes Wagtail's log (``rongmei.accounts.*`` actions). Views call
these on POST only. Decision 0037.
"""

import base64
import secrets
import time

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from wagtail.log_actions import log

from .roles import second_factor_required

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper is read right.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ENROL_SALT = "rongmei.accounts.enrol"
# The QR code on the enrolment page is good for this long (then the page makes a new one).
ENROL_MAX_AGE_SECONDS = 30 * 60
DEVICE_NAME = "authenticator"


class SecondFactorError(Exception):
    """A refusal the person reads: ``message`` says what happened and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _real(user):
    """The user object itself: request.user is a lazy wrapper (django-otp's middleware makes another),
    and Wagtail's log looks up the logger by the instance's class."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def _require_signed_in(user):
    # Every act here is on the person's own second factor: there is none without a person.
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Please sign in first."))


def confirmed_totp(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def normalise_code(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


# --- enrolment ------------------------------------------------------------------------------------------


def new_enrolment_key(user) -> tuple[str, str]:
    """A fresh TOTP key (hex) and the signed form value that carries it to the confirming POST.

    Nothing is stored until the person proves with a code that their app has the key.
    """
    key = random_hex(20)
    return key, signing.dumps({"user": user.pk, "key": key}, salt=ENROL_SALT)


def key_from_signed(user, signed_key: str) -> str:
    _require_signed_in(user)
    try:
        data = signing.loads(signed_key, salt=ENROL_SALT, max_age=ENROL_MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise SecondFactorError(
            _(
                "This QR code is more than 30 minutes old. Please scan the new one shown below and enter its code."
            )
        ) from error
    except signing.BadSignature as error:
        raise SecondFactorError(
            _("The form was changed on its way. Please scan the code below again.")
        ) from error
    if data.get("user") != user.pk:
        raise SecondFactorError(
            _("This QR code was made for another account. Please scan the one shown below.")
        )
    return data["key"]


def base32_secret(key_hex: str) -> str:
    """The key as authenticator apps show and accept it, in groups of four for typing."""
    text = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_url(user, key_hex: str) -> str:
    _require_signed_in(user)
    return TOTPDevice(user=user, key=key_hex, name=DEVICE_NAME).config_url


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(10)) for _n in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [f"{code[:5]}-{code[5:]}" for code in codes]


@transaction.atomic
def enrol_totp(user, signed_key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn the second factor on once ``code`` shows the person's app has the key; returns the device
    and the recovery codes (shown once, stored only as django-otp's static tokens)."""
    if not user.is_authenticated:
        raise PermissionDenied
    if TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
        raise SecondFactorError(_("Your second factor is already on."))
    key = key_from_signed(user, signed_key)
    token = normalise_code(code)
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time()  # one moment for the check and the step remembered below
    if not (token.isdigit() and totp.verify(int(token), tolerance=1)):
        raise SecondFactorError(
            _(
                "That code does not match. Enter the 6 digits your app shows now for this account; "
                "if it still fails, check that your phone's clock is set automatically."
            )
        )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
    )
    codes = _new_recovery_codes(user)
    log(instance=_real(user), action="rongmei.accounts.second_factor_on", user=_real(user))
    return device, codes


@transaction.atomic
def renew_recovery_codes(user) -> list[str]:
    """New recovery codes for a person with a second factor; the old ones stop working."""
    _require_signed_in(user)
    if not has_second_factor(user):
        raise SecondFactorError(_("Turn the second factor on first; recovery codes come with it."))
    codes = _new_recovery_codes(user)
    log(instance=_real(user), action="rongmei.accounts.recovery_codes_renewed", user=_real(user))
    return codes


def recovery_codes_left(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def turn_off(user, code: str):
    """The person turns their own second factor off, with a current code; not where a role requires it."""
    if second_factor_required(user):
        raise SecondFactorError(_("Your role requires a second factor, so it cannot be turned off."))
    device = verify_second_factor(user, code)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log(instance=_real(user), action="rongmei.accounts.second_factor_off", user=_real(user))
    return device


# --- signing in -------------------------------------------------------------------------------------------


def _throttled_until(devices):
    waits = []
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append(data["locked_until"])
    return max(waits) if waits else None


def verify_second_factor(user, code: str):
    """The device that accepts ``code`` (an app's 6 digits or a recovery code, used up), or a refusal.

    Wrong codes are throttled by django-otp: after n wrong codes in a row the next is not even tried
    for 2^(n-1) seconds, and the refusal says until when.
    """
    _require_signed_in(user)
    totp = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    static = list(StaticDevice.objects.filter(user=user, confirmed=True))
    if not totp:
        raise SecondFactorError(_("This account has no second factor."))
    until = _throttled_until(totp + static)
    if until is not None:
        seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
        raise SecondFactorError(
            _(
                "Too many wrong codes in a row, so codes are paused: please wait %(seconds)s seconds "
                "(until %(time)s) and try again. Each further wrong code doubles the wait."
            )
            % {"seconds": seconds, "time": time_format(timezone.localtime(until), "H:i:s")}
        )
    token = normalise_code(code)
    if token.isdigit() and len(token) == 6:
        devices = totp
    else:
        devices = static
    for device in devices:
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            if isinstance(verified, StaticDevice):
                log(instance=_real(user), action="rongmei.accounts.recovery_code_used", user=_real(user))
            return verified
    raise SecondFactorError(
        _(
            "That code is not right. Enter the 6 digits your authenticator app shows now, or one of "
            "your recovery codes."
        )
    )


# --- administrators ---------------------------------------------------------------------------------------


def may_reset(actor, target) -> bool:
    """Superusers, and those who manage users (auth.change_user), for anyone but a superuser."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return actor.has_perm("auth.change_user") and not target.is_superuser


@transaction.atomic
def reset_second_factor(actor, target) -> int:
    """An administrator removes a person's second factor (a lost phone); they sign in with the password
    next, and enrol again (at once where their role requires it). Returns the devices removed."""
    if not may_reset(actor, target):
        raise PermissionDenied(_("Only an administrator who manages users may reset a second factor."))
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=target)
        removed += devices.count()
        devices.delete()
    log(
        instance=_real(target),
        action="rongmei.accounts.second_factor_reset",
        user=_real(actor),
        data={"devices_removed": removed},
    )
    return removed
