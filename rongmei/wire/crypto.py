"""The push sources' shared secrets, encrypted at rest.

A secret is needed in clear to check a partner's HMAC signature, so it cannot be hashed like a
password; it is kept as a Fernet token (AES-128-CBC + HMAC-SHA256, from ``cryptography``) whose
key is derived from ``SECRET_KEY`` with HKDF-SHA256 and a purpose of its own, so the key used here
is no key used anywhere else. ``SECRET_KEY_FALLBACKS`` still decrypt, so a key rotation keeps the
secrets readable until they are saved again. A secret that no key opens is ``None``: the source
says so and an editor types the secret in again. See docs/decisions/0022-incoming-wire.md.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SALT = b"rongmei.wire"
INFO = b"wire-source-shared-secret-v1"


def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=INFO).derive(
        secret_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(key) for key in keys if key])


def encrypt(secret: str) -> str:
    return _keys().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str | None:
    """The secret, or None when there is none or no current key opens it."""
    if not token:
        return None
    try:
        return _keys().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError, UnicodeError):
        return None
