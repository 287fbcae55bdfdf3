"""Sealed secrets, signatures, and the partner contract server's own checks."""

import json
import time

import httpx
import pytest

from rongmei.distribution.adapters.partner_push import encode
from rongmei.distribution.contract.partner import PartnerContractServer
from rongmei.partners import crypto

SECRET = "partner-shared-secret-0123456789abcdef"


def test_a_sealed_secret_opens_with_the_key_and_its_fallbacks_only(settings):
    sealed = crypto.seal(SECRET)
    assert SECRET not in sealed and crypto.unseal(sealed) == SECRET
    assert crypto.seal(SECRET) != sealed  # a fresh IV each time
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-key-" + "y" * 40
    with pytest.raises(crypto.SecretUnreadable):
        crypto.unseal(sealed)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert crypto.unseal(sealed) == SECRET
    with pytest.raises(crypto.SecretUnreadable):
        crypto.unseal("not a fernet token")


def test_the_signature_covers_the_timestamp_and_the_body():
    body = encode({"uri": "urn:x", "headlines": [{"value": "标题"}]})
    signed = crypto.signature(SECRET, "1767225600", body)
    assert signed.startswith("sha256=") and len(signed) == 7 + 64
    assert crypto.signature(SECRET, "1767225601", body) != signed
    assert crypto.signature(SECRET, "1767225600", body + b" ") != signed
    assert crypto.signature(SECRET + "x", "1767225600", body) != signed


ITEM = {
    "uri": "urn:rongmei:localhost:story:1",
    "type": "text",
    "pubstatus": "usable",
    "headlines": [{"role": "main", "value": "标题"}],
}


def push(server, item, *, secret=SECRET, timestamp=None, key="k-1"):
    body = encode(item)
    timestamp = timestamp or str(int(time.time()))
    headers = {
        "X-Rongmei-Timestamp": timestamp,
        "X-Rongmei-Signature": crypto.signature(secret, timestamp, body),
    }
    if key:
        headers["Idempotency-Key"] = key
    return httpx.post(server.push_url, content=body, headers=headers, timeout=5)


@pytest.fixture
def server():
    with PartnerContractServer(secret=SECRET) as running:
        yield running


def test_the_contract_server_takes_a_signed_item_once(server):
    assert push(server, ITEM).json() == {"status": "received"}
    assert push(server, ITEM).json() == {"status": "duplicate"}
    assert server.received_items() == [ITEM]
    assert httpx.get(server.base_url + "/rongmei/items").json() == {"items": [ITEM]}


def test_the_contract_server_refuses_bad_signatures_old_timestamps_and_missing_keys(server):
    # The server's clock stands still: on the real one, a second that ticked between the test's
    # int(time.time()) and the server's check made "+301 s" 300.x s and let it through.
    now = int(time.time())
    server.clock = lambda: now
    assert push(server, ITEM, secret="wrong-secret-0123456789abcdef0123").status_code == 401
    assert push(server, ITEM, timestamp=str(now - 301)).status_code == 401
    assert push(server, ITEM, timestamp=str(now + 301)).status_code == 401
    assert push(server, ITEM, timestamp=str(now - 300)).status_code == 200
    assert push(server, ITEM, key="").status_code == 400
    assert [status for status, _reason in server.refused] == [401, 401, 401, 400]
    unsigned = httpx.post(server.push_url, content=encode(ITEM), timeout=5)
    assert unsigned.status_code == 401


def test_the_contract_server_refuses_what_is_not_ninjs(server):
    if server.validator() is None:
        pytest.skip("jsonschema or the ninjs schema is not available")
    response = push(server, {"uri": "urn:x", "pubstatus": "maybe"}, key="k-2")
    assert response.status_code == 422
    assert any("pubstatus" in error for error in response.json()["errors"])
    response = httpx.post(
        server.push_url,
        content=b"[1, 2]",
        headers={
            "X-Rongmei-Timestamp": (ts := str(int(time.time()))),
            "X-Rongmei-Signature": crypto.signature(SECRET, ts, b"[1, 2]"),
            "Idempotency-Key": "k-3",
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert server.received == [] and json.dumps(server.refused)
