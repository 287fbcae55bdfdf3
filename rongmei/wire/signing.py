"""Signed pushes between partner centers: the scheme our own outgoing partner push uses.

The sender sends ``X-Rongmei-Timestamp: <unix seconds>`` and
``X-Rongmei-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed with the shared secret>``.
The receiver accepts a timestamp within ``MAX_SKEW`` of its own clock (so a recorded push cannot be
replayed later) and compares the signature in constant time.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Rongmei-Signature"
TIMESTAMP_HEADER = "X-Rongmei-Timestamp"
MAX_SKEW_SECONDS = 300


class SignatureProblem(Exception):
    """Why a push's signature is not accepted; ``code`` is one of ``wire.messages.PUSH_REFUSALS``."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The two headers a sender adds (used by the tests and by anyone pushing to us)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(secret, stamp, body)}


def verify(
    secret: str | None, timestamp: str | None, sent_signature: str | None, body: bytes, *, now=None
) -> None:
    """Raise ``SignatureProblem`` unless the push is signed with ``secret`` and fresh."""
    if not secret:
        raise SignatureProblem("no_secret")
    if not timestamp or not sent_signature:
        raise SignatureProblem("unsigned")
    timestamp = timestamp.strip()
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureProblem("bad_timestamp")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        raise SignatureProblem("stale")
    expected = signature(secret, timestamp, body)
    if not hmac.compare_digest(
        expected.encode("ascii"), sent_signature.strip().lower().encode("utf-8", "replace")
    ):
        raise SignatureProblem("bad_signature")
