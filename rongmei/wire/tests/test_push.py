"""The push endpoint: signed pushes are stored once, anything else is refused in plain words and
stores nothing (a log line and the source's last error only)."""

import json
import logging
import time

import pytest
from django.utils import translation

from rongmei.wire import signing
from rongmei.wire.models import WireItem, WirePushReceipt, WireSource

from .helpers import SECRET, make_source, ninjs_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return make_source(kind=WireSource.Kind.PUSH, name="合作台")


def push(client, source, payload, *, secret=SECRET, timestamp=None, headers=None, raw=None):
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    signed = signing.signed_headers(secret, body, timestamp=timestamp)
    signed.update(headers or {})
    return client.post(
        f"/wire/push/{source.pk}/",
        data=body,
        content_type="application/json",
        headers=signed,
    )


def test_a_signed_push_is_stored_with_the_sources_rights(client, source):
    response = push(client, source, ninjs_item())
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["items"][0]["outcome"] == "created" and answer["items"][0]["uri"] == "urn:partner:x:1"
    item = WireItem.objects.get(source=source)
    assert item.headline == "合作方稿件" and item.rights == "转载须注明来源" and item.byline == "通讯员 赵强"
    assert item.raw["uri"] == "urn:partner:x:1"
    source.refresh_from_db()
    assert source.last_push_at and source.last_run_new == 1
    # the same item and version again: nothing changes
    again = push(client, source, ninjs_item())
    assert again.status_code == 200 and again.json()["items"][0]["outcome"] == "unchanged"
    # a new version updates it
    newer = push(client, source, ninjs_item(version="2", headline="更新后的标题"))
    assert newer.json()["items"][0]["outcome"] == "updated"
    assert WireItem.objects.get(source=source).headline == "更新后的标题"
    assert WireItem.objects.count() == 1


@pytest.mark.parametrize(
    "case, code",
    [
        ("wrong_secret", "bad_signature"),
        ("old", "stale"),
        ("unsigned", "unsigned"),
        ("bad_stamp", "bad_timestamp"),
    ],
)
def test_a_push_we_cannot_trust_is_refused_and_nothing_is_stored(client, source, case, code):
    body = json.dumps(ninjs_item()).encode()
    if case == "wrong_secret":
        response = push(client, source, None, raw=body, secret="another-secret-that-is-long-enough-000")
    elif case == "old":
        response = push(client, source, None, raw=body, timestamp=int(time.time()) - 301)
    elif case == "unsigned":
        response = client.post(f"/wire/push/{source.pk}/", data=body, content_type="application/json")
    else:
        response = push(client, source, None, raw=body, headers={signing.TIMESTAMP_HEADER: "yesterday"})
    assert response.status_code == 401
    answer = response.json()
    assert answer["error"] == code
    assert set(answer["message"]) == {"zh-hans", "en"} and answer["message"]["en"]
    assert WireItem.objects.count() == 0 and WirePushReceipt.objects.count() == 0
    source.refresh_from_db()
    assert source.last_error_code == code and source.last_push_at is None


def test_a_refused_push_leaves_one_log_line_without_the_secret(client, source, caplog):
    with caplog.at_level(logging.WARNING, logger="rongmei.wire.services"):
        push(client, source, ninjs_item(), secret="another-secret-that-is-long-enough-000")
    lines = [r.getMessage() for r in caplog.records if r.name == "rongmei.wire.services"]
    assert len(lines) == 1 and "reason=bad_signature" in lines[0] and f"source={source.pk}" in lines[0]
    assert SECRET not in lines[0] and "合作方稿件" not in lines[0]


def test_a_tampered_body_is_refused(client, source):
    body = json.dumps(ninjs_item(), ensure_ascii=False).encode()
    headers = signing.signed_headers(SECRET, body)
    tampered = body.replace("合作方稿件".encode(), "篡改的标题".encode())
    response = client.post(
        f"/wire/push/{source.pk}/", data=tampered, content_type="application/json", headers=headers
    )
    assert response.status_code == 401 and response.json()["error"] == "bad_signature"
    with translation.override("en"):
        assert "Nothing was stored" in response.json()["message"]["en"]


def test_a_signature_within_five_minutes_is_accepted(client, source):
    response = push(client, source, ninjs_item(), timestamp=int(time.time()) - 290)
    assert response.status_code == 201


def test_invalid_json_and_invalid_ninjs_answer_field_errors(client, source):
    response = push(client, source, None, raw=b"{not json")
    assert response.status_code == 400 and response.json()["error"] == "bad_json"
    bad = ninjs_item(versioncreated="昨天")
    del bad["uri"]
    response = push(client, source, bad)
    assert response.status_code == 400
    answer = response.json()
    assert answer["error"] == "invalid_ninjs"
    assert set(answer["errors"]) == {"uri", "versioncreated"}
    assert answer["errors"]["uri"][0]["en"] == "This field is required."
    assert WireItem.objects.count() == 0
    source.refresh_from_db()
    assert source.last_run_problems[0]["errors"]["uri"] == [{"code": "required", "params": {}}]


def test_a_batch_is_all_or_nothing(client, source):
    good, bad = ninjs_item(uri="urn:x:good"), {"uri": "urn:x:bad", "headlines": "no"}
    response = push(client, source, {"items": [good, bad]})
    assert response.status_code == 400
    assert [entry["uri"] for entry in response.json()["items"]] == ["urn:x:bad"]
    assert WireItem.objects.count() == 0
    response = push(client, source, {"items": [good, ninjs_item(uri="urn:x:second")]})
    assert response.status_code == 201 and WireItem.objects.count() == 2


def test_idempotency_key_answers_the_same_without_storing_again(client, source):
    key = {"Idempotency-Key": "push-0001"}
    first = push(client, source, ninjs_item(), headers=key)
    assert first.status_code == 201
    replay = push(client, source, ninjs_item(), headers=key)
    assert replay.status_code == 201 and replay.json()["replayed"] is True
    assert replay.json()["items"] == first.json()["items"]
    assert WireItem.objects.get().versions_received == 1
    conflict = push(client, source, ninjs_item(version="9"), headers=key)
    assert conflict.status_code == 409 and conflict.json()["error"] == "idempotency_conflict"
    assert WireItem.objects.get().version == "1"


def test_other_refusals(client, source):
    assert client.get(f"/wire/push/{source.pk}/").status_code == 405
    assert push(client, source, ninjs_item()).status_code == 201
    polled = make_source(kind=WireSource.Kind.NINJS, url="https://partner.example/feed.json")
    response = client.post(f"/wire/push/{polled.pk}/", data=b"{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["error"] == "unknown_source"
    WireSource.objects.filter(pk=source.pk).update(active=False)
    response = push(client, source, ninjs_item(uri="urn:x:other"))
    assert response.status_code == 403 and response.json()["error"] == "inactive"


def test_a_canceled_item_marks_ours_withdrawn(client, source):
    push(client, source, ninjs_item())
    response = push(client, source, {"uri": "urn:partner:x:1", "version": "2", "pubstatus": "canceled"})
    assert response.json()["items"][0]["outcome"] == "updated"
    item = WireItem.objects.get()
    assert item.is_withdrawn and item.headline == "合作方稿件"


def test_a_secret_no_key_opens_is_said_so(client, source, settings):
    settings.SECRET_KEY = "a-different-server-key-" + "y" * 40
    response = push(client, source, ninjs_item())
    assert response.status_code == 401 and response.json()["error"] == "secret_unreadable"
    settings.SECRET_KEY_FALLBACKS = ["rongmei-test-suite-only-" + "x" * 40]
    assert push(client, source, ninjs_item()).status_code == 201  # the old key still opens it


def test_the_secret_is_stored_encrypted():
    source = make_source(kind=WireSource.Kind.PUSH)
    stored = WireSource.objects.filter(pk=source.pk).values_list("secret_encrypted", flat=True).get()
    assert SECRET not in stored and stored.startswith("gAAAA")
    assert WireSource.objects.get(pk=source.pk).shared_secret() == SECRET
    assert SECRET not in repr(source)
