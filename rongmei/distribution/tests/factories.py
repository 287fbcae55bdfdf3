"""Helpers the distribution tests share: a channel switched on alone, a story with a channel version,
and the statuses and outbox messages a story has."""

from datetime import timedelta

from django.utils import timezone

from rongmei.core import outbox
from rongmei.distribution import services
from rongmei.distribution.models import Channel, StoryChannelStatus, StoryChannelVersion
from rongmei.testing import fresh

LATER = timedelta(hours=1)


def only_channel(code, **defaults):
    """The channel ``code`` switched on with ``defaults`` (name, kind, config …), every other one off:
    the others have their own tests."""
    services.ensure_channels()
    channel, _created = Channel.objects.update_or_create(code=code, defaults={"enabled": True, **defaults})
    Channel.objects.exclude(pk=channel.pk).update(enabled=False)
    return channel


def add_story_with_version(newsroom, channel, *, version=None, **fields):
    """A draft story with ``channel`` chosen (its channel version, of ``version`` fields) in its
    latest revision."""
    story = fresh(newsroom.add_story(**fields))
    story.channel_versions = [StoryChannelVersion(channel=channel, **(version or {}))]
    story.save_revision(user=newsroom.reporter)
    return fresh(story)


def statuses(story):
    return {
        s.channel.code: s for s in StoryChannelStatus.objects.filter(story=story).select_related("channel")
    }


def status_of(story, channel):
    return StoryChannelStatus.objects.get(story=story, channel=channel)


def messages(story, **filters):
    return outbox.messages_about(story).filter(target__startswith="distribution.", **filters)


def message_of(story, channel, act="publish"):
    return outbox.messages_about(story).get(target=channel.outbox_target, payload__act=act)


def deliver_again(message):
    """Deliver ``message`` once more, after its retry delay."""
    return outbox.deliver(message.pk, now=timezone.now() + LATER)


def unreachable(contract) -> int:
    """A port ``contract`` listened on a moment ago and nothing listens on now: the platform is down."""
    port = int(contract.start().rsplit(":", 1)[1])
    contract.stop()
    return port


def assert_failed_then_sent_once_when_up(story, channel, contract, port, *, error, sent):
    """The delivery failed with ``error`` in its words and waits for a retry; once the platform is up
    again (on ``port``) the retry delivers it, and the platform got it once (``sent()``: what it got)."""
    row = status_of(story, channel)
    assert row.state == StoryChannelStatus.State.FAILED and error in row.error
    message = message_of(story, channel)
    assert message.next_attempt_at is not None
    contract.start(port=port)
    try:
        deliver_again(message)
        row = status_of(story, channel)
        assert row.state == StoryChannelStatus.State.PUBLISHED, row.error
        assert len(sent()) == 1
    finally:
        contract.stop()
