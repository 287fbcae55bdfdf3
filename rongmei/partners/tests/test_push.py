"""Pushing to partner centers through the real pipeline: 三审 → story event → outbox → the
partner_push adapter → the partner's contract server (which checks the signature, the timestamp,
the Idempotency-Key and the ninjs schema)."""

import logging
from datetime import timedelta

import httpx
import pytest
from django.core.exceptions import ValidationError

from rongmei.core import outbound, outbox
from rongmei.core.models import OutboxMessage
from rongmei.distribution import services as distribution_services
from rongmei.distribution.adapters.partner_push import PartnerPushAdapter
from rongmei.distribution.contract.partner import PUSH_PATH
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.newsroom import services as newsroom_services
from rongmei.newsroom.tests.factories import approve_all, pass_review
from rongmei.partners import crypto, services
from rongmei.partners.models import Partner
from rongmei.testing import fresh

S = StoryChannelStatus.State
SECRET = "partner-shared-secret-0123456789abcdef"


def status_of(story, partner):
    return StoryChannelStatus.objects.get(story_id=story.pk, channel__code=partner.channel_code)


def message_of(story, partner, act="publish"):
    return outbox.messages_about(story).get(target=f"distribution.{partner.channel_code}", payload__act=act)


@pytest.fixture
def pushing(review, site, contract, allow_loopback):
    distribution_services.ensure_channels()
    partner = site.partner(
        "某县融媒体中心", level=Partner.Level.COUNTY, push_url=contract.push_url, pull_allowed=False
    )
    services.set_signing_secret(partner, acting_user=review.chief, secret=SECRET)
    return partner


@pytest.fixture
def live(review, pushing, on_commit):
    story = review.add_story(title="三审后推送", body="<p>某县新建学校三所。</p>")
    return pass_review(review, story, on_commit)


def test_a_reviewed_story_reaches_the_partner_once_signed_and_valid(review, pushing, live, contract, valid):
    assert live.live
    assert contract.refused == []
    assert len(contract.received) == 1
    received = contract.received[0]
    assert received["event"] == "publish"
    item = valid(received["item"])
    assert item["uri"] == f"urn:rongmei:localhost:story:{live.pk}"
    assert item["pubstatus"] == "usable"
    assert item["version"] == str(live.live_revision_id)
    assert item["bodies"][0]["value"] == "<p>某县新建学校三所。</p>"
    call = contract.calls_to(PUSH_PATH)[0]
    assert call.headers["idempotency-key"] == message_of(live, pushing).idempotency_key
    assert call.headers["x-rongmei-signature"] == crypto.signature(
        SECRET, call.headers["x-rongmei-timestamp"], call.body
    )
    status = status_of(live, pushing)
    assert status.state == S.PUBLISHED, status.error
    assert status.remote_id == item["uri"]
    assert message_of(live, pushing).status == OutboxMessage.Status.SENT


def test_a_correction_pushes_a_new_version_and_a_retraction_pushes_canceled(
    review, pushing, live, contract, on_commit, valid
):
    with on_commit():
        newsroom_services.correct(live, acting_user=review.reporter, note="应为两所。")
    approve_all(review, live, on_commit)
    corrected = contract.received[-1]
    assert corrected["event"] == "correct"
    item = valid(corrected["item"])
    assert item["pubstatus"] == "usable"
    assert item["version"] == str(fresh(live).live_revision_id) != contract.received[0]["item"]["version"]
    assert [b["role"] for b in item["bodies"]] == ["main", "correction"]
    assert "应为两所。" in item["bodies"][1]["value"]
    status = status_of(live, pushing)
    assert (status.state, status.act, status.corrections_delivered) == (S.PUBLISHED, "correct", 1)

    with on_commit():
        newsroom_services.retract(fresh(live), acting_user=review.reporter, reason="事实有误")
    approve_all(review, live, on_commit)
    retracted = contract.received[-1]
    assert retracted["event"] == "retract"
    item = valid(retracted["item"])
    assert item["pubstatus"] == "canceled"
    assert item["uri"] == contract.received[0]["item"]["uri"]
    assert "某县新建学校" not in str(item)
    assert len(contract.received) == 3
    assert status_of(live, pushing).state == S.RETRACTED


def test_taking_a_story_off_the_site_pushes_withheld(review, pushing, live, contract, on_commit, valid):
    with on_commit():
        newsroom_services.unpublish(live, acting_user=review.chief, reason="栏目放错")
    item = valid(contract.received[-1]["item"])
    assert item["pubstatus"] == "withheld"
    assert "栏目放错" not in str(item)  # the reason is an internal note
    assert status_of(live, pushing).state == S.UNPUBLISHED


def test_a_wrong_secret_is_a_clear_failure_that_is_not_retried(review, pushing, contract, on_commit, caplog):
    contract.secret = "the-partner-has-another-secret-0123456789"
    caplog.set_level(logging.DEBUG)
    story = pass_review(review, review.add_story(title="签名不符"), on_commit)
    status = status_of(story, pushing)
    assert status.state == S.FAILED
    assert "对方拒绝了我方签名" in status.error and "共享的密钥" in status.error
    message = message_of(story, pushing)
    assert message.status == OutboxMessage.Status.FAILED and message.next_attempt_at is None
    assert contract.received == [] and contract.refused == [(401, "bad signature")]
    # The secret is in no message, log line or error.
    assert SECRET not in status.error and SECRET not in message.last_error
    assert SECRET not in caplog.text


def test_a_partner_down_then_up_gets_exactly_one_copy(review, pushing, contract, on_commit):
    contract.fail_next("down")
    story = pass_review(review, review.add_story(title="对方宕机"), on_commit)
    status = status_of(story, pushing)
    assert status.state == S.FAILED and "稍后将重试" in status.error
    message = message_of(story, pushing)
    assert message.status == OutboxMessage.Status.FAILED and message.next_attempt_at is not None
    assert contract.received == []

    outbox.deliver(message.pk, now=message.next_attempt_at + timedelta(seconds=1))
    assert outbox.deliver(message.pk, now=message.next_attempt_at + timedelta(hours=1)) is None
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 2
    assert len(contract.received) == 1
    assert status_of(story, pushing).state == S.PUBLISHED


def test_a_lost_answer_is_retried_and_the_partner_keeps_one_copy(review, pushing, contract, on_commit):
    contract.fail_next("lost_answer")
    story = pass_review(review, review.add_story(title="回执丢失"), on_commit)
    message = message_of(story, pushing)
    assert message.status == OutboxMessage.Status.FAILED
    assert len(contract.received) == 1  # it arrived; we did not hear so

    outbox.deliver(message.pk, now=message.next_attempt_at + timedelta(seconds=1))
    calls = contract.calls_to(PUSH_PATH)
    assert len(calls) == 2
    assert calls[0].headers["idempotency-key"] == calls[1].headers["idempotency-key"]
    assert len(contract.received) == 1  # the partner deduplicated on Idempotency-Key
    assert status_of(story, pushing).state == S.PUBLISHED


def test_a_partner_over_its_quota_is_retried_later_and_gets_one_copy(review, pushing, contract, on_commit):
    contract.fail_next("quota")
    story = pass_review(review, review.add_story(title="对方限流"), on_commit)
    status = status_of(story, pushing)
    assert status.state == S.FAILED and "429" in status.error and "稍后将重试" in status.error, status.error
    message = message_of(story, pushing)
    assert message.status == OutboxMessage.Status.FAILED and message.next_attempt_at is not None
    assert contract.received == []

    outbox.deliver(message.pk, now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 2
    assert len(contract.received) == 1
    assert status_of(story, pushing).state == S.PUBLISHED


@pytest.mark.parametrize("fault", ["5xx", "html", "timeout"])
def test_server_errors_html_and_timeouts_are_retried(
    review, pushing, contract, on_commit, fault, monkeypatch
):
    monkeypatch.setattr(PartnerPushAdapter, "timeout", httpx.Timeout(0.5))
    contract.fail_next(fault)
    story = pass_review(review, review.add_story(title=f"故障 {fault}"), on_commit)
    status = status_of(story, pushing)
    assert status.state == S.FAILED and "稍后将重试" in status.error, status.error
    message = message_of(story, pushing)
    assert message.next_attempt_at is not None
    outbox.deliver(message.pk, now=message.next_attempt_at + timedelta(seconds=1))
    assert status_of(story, pushing).state == S.PUBLISHED
    assert len(contract.received) == 1


def test_a_story_outside_the_partners_regions_is_not_sent(review, site, pushing, contract, on_commit):
    pushing.regions.set([site.other_city])
    story = pass_review(review, review.add_story(title="与本县无关"), on_commit)
    assert contract.calls_to(PUSH_PATH) == []
    # No delivery and no status at all: the 分发 board never shows it as published to this partner.
    assert not StoryChannelStatus.objects.filter(story=story, channel__code=pushing.channel_code).exists()
    assert StoryChannelStatus.objects.filter(story=story, channel__code="website").exists()
    # Its retraction sends nothing either: the partner never had it.
    with on_commit():
        newsroom_services.retract(fresh(story), acting_user=review.reporter, reason="撤稿")
    approve_all(review, story, on_commit)
    assert contract.calls_to(PUSH_PATH) == []


def test_without_a_signing_secret_nothing_is_sent_and_the_reason_says_what_to_do(
    review, pushing, contract, on_commit
):
    Partner.objects.filter(pk=pushing.pk).update(signing_secret_sealed="")
    story = pass_review(review, review.add_story(title="未设密钥"), on_commit)
    status = status_of(story, pushing)
    assert status.state == S.FAILED and "尚未设置签名密钥" in status.error
    assert contract.calls_to(PUSH_PATH) == []


# --- the outbound rule ----------------------------------------------------------------------------


def test_a_private_push_address_is_refused_when_saved(site):
    for url in (
        "http://127.0.0.1:9000/push",
        "http://10.0.0.5/push",
        "http://localhost/push",
        "ftp://x.example/",
    ):
        with pytest.raises(ValidationError) as refused:
            site.partner(f"内网 {url}", push_url=url)
        assert "push_url" in refused.value.message_dict
    assert not Channel.objects.filter(kind="partner_push").exists()


def test_a_private_push_address_is_refused_when_connecting(review, pushing, contract, on_commit, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []  # the address was allowed when saved, not any more
    story = pass_review(review, review.add_story(title="地址已不允许"), on_commit)
    status = status_of(story, pushing)
    assert status.state == S.FAILED and "127.0.0.1" in status.error and "未使用对方的推送地址" in status.error
    assert message_of(story, pushing).next_attempt_at is None
    assert contract.calls == []


def test_a_public_name_that_resolves_to_loopback_is_refused(
    review, pushing, contract, on_commit, settings, monkeypatch
):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    port = contract.base_url.rsplit(":", 1)[1]
    Partner.objects.filter(pk=pushing.pk).update(push_url=f"http://partner.example.com:{port}{PUSH_PATH}")
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["127.0.0.1"])
    story = pass_review(review, review.add_story(title="域名指向本机"), on_commit)
    status = status_of(story, pushing)
    assert status.state == S.FAILED and "127.0.0.1" in status.error
    assert contract.calls == []


# --- the channel ----------------------------------------------------------------------------------


def test_the_channel_follows_the_partner_and_holds_no_secret(review, site, contract, allow_loopback):
    partner = site.partner("拉取方")
    assert services.channel_for(partner) is None
    partner.push_url = contract.push_url
    services.save_partner(partner, acting_user=review.chief)
    services.set_signing_secret(partner, acting_user=review.chief, secret=SECRET)
    channel = services.channel_for(partner)
    assert (channel.kind, channel.enabled, channel.config, channel.name) == (
        "partner_push",
        True,
        {"partner": partner.pk},
        "拉取方",
    )
    channel.full_clean()  # the distribution rule: no credential in the configuration
    partner.refresh_from_db()
    assert SECRET not in partner.signing_secret_sealed
    assert services.signing_secret(partner) == SECRET
    partner.active = False
    services.save_partner(partner, acting_user=review.chief)
    assert services.channel_for(partner).enabled is False


def test_only_managers_change_partners(review, site):
    from django.core.exceptions import PermissionDenied

    partner = site.partner("省台")
    for user in (review.reporter, review.editor, review.newmedia):
        with pytest.raises(PermissionDenied):
            services.create_token(partner, acting_user=user)
        with pytest.raises(PermissionDenied):
            services.set_signing_secret(partner, acting_user=user)
        with pytest.raises(PermissionDenied):
            services.save_partner(partner, acting_user=user)
    for user in (review.chief, review.director, review.admin):
        services.create_token(partner, acting_user=user)
