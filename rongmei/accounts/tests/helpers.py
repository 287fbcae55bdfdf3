import base64
import re
import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rongmei.accounts import services


def code_for_key(key: bytes, t: int | None = None) -> str:
    if t is None:
        t = int(time.time()) // 30
    return f"{hotp(key, t):06d}"


def next_code(user) -> str:
    """The code an app shows now, or the next step's when this step's was used (django-otp takes
    each step once; its tolerance of one step accepts the next)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    t = max(int(time.time()) // 30 + device.drift, device.last_t + 1)
    return code_for_key(device.bin_key, t)


def enrol(user):
    """A second factor set up through the service, as the enrolment page does; returns the codes."""
    key, signed = services.new_enrolment_key(user)
    _device, codes = services.enrol_totp(user, signed, code_for_key(bytes.fromhex(key)))
    return codes


def secret_from_page(html: str) -> bytes:
    """The key as a person types it into an app, read off the enrolment page."""
    grouped = re.search(r'id="second-factor-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    text = grouped.replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))
