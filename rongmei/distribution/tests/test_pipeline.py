"""Distribution (issue 9): story events → one outbox message per enabled channel → statuses true."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from rongmei.core import outbox
from rongmei.core.models import OutboxMessage
from rongmei.distribution import services
from rongmei.distribution.adapters import AdapterError
from rongmei.distribution.adapters.rss import RssAdapter
from rongmei.distribution.adapters.website import WebsiteAdapter
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.newsroom import services as newsroom_services
from rongmei.newsroom.tests.factories import approve_all, pass_review
from rongmei.review import services as review_services
from rongmei.testing import fresh

from .factories import messages, statuses

S = StoryChannelStatus.State


@pytest.fixture
def channels(review):
    return {channel.code: channel for channel in services.ensure_channels()}


@pytest.fixture
def live_story(review, channels, on_commit):
    story = review.add_story(title="三审发布", body="<p>某地新建学校三所。</p>")
    pass_review(review, story, on_commit)
    return fresh(story)


def test_ensure_channels_is_idempotent_and_a_fresh_install_has_website_and_rss(db):
    # The data migration made them; ensure_channels() finds them instead of adding more.
    assert set(Channel.objects.values_list("code", flat=True)) >= {"website", "rss"}
    services.ensure_channels()
    services.ensure_channels()
    assert Channel.objects.filter(code__in=["website", "rss"]).count() == 2
    # The platform channels arrive switched off (they need credentials and an address first);
    # 学习强国 and print need none.
    assert set(Channel.objects.filter(enabled=True).values_list("code", flat=True)) == {
        "website",
        "app",
        "rss",
        "xuexi",
        "print",
    }


def test_full_review_sends_one_message_per_channel_and_both_are_published_with_urls(review, live_story):
    assert live_story.live
    sent = messages(live_story)
    assert sorted(sent.values_list("target", flat=True)) == [
        "distribution.app",
        "distribution.rss",
        "distribution.website",
    ]
    assert set(sent.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    rows = statuses(live_story)
    assert rows["website"].state == S.PUBLISHED
    assert rows["website"].remote_url == live_story.get_full_url()
    assert rows["website"].published_at is not None
    assert rows["rss"].state == S.PUBLISHED
    assert rows["rss"].remote_url == "http://localhost" + reverse("website:feed_latest")
    assert rows["rss"].remote_id == f"urn:rongmei:story:{live_story.pk}"
    # The outbox row carries the same address.
    assert sent.get(target="distribution.website").remote_url == live_story.get_full_url()


def test_outbox_rows_are_written_in_the_publishing_transaction(review, channels):
    """The durability gap: the rows exist before the commit, and a rolled-back act leaves none."""
    story = review.add_story(title="同一事务")
    with transaction.atomic():
        review_services.submit_for_review(fresh(story), acting_user=review.reporter)
        for reviewer in (review.editor, review.director, review.chief):
            review_services.approve(fresh(story), acting_user=reviewer)
        # Nothing has committed yet (the on-commit subscribers have not run) and the rows are there.
        assert messages(story).count() == 3
        assert {s.state for s in statuses(story).values()} == {S.QUEUED}

    other = review.add_story(title="回滚")
    with pytest.raises(RuntimeError), transaction.atomic():
        review_services.submit_for_review(fresh(other), acting_user=review.reporter)
        for reviewer in (review.editor, review.director, review.chief):
            review_services.approve(fresh(other), acting_user=reviewer)
        raise RuntimeError("the act fails after publishing")
    assert not messages(other).exists()
    assert not StoryChannelStatus.objects.filter(story_id=other.pk).exists()


def test_a_repeated_event_or_delivery_sends_nothing_twice(review, live_story, on_commit):
    from rongmei.newsroom.events import StoryEvent, StoryEventKind

    event = StoryEvent(
        kind=StoryEventKind.WENT_LIVE,
        story_id=live_story.pk,
        revision_id=live_story.live_revision_id,
        actor_id=None,
        occurred_at=timezone.now(),
        first_publication=True,
    )
    with mock.patch.object(WebsiteAdapter, "publish", autospec=True) as publish, on_commit():
        again = services.on_story_event(event)
        for message in again:
            assert outbox.deliver(message.pk) is None  # sent already: not claimable
    assert publish.call_count == 0
    assert messages(live_story).count() == 3
    assert statuses(live_story)["website"].state == S.PUBLISHED


def test_a_disabled_channel_gets_nothing(review, channels, on_commit):
    Channel.objects.filter(code="rss").update(enabled=False)
    story = review.add_story(title="只上网站")
    pass_review(review, story, on_commit)
    assert sorted(messages(story).values_list("target", flat=True)) == [
        "distribution.app",
        "distribution.website",
    ]
    assert set(statuses(story)) == {"website", "app"}


def test_a_correction_updates_every_channel_and_stays_published(review, live_story, on_commit):
    with on_commit():
        newsroom_services.correct(live_story, acting_user=review.reporter, note="应为两所。")
    approve_all(review, live_story, on_commit)
    rows = statuses(live_story)
    for code in ("website", "rss"):
        assert rows[code].state == S.PUBLISHED, rows[code].error
        assert rows[code].act == StoryChannelStatus.Act.CORRECT
        assert rows[code].updated_at is not None
        assert rows[code].corrections_delivered == 1
    correction = messages(live_story, payload__act="correct").get(target="distribution.website")
    assert correction.payload["corrections"] == ["应为两所。"]
    assert correction.status == OutboxMessage.Status.SENT


def test_the_website_adapter_does_not_confirm_a_correction_the_site_does_not_show(
    review, live_story, channels
):
    from rongmei.distribution.adapters import Item

    item = Item(
        story=live_story,
        revision_id=live_story.live_revision_id,
        act="correct",
        idempotency_key="k",
        corrections=("从未发布的更正",),
    )
    with pytest.raises(AdapterError):
        WebsiteAdapter(channels["website"]).update(item, str(live_story.pk))


def test_a_retraction_marks_every_channel_retracted(review, live_story, on_commit):
    with on_commit():
        newsroom_services.retract(live_story, acting_user=review.reporter, reason="事实有误")
    approve_all(review, live_story, on_commit)
    rows = statuses(live_story)
    assert {code: row.state for code, row in rows.items()} == {
        "website": S.RETRACTED,
        "app": S.RETRACTED,
        "rss": S.RETRACTED,
    }
    assert all(row.retracted_at for row in rows.values())
    assert messages(live_story, payload__act="retract").count() == 3


def test_a_story_retracted_while_its_publication_waits_never_reaches_a_channel(review, channels, on_commit):
    story = review.add_story(title="发布失败后撤稿")
    failing = mock.patch.object(WebsiteAdapter, "publish", side_effect=AdapterError("down"))
    with failing:
        pass_review(review, story, on_commit)
    rows = statuses(story)
    assert rows["website"].state == S.FAILED and rows["website"].error == "down"
    waiting = messages(story).get(target="distribution.website", payload__act="publish")
    assert waiting.status == OutboxMessage.Status.FAILED and waiting.next_attempt_at is not None

    with on_commit():
        newsroom_services.retract(fresh(story), acting_user=review.reporter, reason="撤稿")
    with (
        mock.patch.object(WebsiteAdapter, "publish", autospec=True) as publish,
        mock.patch.object(RssAdapter, "publish", autospec=True) as rss_publish,
    ):
        approve_all(review, story, on_commit)
        waiting.refresh_from_db()
        assert waiting.status == OutboxMessage.Status.CANCELLED  # the retraction cancelled it
        # Even forced through again (a retry by hand, the sweep), it publishes nothing.
        with on_commit():
            outbox.retry_now(waiting, acting_user=review.admin)
        assert publish.call_count == 0 and rss_publish.call_count == 0
    rows = statuses(story)
    assert {code: row.state for code, row in rows.items()} == {
        "website": S.RETRACTED,
        "app": S.RETRACTED,
        "rss": S.RETRACTED,
    }


def test_an_adapter_failing_once_then_succeeding_publishes_exactly_once(review, channels, on_commit):
    story = review.add_story(title="先失败后成功")
    real = WebsiteAdapter.publish
    calls = []

    def flaky(self, item):
        calls.append(item.idempotency_key)
        if len(calls) == 1:
            raise AdapterError("网站暂时无法确认")
        return real(self, item)

    with mock.patch.object(WebsiteAdapter, "publish", flaky):
        pass_review(review, story, on_commit)
        message = messages(story).get(target="distribution.website")
        assert message.status == OutboxMessage.Status.FAILED
        assert statuses(story)["website"].state == S.FAILED
        with on_commit():
            outbox.deliver(message.pk, now=message.next_attempt_at + timedelta(seconds=1))
        # The sweep and a duplicate task later find nothing to send.
        assert outbox.deliver(message.pk, now=timezone.now() + timedelta(hours=1)) is None
    assert len(calls) == 2
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 2
    assert statuses(story)["website"].state == S.PUBLISHED
    assert messages(story).count() == 3


def test_an_unpublished_story_is_taken_off_every_channel(review, live_story, on_commit):
    with on_commit():
        newsroom_services.unpublish(live_story, acting_user=review.chief, reason="栏目放错")
    assert {row.state for row in statuses(live_story).values()} == {S.UNPUBLISHED}


def test_channel_config_refuses_credentials(db):
    from django.core.exceptions import ValidationError

    channel = Channel(code="wechat-test", name="微信", kind="website", config={"app_secret": "x"})
    with pytest.raises(ValidationError):
        channel.full_clean()
    channel.config = {"appid_label": "公众号"}
    channel.full_clean()
    assert Channel(code="x", name="x", kind="nope").clean_fields() is None
    with pytest.raises(ValidationError):
        Channel(code="x", name="x", kind="nope").clean()


def test_a_credential_comes_from_the_environment_and_is_never_echoed(db, monkeypatch):
    channel = Channel(code="we-chat", name="微信", kind="website")
    adapter = WebsiteAdapter(channel)
    with pytest.raises(AdapterError) as refused, translation.override("en"):
        adapter.credential("app_secret")
    assert "RONGMEI_CHANNEL_WE_CHAT_APP_SECRET" in refused.value.message and not refused.value.retryable
    monkeypatch.setenv("RONGMEI_CHANNEL_WE_CHAT_APP_SECRET", "s3cret")
    assert adapter.credential("app_secret") == "s3cret"
