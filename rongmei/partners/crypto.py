"""The partners' secrets: API tokens kept as hashes, push signing secrets sealed at rest.

**Tokens** (``rmp_`` + 43 random URL-safe characters, 256 bits) are shown once when created; the
database keeps their SHA-256 (a fast hash is enough for a random 256-bit value: nothing to guess
from it) and the first characters, so staff can tell tokens apart.

**Signing secrets** must be read back to sign each push, so they are encrypted, not hashed:
Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) with a key derived from ``SECRET_KEY``
by HKDF-SHA256 with a purpose label of its own, so the key signs nothing else Django signs. A key
in ``SECRET_KEY_FALLBACKS`` still opens what it sealed (``MultiFernet``): rotating ``SECRET_KEY``
the Django way keeps the secrets readable until they are set again. See
docs/decisions/0021-partner-centers.md.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

TOKEN_PREFIX = "rmp_"
TOKEN_SHOWN_CHARS = 8  # after the prefix: what the admin lists
SECRET_MIN_LENGTH = 32
HKDF_INFO = b"rongmei.partners.push-signing-secret.v1"


class SecretUnreadable(Exception):
    """A sealed secret that no current key opens (SECRET_KEY changed without a fallback)."""


# --- tokens -------------------------------------------------------------------------------------


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_shown_part(raw: str) -> str:
    return raw[: len(TOKEN_PREFIX) + TOKEN_SHOWN_CHARS]


# --- signing secrets ----------------------------------------------------------------------------


def new_signing_secret() -> str:
    return secrets.token_urlsafe(32)


def _fernet_for(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(key) for key in keys])


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii")


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretUnreadable() from None


# --- push signatures ----------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp + "." + body`` (the header's value)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()
