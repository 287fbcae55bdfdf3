"""A worker killed at chosen points of a delivery (the fast part of bench/faults.py, whose 100
SIGKILLs of real workers land at random points): after the lease the row is taken over and the
partner center holds the story exactly once. The kill is a BaseException out of the sender's call,
which, as SIGKILL, lets nothing after it run (outbox catches Exception only)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rongmei.core import outbox
from rongmei.core.models import OutboxMessage
from rongmei.distribution import services as distribution_services
from rongmei.distribution.models import StoryChannelStatus
from rongmei.newsroom.tests.factories import pass_review
from rongmei.partners import services
from rongmei.partners.models import Partner

SECRET = "partner-shared-secret-0123456789abcdef"
Status = OutboxMessage.Status


class Killed(BaseException):
    """The worker process is gone: nothing after this point runs."""


@pytest.fixture
def pushing(review, site, contract, allow_loopback):
    distribution_services.ensure_channels()
    partner = site.partner(
        "某县融媒体中心", level=Partner.Level.COUNTY, push_url=contract.push_url, pull_allowed=False
    )
    services.set_signing_secret(partner, acting_user=review.chief, secret=SECRET)
    return partner


@pytest.fixture
def waiting(review, pushing):
    """A story just approved: its outbox row to the partner written, its delivery not yet run."""
    story = review.add_story(title="断电演练", body="<p>某县举行应急演练。</p>")
    story = pass_review(review, story)  # no on_commit: the delivery tasks do not run
    return OutboxMessage.objects.get(
        target=f"distribution.{pushing.channel_code}", object_id=story.pk, payload__act="publish"
    )


def kill_the_sender(monkeypatch, *, after_the_send: bool):
    real = outbox._call_sender

    def dying(message):
        if after_the_send:
            real(message)  # the platform has it; the worker dies before the row says so
        raise Killed

    monkeypatch.setattr(outbox, "_call_sender", dying)
    return real


@pytest.mark.parametrize("after_the_send", [False, True], ids=["before-the-send", "after-the-send"])
def test_a_killed_delivery_is_taken_over_after_its_lease_and_arrives_once(
    monkeypatch, contract, pushing, waiting, after_the_send
):
    real = kill_the_sender(monkeypatch, after_the_send=after_the_send)
    with pytest.raises(Killed):
        outbox.deliver(waiting.pk)
    waiting.refresh_from_db()
    assert waiting.status == Status.SENDING and waiting.attempts == 1
    assert len(contract.received) == (1 if after_the_send else 0)

    # Another worker, before the lease ran out: not its row.
    monkeypatch.setattr(outbox, "_call_sender", real)
    assert outbox.deliver(waiting.pk) is None
    # After it: taken over, sent again under the same Idempotency-Key.
    later = timezone.now() + outbox.DEFAULT_LEASE + timedelta(seconds=1)
    assert later >= waiting.lease_until
    assert waiting.pk in outbox.retry_due(now=later)
    delivered = outbox.deliver(waiting.pk, now=later)
    assert delivered.status == Status.SENT and delivered.attempts == 2
    assert len(contract.received) == 1
    keys = {call.headers["idempotency-key"] for call in contract.calls}
    assert keys == {waiting.idempotency_key}
    status = StoryChannelStatus.objects.get(story_id=waiting.object_id, channel__code=pushing.channel_code)
    assert status.state == StoryChannelStatus.State.PUBLISHED, status.error


def test_a_message_that_kills_its_worker_every_time_stops_after_its_attempts(monkeypatch, waiting):
    kill_the_sender(monkeypatch, after_the_send=False)
    now = timezone.now()
    reg = outbox.registration(waiting.target)
    for _ in range(reg.max_attempts):
        with pytest.raises(Killed):
            outbox.deliver(waiting.pk, now=now)
        now += reg.lease + timedelta(seconds=1)
    assert outbox.deliver(waiting.pk, now=now) is None
    waiting.refresh_from_db()
    assert waiting.status == Status.FAILED and waiting.next_attempt_at is None
    assert waiting.last_error  # in plain words, for the 分发 board
