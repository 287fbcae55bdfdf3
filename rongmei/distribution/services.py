"""Distribution: story events → one outbox message per enabled channel per act → the channel's adapter.

**Durability.** ``on_story_event`` is subscribed *in the act's transaction*
(``newsroom.events.subscribe_in_transaction``): the outbox rows and the queued statuses commit with
the publication, retraction or unpublication itself, or not at all. An on-commit subscriber would
write them in a second transaction and lose the act if the process died in between. Delivery
starts on commit (``outbox.enqueue``). See docs/decisions/0016-distribution-pipeline.md.

**Exactly once.** The idempotency key is revision × channel × act: a repeated event finds its row.
Only the channel's latest act is carried out: a message superseded by a later act on the same
story and channel (a retraction after a pending publication) sends nothing, and a retraction
cancels the channel's waiting publications outright, so a retracted story never reaches a channel
as published.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rongmei.core import outbox
from rongmei.core.models import OutboxMessage
from rongmei.newsroom import events
from rongmei.newsroom.events import StoryEventKind

from . import versions
from .adapters import AdapterError, ChannelVersion, Item, adapter_for
from .models import Channel, StoryChannelStatus
from .permissions import can_see_board, may_retry

logger = logging.getLogger(__name__)

State = StoryChannelStatus.State
Act = StoryChannelStatus.Act
TARGET_PREFIX = "distribution."
PUBLISHING_ACTS = (Act.PUBLISH, Act.UPDATE, Act.CORRECT)
TAKING_DOWN_ACTS = (Act.RETRACT, Act.UNPUBLISH)
RETRYABLE_STATES = (State.FAILED, State.QUEUED)

# The channels a fresh install has (a data migration and the demo call ensure_channels()).
# Names are the newsroom's data (as migrations/0002_default_channels.py), not interface text.
# The platform channels start switched off: they need credentials and an address first.
DEFAULT_CHANNELS = (
    {"code": "website", "name": "网站", "kind": "website", "sort_order": 10, "selection": "always"},
    {"code": "app", "name": "客户端", "kind": "app", "sort_order": 15, "selection": "always"},
    {"code": "rss", "name": "RSS", "kind": "rss", "sort_order": 20, "selection": "always"},
    {
        "code": "wechat",
        "name": "微信公众号",
        "kind": "wechat",
        "sort_order": 30,
        "selection": "default",
        "enabled": False,
    },
    {
        "code": "weibo",
        "name": "微博",
        "kind": "weibo",
        "sort_order": 40,
        "selection": "default",
        "enabled": False,
    },
    {
        "code": "douyin",
        "name": "抖音",
        "kind": "douyin",
        "sort_order": 50,
        "selection": "optional",
        "enabled": False,
    },
    {
        "code": "xuexi",
        "name": "学习强国",
        "kind": "xuexi",
        "sort_order": 60,
        "selection": "optional",
        "enabled": True,  # no credentials: a package or a page plan, done by hand
    },
    {
        "code": "print",
        "name": "报纸",
        "kind": "print",
        "sort_order": 70,
        "selection": "optional",
        "enabled": True,  # no credentials: a package or a page plan, done by hand
    },
)


def ensure_channels() -> list[Channel]:
    """Create the default channels if missing; never changes a channel staff have edited. Idempotent."""
    channels = []
    for spec in DEFAULT_CHANNELS:
        channel, _created = Channel.objects.get_or_create(code=spec["code"], defaults=spec)
        register_channel_sender(channel.code)
        channels.append(channel)
    return channels


def credential_variables(channel) -> list[str]:
    """The names of the environment variables set for ``channel`` (``RONGMEI_CHANNEL_<CODE>_…``):
    shown on the channel screen so staff see it is configured; values are never read out."""
    import os

    prefix = f"RONGMEI_CHANNEL_{channel.code.upper().replace('-', '_')}_"
    return sorted(name for name in os.environ if name.startswith(prefix))


# --- registering senders -------------------------------------------------------------------------------


def register_channel_sender(code: str) -> None:
    outbox.register_sender(
        TARGET_PREFIX + code,
        send_story,
        can_view=can_see_board,
        # The outbox's own board asks this; ours checks the story as well (``retry``).
        can_retry=can_see_board,
    )


def register_channel_senders() -> None:
    """Every channel's sender (the outbox knows senders by target name, per process)."""
    known = set(outbox.registered_targets())
    for code in Channel.objects.values_list("code", flat=True):
        if TARGET_PREFIX + code not in known:
            register_channel_sender(code)


def _before_task(sender, task_result, **kwargs):
    # A worker started before a channel was added learns its sender before delivering to it.
    if getattr(task_result.task, "name", "") == "deliver_outbox_message":
        try:
            register_channel_senders()
        except Exception:  # no table yet (migrations), or the database is away: the outbox says so later
            logger.exception("could not register the distribution senders")


def connect() -> None:
    """From ``AppConfig.ready()``: the default channels' senders, the in-transaction subscription."""
    from django_tasks.signals import task_started

    for spec in DEFAULT_CHANNELS:
        register_channel_sender(spec["code"])
    from wagtail.signals import init_new_page

    task_started.connect(_before_task, dispatch_uid="rongmei.distribution.senders")
    init_new_page.connect(prefill_channel_versions, dispatch_uid="rongmei.distribution.prefill")
    events.subscribe_in_transaction(on_story_event, dispatch_uid="rongmei.distribution.on_story_event")


# --- story events → outbox -----------------------------------------------------------------------------


def act_for(event) -> str:
    if event.kind == StoryEventKind.WENT_LIVE:
        return Act.PUBLISH if event.first_publication else Act.UPDATE
    return {
        StoryEventKind.CORRECTED: Act.CORRECT,
        StoryEventKind.RETRACTED: Act.RETRACT,
        StoryEventKind.UNPUBLISHED: Act.UNPUBLISH,
    }[event.kind]


def idempotency_key(event, channel, act) -> str:
    revision = f"rev{event.revision_id}" if event.revision_id else f"at{event.occurred_at.timestamp():.6f}"
    return f"distribution:{channel.code}:story{event.story_id}:{revision}:{act}"


def chosen_channel_ids(story, revision_id) -> set[int]:
    """The channels the editor chose in the approved revision (its channel versions)."""
    source = versions.story_at_revision(story, revision_id)
    return {version.channel_id for version in source.channel_versions.all()}


def channels_for(event, story, act) -> list[Channel]:
    """Where an act goes: the always-on channels (website, app, feeds); for a publication the
    channels chosen in the approved revision; for a correction, update or take-down also every
    channel the story already went to (a correction follows the story wherever it went)."""
    enabled = list(Channel.objects.filter(enabled=True).prefetch_related("outlets"))
    reached = set(StoryChannelStatus.objects.filter(story=story).values_list("channel_id", flat=True))
    chosen = chosen_channel_ids(story, event.revision_id) if act in PUBLISHING_ACTS else set()
    targets = []
    for channel in enabled:
        if channel.pk in reached and act != Act.PUBLISH:
            targets.append(channel)  # it has the story: the act follows, whatever changed since
        elif channel.selection == Channel.Selection.ALWAYS or channel.pk in chosen:
            if channel.serves(story) and _takes(channel, story):
                targets.append(channel)
    return targets


def _takes(channel, story) -> bool:
    try:
        return adapter_for(channel).takes(story)
    except AdapterError:
        return True  # an unknown adapter: queue it, and the delivery says what is wrong


def default_channels_for(section) -> list[Channel]:
    """The channels a new story in ``section`` starts with (the editor may remove or add)."""
    channels = (
        Channel.objects.filter(enabled=True, selection=Channel.Selection.DEFAULT)
        .prefetch_related("default_sections")
        .order_by("sort_order", "code")
    )
    chosen = []
    for channel in channels:
        sections = {s.pk for s in channel.default_sections.all()}
        if not sections or (section is not None and section.pk in sections):
            chosen.append(channel)
    return chosen


def prefill_channel_versions(sender, page, parent, **kwargs):
    """A new story in the editor starts with its section's default channels chosen (blank
    versions: generated from the story until the editor writes its own)."""
    from rongmei.newsroom.models import SectionPage, StoryPage

    from .models import StoryChannelVersion

    if not isinstance(page, StoryPage):
        return
    section = parent.specific if isinstance(parent.specific, SectionPage) else None
    page.channel_versions = [
        StoryChannelVersion(channel=channel, sort_order=index)
        for index, channel in enumerate(default_channels_for(section))
    ]


def on_story_event(event) -> list[OutboxMessage]:
    """In the act's transaction: one outbox message per enabled channel, and the channel's status queued."""
    from rongmei.newsroom.models import StoryPage

    if event.deleted:
        return []  # the story and its statuses are going; nothing remote exists for today's channels
    story = StoryPage.objects.filter(pk=event.story_id).first()
    if story is None:
        return []
    act = act_for(event)
    messages = []
    for channel in channels_for(event, story, act):
        register_channel_sender(channel.code)
        key = idempotency_key(event, channel, act)
        seen = OutboxMessage.objects.filter(idempotency_key=key).exists()
        payload = {
            "story_id": story.pk,
            "revision_id": event.revision_id,
            "channel": channel.code,
            "act": act,
            "corrections": list(event.corrections),
            "reason": event.reason,
        }
        message = outbox.enqueue(channel.outbox_target, payload, idempotency_key=key, about=story)
        messages.append(message)
        if seen:
            continue  # the same act again: its message and status exist already
        status, _created = StoryChannelStatus.objects.get_or_create(
            story=story, channel=channel, defaults={"act": act}
        )
        status.act = act
        status.state = State.QUEUED
        status.revision_id = event.revision_id
        status.outbox_message = message
        status.error = ""
        status.save()
    if act in TAKING_DOWN_ACTS:
        cancel_waiting_publications(story, keep=[m.pk for m in messages])
    return messages


def cancel_waiting_publications(story, *, keep=()) -> int:
    """A story taken down must not be published later by a message still waiting for its retry."""
    return (
        outbox.messages_about(story)
        .filter(
            target__startswith=TARGET_PREFIX,
            status__in=(OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED),
        )
        .filter(payload__act__in=[str(a) for a in PUBLISHING_ACTS])
        .exclude(pk__in=keep)
        .update(status=OutboxMessage.Status.CANCELLED, next_attempt_at=None, lease_until=None)
    )


# --- outbox → adapter ----------------------------------------------------------------------------------


def _status_for(message):
    payload = message.payload or {}
    return (
        StoryChannelStatus.objects.select_related("channel")
        .filter(story_id=payload.get("story_id"), channel__code=payload.get("channel"))
        .first()
    )


def send_story(message: OutboxMessage) -> outbox.SendResult:
    """The outbox sender of every ``distribution.<code>`` target: carry out the message's act with the
    channel's adapter and keep the story's status on that channel true."""
    from rongmei.newsroom.models import StoryPage

    status = _status_for(message)
    if status is None:
        return outbox.SendResult.success()  # the story was deleted: nothing left to deliver
    if status.outbox_message_id != message.pk:
        # A later act on this story and channel replaced this one (a retraction after a publication
        # still waiting): sending it now would undo the later act.
        logger.info(
            "distribution message %s superseded by %s; nothing sent", message.pk, status.outbox_message_id
        )
        return outbox.SendResult.success()
    payload = message.payload
    act = payload["act"]
    channel = status.channel
    if not channel.enabled:
        return _failed(
            status, _("The channel “%(name)s” is switched off.") % {"name": channel.name}, retryable=False
        )
    story = StoryPage.objects.filter(pk=status.story_id).first()
    if act in PUBLISHING_ACTS and (story is None or story.is_retracted):
        return outbox.SendResult.success()  # never publish a retracted story; its retraction is queued
    StoryChannelStatus.objects.filter(pk=status.pk).update(state=State.SENDING, changed_at=timezone.now())

    def record_remote(**kwargs):
        # On the message: the outbox's exactly-once record. (The status gets the remote id only
        # when the act succeeds; an adapter whose take-down must know a half-way publication's
        # stage reads that publication's message, as the WeChat adapter does.)
        outbox.record_remote(message, **kwargs)

    try:
        adapter = adapter_for(channel)
        item = Item(
            story=story,
            revision_id=payload.get("revision_id"),
            act=act,
            idempotency_key=message.idempotency_key,
            corrections=tuple(payload.get("corrections") or ()),
            reason=payload.get("reason") or "",
            version=versions.resolve(story, channel, revision_id=payload.get("revision_id"), adapter=adapter)
            if story is not None
            else ChannelVersion(),
            # This message's own record first (a retry continues its stage), else the channel's.
            remote_id=message.remote_id or status.remote_id,
            record_remote=record_remote,
        )
        result = _carry_out(adapter, item, status, message)
    except AdapterError as error:
        return _failed(status, error.message, retryable=error.retryable)
    except Exception as error:  # an adapter's bug must leave a true status, not "sending"
        logger.exception("distribution adapter %s failed on message %s", channel.kind, message.pk)
        return _failed(
            status, _("Unexpected error: %(error)s") % {"error": str(error) or type(error).__name__}
        )
    if result.remote_id or result.remote_url:
        outbox.record_remote(message, remote_id=result.remote_id, remote_url=result.remote_url)
    _succeeded(status, act, result)
    return outbox.SendResult.success(remote_id=result.remote_id, remote_url=result.remote_url)


def _carry_out(adapter, item, status, message):
    from .adapters import Result

    caps = adapter.capabilities
    remote_id = status.remote_id or message.remote_id
    if item.act in TAKING_DOWN_ACTS:
        if not caps.can_retract:
            return Result(
                needs_manual=True, note=_("This platform cannot delete: take the story down there by hand.")
            )
        return adapter.retract(item, remote_id)
    if item.act in (Act.UPDATE, Act.CORRECT) and status.published_at is not None:
        if not caps.can_update:
            return Result(needs_manual=True, note=manual_update_note(adapter, item))
        return adapter.update(item, remote_id)
    # A first publication (or an update of a story this channel never got): ask first on a retry.
    if not caps.idempotent and (message.attempts > 1 or message.remote_id):
        found = adapter.exists(item)
        if found is not None:
            return found
    return adapter.publish(item)


def manual_update_note(adapter, item) -> str:
    """What someone correcting the story on a platform that cannot update needs in front of them:
    the correction notes, then this channel's version as approved with the correction (each text
    field the platform has, labelled as in the editor's 分发 tab), to copy over by hand."""
    text = "\n".join(item.corrections)
    lines = [_("This platform cannot update: correct the story there by hand. %(text)s") % {"text": text}]
    fields = [(label, getattr(item.version, name, None)) for name, label in adapter.version_fields.items()]
    fields = [(label, value.strip()) for label, value in fields if isinstance(value, str) and value.strip()]
    if fields:
        lines.append(_("The channel’s version as corrected:"))
        lines += [_("%(field)s: %(value)s") % {"field": label, "value": value} for label, value in fields]
    return "\n".join(line.strip() for line in lines)


def _failed(status, reason, *, retryable=True):
    StoryChannelStatus.objects.filter(pk=status.pk).update(
        state=State.FAILED, error=reason, changed_at=timezone.now()
    )
    return outbox.SendResult.failure(reason, retryable=retryable)


def _succeeded(status, act, result):
    now = timezone.now()
    fields = {"error": "", "note": result.note, "changed_at": now}
    if result.remote_id:
        fields["remote_id"] = result.remote_id[:255]
    if result.needs_manual:
        fields["state"] = State.NEEDS_MANUAL
    elif act in TAKING_DOWN_ACTS:
        # Whatever a publication recorded (a stage of one stopped half-way) is gone with it.
        fields["remote_id"] = result.remote_id[:255]
        fields["state"] = State.RETRACTED if act == Act.RETRACT else State.UNPUBLISHED
        fields["retracted_at"] = now if act == Act.RETRACT else status.retracted_at
        fields["remote_url"] = result.remote_url
    else:
        fields["state"] = State.PUBLISHED
        fields["remote_url"] = result.remote_url[:1000]
        if status.published_at is None:
            fields["published_at"] = now
        if act != Act.PUBLISH:
            fields["updated_at"] = now
    StoryChannelStatus.objects.filter(pk=status.pk).update(**fields)
    if act == Act.CORRECT and not result.needs_manual:
        StoryChannelStatus.objects.filter(pk=status.pk).update(
            corrections_delivered=F("corrections_delivered") + 1
        )


# --- reading and retrying ------------------------------------------------------------------------------


def statuses_for_story(story):
    return (
        StoryChannelStatus.objects.filter(story=story)
        .select_related("channel", "outbox_message")
        .order_by("channel__sort_order", "channel__code")
    )


def board(user, *, channel="", state="", since=None):
    """Today's deliveries (statuses changed since local midnight) across stories, filtered; the
    work waiting for a person (需人工处理) whenever it started waiting."""
    if not can_see_board(user):
        raise PermissionDenied(_("You may not see the distribution board."))
    if since is None and state != State.NEEDS_MANUAL:
        since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    qs = StoryChannelStatus.objects.select_related("channel", "story", "outbox_message")
    if since is not None:
        qs = qs.filter(changed_at__gte=since)
    if channel:
        qs = qs.filter(channel__code=channel)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-changed_at", "-pk")


class DistributionError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def retry(status: StoryChannelStatus, *, acting_user) -> StoryChannelStatus:
    """Try the channel's latest act again now (after someone fixed the cause)."""
    if not may_retry(acting_user, status):
        raise PermissionDenied(_("You may not send this story to its channels again."))
    if status.outbox_message_id is None:
        raise DistributionError(_("There is nothing to send again for this channel."))
    if status.state not in RETRYABLE_STATES:
        raise DistributionError(_("This channel has no failed delivery to try again."))
    with transaction.atomic():
        try:
            outbox.retry_now(status.outbox_message, acting_user=acting_user)
        except outbox.OutboxError as error:
            raise DistributionError(error.message) from error
        StoryChannelStatus.objects.filter(pk=status.pk).update(
            state=State.QUEUED, error="", changed_at=timezone.now()
        )
    logger.info(
        "distribution of story %s to %s retried by %s", status.story_id, status.channel.code, acting_user
    )
    status.refresh_from_db()
    return status


def record_done_by_hand(status, *, note, remote_url="", at=None) -> bool:
    """The status update for a channel act someone carried out by hand (any channel): the state the
    act ends in (published; retracted or taken off for a take-down), the note, the address.

    Conditional on the status being as read (same act, revision, message, still "needs manual
    action"): a later act queued meanwhile is not marked done by an earlier one. Returns whether
    the row was updated.
    """
    at = at or timezone.now()
    fields = {"error": "", "note": note, "changed_at": at}
    if status.act in TAKING_DOWN_ACTS:
        fields["state"] = State.RETRACTED if status.act == Act.RETRACT else State.UNPUBLISHED
        if status.act == Act.RETRACT:
            fields["retracted_at"] = at
    else:
        fields["state"] = State.PUBLISHED
        if remote_url:
            fields["remote_url"] = remote_url[:1000]
        if status.published_at is None:
            fields["published_at"] = at
        elif status.act != Act.PUBLISH:
            fields["updated_at"] = at
        if status.act == Act.CORRECT:
            fields["corrections_delivered"] = F("corrections_delivered") + 1
    return (
        StoryChannelStatus.objects.filter(
            pk=status.pk,
            state=State.NEEDS_MANUAL,
            act=status.act,
            revision_id=status.revision_id,
            outbox_message_id=status.outbox_message_id,
        ).update(**fields)
        == 1
    )


MANUAL_ACTION = "rongmei.distribution.done_by_hand"


def complete_by_hand(
    status: StoryChannelStatus, *, acting_user, remote_url: str = "", note: str = ""
) -> StoryChannelStatus:
    """Someone did on the platform what Rongmei could not (submitted the 学习强国 package, corrected
    or deleted a Weibo post, printed the page): the channel's status says so, with who and when."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator
    from wagtail.log_actions import log

    if not may_retry(acting_user, status):
        raise PermissionDenied(_("You may not record work on this story’s channels."))
    if status.state != State.NEEDS_MANUAL:
        raise DistributionError(_("Nothing is waiting to be done by hand on this channel."))
    remote_url = (remote_url or "").strip()
    if remote_url:
        try:
            URLValidator(schemes=["http", "https"])(remote_url)
        except ValidationError:
            raise DistributionError(
                _("“%(url)s” is not an address (it should start with https://).") % {"url": remote_url}
            )
    now = timezone.now()
    from rongmei.organisation.models import display_name_for

    done = _("Done by hand by %(user)s at %(when)s.") % {
        "user": display_name_for(acting_user),
        "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
    }
    with transaction.atomic():
        if not record_done_by_hand(status, note=f"{done} {note}".strip(), remote_url=remote_url, at=now):
            raise DistributionError(_("The channel’s state changed meanwhile: look again before recording."))
        log(
            instance=status.story,
            action=MANUAL_ACTION,
            user=acting_user,
            data={"channel": status.channel.code, "act": status.act, "remote_url": remote_url, "note": note},
        )
    status.refresh_from_db()
    return status
