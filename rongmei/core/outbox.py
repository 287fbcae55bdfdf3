"""The outbox: everything Rongmei sends outside (alerts to bots and e-mail; later stories to the app,
WeChat, Weibo, partners …) goes through one durable queue, one row per message.

**Adding a sender.** An app registers, in its ``AppConfig.ready()``::

    outbox.register_sender("monitoring.wecom", send_wecom, max_attempts=5, can_view=..., can_retry=...)

A sender is a callable ``sender(message: OutboxMessage) -> SendResult``. It reads what to send from
``message.payload`` (ids, not copies of the content, so a fixed address or secret is used on retry),
makes the remote call and answers ``SendResult.success(remote_id=..., remote_url=...)`` or
``SendResult.failure(plain words, retryable=...)``. It never touches the row's status: the outbox
stores the outcome. An unexpected exception counts as a failed attempt, with a plain message.

**Exactly once.** ``enqueue()`` finds the row of an idempotency key that exists (a story revision ×
channel, an alert × channel) instead of sending again. ``deliver()`` claims a row with one
conditional UPDATE (due and pending/failed, or "sending" with an expired lease: its worker died), so
two workers never send one row. A sender whose platform makes more than one call (WeChat: draft,
then publish) calls ``record_remote(message, remote_id=...)`` as soon as the platform names the item,
and on a later attempt (``message.attempts > 1`` or ``message.remote_id`` set) asks the platform
whether the item exists before creating it again. See docs/decisions/0014-outbox.md.

**No polling.** A new message's delivery task is queued on commit, so it starts as soon as a worker
is free; ``retry_due()`` (the scheduler's ``outbox_retry_due``, every minute) only picks up the
retries whose pause is over and messages whose task was lost.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import OutboxMessage

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 10  # Superdesk's publish queue also gives up after 10
DEFAULT_LEASE = timedelta(minutes=5)  # a worker that dies mid-send leaves the row due again after this
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)
LOST_TASK_GRACE = timedelta(minutes=15)  # a never-tried message's own task may wait this long
# With the database task backend the sweep need not wait out the grace: it can see the message's
# task. A delivery task claims its message first thing (one conditional UPDATE, or a wait for
# SQLite's write lock of at most its busy timeout); still "running" this long after it started
# while its message was never tried, it was taken by a worker that died before the claim (the
# backend keeps no lease: the row says "running" for ever).
UNCLAIMED_TASK_TIMEOUT = timedelta(minutes=2)
QUEUE_SETTLE = timedelta(seconds=30)  # a message's task is queued on commit, a moment after its row

Status = OutboxMessage.Status


class OutboxError(Exception):
    """A refused act on the outbox, with the reason in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class SendResult:
    """What a sender answers. ``error`` in plain words (shown to staff); ``retryable=False`` when
    trying again cannot help (the platform refused the content itself)."""

    ok: bool
    error: str = ""
    retryable: bool = True
    remote_id: str = ""
    remote_url: str = ""

    @classmethod
    def success(cls, remote_id: str = "", remote_url: str = ""):
        return cls(True, remote_id=str(remote_id or ""), remote_url=remote_url or "")

    @classmethod
    def failure(cls, error: str, *, retryable: bool = True):
        return cls(False, error=str(error), retryable=retryable)


Sender = Callable[[OutboxMessage], SendResult]


def _nobody(user) -> bool:
    return False


@dataclass(frozen=True)
class Registration:
    target: str
    sender: Sender
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    lease: timedelta = DEFAULT_LEASE
    # Who sees / may retry this target's messages besides administrators (the people who see what
    # the messages are about). Later channels may narrow it per object with `visible`.
    can_view: Callable = _nobody
    can_retry: Callable = _nobody
    visible: Callable | None = None  # (user, queryset of this target) -> queryset; default: can_view


_SENDERS: dict[str, Registration] = {}


def register_sender(
    target: str,
    sender: Sender,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    lease: timedelta = DEFAULT_LEASE,
    can_view: Callable = _nobody,
    can_retry: Callable = _nobody,
    visible: Callable | None = None,
) -> None:
    """Name the sender of ``target`` (call it from the app's ``AppConfig.ready()``; idempotent)."""
    _SENDERS[target] = Registration(target, sender, max_attempts, lease, can_view, can_retry, visible)


def registration(target: str) -> Registration | None:
    return _SENDERS.get(target)


def registered_targets() -> list[str]:
    return sorted(_SENDERS)


def backoff_after(attempts: int) -> timedelta:
    """Pause after the n-th failed attempt: 30 s, 1, 2, 4, … minutes, at most 30 minutes."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


# --- enqueue -------------------------------------------------------------------------------------------


def _queue_delivery(message_id: int) -> None:
    from .tasks import deliver_outbox_message

    transaction.on_commit(lambda: deliver_outbox_message.enqueue(message_id))


def enqueue(target: str, payload: dict, *, idempotency_key: str, about=None, now=None) -> OutboxMessage:
    """The message of ``idempotency_key``: a new pending row whose delivery starts when this
    transaction commits, or the row that exists already (never a second send). ``now``: the
    caller's clock (due from then on)."""
    if target not in _SENDERS:
        raise LookupError(f"no outbox sender is registered for {target!r}")
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    fields = {"target": target, "payload": payload, "next_attempt_at": now or timezone.now()}
    if about is not None:
        fields.update(content_type=ContentType.objects.get_for_model(about), object_id=about.pk)
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(idempotency_key=idempotency_key, **fields)
    except IntegrityError:
        # Another process enqueued the same key between our look and our insert.
        return OutboxMessage.objects.get(idempotency_key=idempotency_key)
    _queue_delivery(message.pk)
    return message


def messages_about(obj):
    """The outbox messages about ``obj`` (an alert, a story), oldest first."""
    return OutboxMessage.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("created_at", "pk")


# --- delivery ------------------------------------------------------------------------------------------


def claimable(now):
    """Rows a worker may take now: due pending/failed ones, and "sending" ones whose lease ran out."""
    return OutboxMessage.objects.filter(
        Q(status__in=(Status.PENDING, Status.FAILED), next_attempt_at__lte=now)
        | Q(status=Status.SENDING, lease_until__lte=now)
    )


def claim(message_id: int, *, now=None) -> OutboxMessage | None:
    """Take the row for one attempt with ONE conditional UPDATE; None if it is not ours to send."""
    now = now or timezone.now()
    row = OutboxMessage.objects.filter(pk=message_id).values_list("target", flat=True).first()
    if row is None:
        return None
    reg = _SENDERS.get(row)
    lease = reg.lease if reg else DEFAULT_LEASE
    max_attempts = reg.max_attempts if reg else 1
    # A worker died while sending, and that was the last attempt allowed: give up in plain words.
    msgid = gettext_noop("The worker stopped while sending (attempt %(n)d); not tried again automatically.")
    OutboxMessage.objects.filter(
        pk=message_id, status=Status.SENDING, lease_until__lte=now, attempts__gte=max_attempts
    ).update(
        status=Status.FAILED,
        next_attempt_at=None,
        lease_until=None,
        last_error=_(msgid) % {"n": max_attempts},
        last_error_i18n={"msgid": msgid, "params": {"n": max_attempts}},
    )
    # The attempt is counted when it starts: a message that kills its worker every time runs out
    # of attempts instead of looping forever.
    claimed = claimable(now).filter(pk=message_id).update(
        status=Status.SENDING,
        claimed_at=now,
        lease_until=now + lease,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return OutboxMessage.objects.get(pk=message_id)


def record_remote(message: OutboxMessage, *, remote_id: str = "", remote_url: str = "") -> None:
    """Keep what the platform named the item, at once (before the row is done): a retry after a
    crash then finds it and does not create the item a second time."""
    fields = {}
    if remote_id:
        message.remote_id = fields["remote_id"] = str(remote_id)[:255]
    if remote_url:
        message.remote_url = fields["remote_url"] = remote_url[:1000]
    if fields:
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)


def _call_sender(message: OutboxMessage) -> tuple[SendResult, dict | None]:
    reg = _SENDERS.get(message.target)
    if reg is None:
        msgid = gettext_noop("Nothing here knows how to send to “%(target)s”.")
        params = {"target": message.target}
        return SendResult.failure(_(msgid) % params, retryable=False), {"msgid": msgid, "params": params}
    try:
        result = reg.sender(message)
    except Exception as exc:
        # One odd answer must not crash the worker or lose the row: a failed attempt, in plain words.
        logger.exception("outbox message %s (%s) failed unexpectedly", message.pk, message.target)
        msgid = gettext_noop("Unexpected error while sending: %(error)s")
        params = {"error": str(exc) or exc.__class__.__name__}
        return SendResult.failure(_(msgid) % params), {"msgid": msgid, "params": params}
    if not isinstance(result, SendResult):
        msgid = gettext_noop("The sender gave no answer that says whether the message went out.")
        return SendResult.failure(_(msgid)), {"msgid": msgid, "params": {}}
    return result, None


def deliver(message_id: int, *, now=None) -> OutboxMessage | None:
    """Send one due message once and store the outcome; None when it is not due (or not ours)."""
    message = claim(message_id, now=now)
    if message is None:
        return None
    now = now or timezone.now()
    result, i18n = _call_sender(message)
    reg = _SENDERS.get(message.target)
    max_attempts = reg.max_attempts if reg else 1
    # Only the worker holding this claim writes the outcome (a worker that outlived its lease and
    # lost the row to another must not overwrite that one's state) ... unless it did send: that is
    # the truth to keep.
    mine = OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at)
    if result.ok:
        fields = {
            "status": Status.SENT,
            "sent_at": now,
            "last_error": "",
            "last_error_i18n": None,
            "next_attempt_at": None,
            "lease_until": None,
            "remote_id": (result.remote_id or message.remote_id)[:255],
            "remote_url": (result.remote_url or message.remote_url)[:1000],
        }
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)
    else:
        retry = result.retryable and message.attempts < max_attempts
        fields = {
            "status": Status.FAILED,
            "last_error": result.error,
            "last_error_i18n": i18n,
            "next_attempt_at": now + backoff_after(message.attempts) if retry else None,
            "lease_until": None,
        }
        if not mine.update(**fields):
            logger.warning("outbox message %s was taken over while its sender ran", message.pk)
            return OutboxMessage.objects.get(pk=message.pk)
    for name, value in fields.items():
        setattr(message, name, value)
    return message


def retry_due(*, now=None) -> list[int]:
    """The periodic sweep: queue the delivery of every message a worker may take now — retries whose
    pause is over, sends whose worker died (lease over) — and of a new message whose task was lost.

    A new message's task was queued on commit and waits in the task queue, durably: under a backlog
    it may wait minutes. Queuing it again would only double the queue (the bench measured a third
    of all deliveries queued twice), so a never-tried message counts as lost after
    ``LOST_TASK_GRACE``, or sooner when the task backend shows that no task of its own is left to
    deliver it (``lost_before_their_task_ran``)."""
    from .tasks import deliver_outbox_message

    now = now or timezone.now()
    young = Q(status=Status.PENDING, attempts=0, created_at__gt=now - LOST_TASK_GRACE)
    ids = list(claimable(now).exclude(young).order_by("pk").values_list("pk", flat=True)[:1000])
    lost = lost_before_their_task_ran(claimable(now).filter(young), now, deliver_outbox_message)
    ids = sorted(set(ids) | set(lost))[:1000]
    for message_id in ids:
        deliver_outbox_message.enqueue(message_id)
    return ids


def lost_before_their_task_ran(candidates, now, task) -> list[int]:
    """Of ``candidates`` (never tried, younger than the grace), the messages no task will deliver: their
    task is neither queued nor started within ``UNCLAIMED_TASK_TIMEOUT`` (a worker took it and died
    before the claim, or the process died between the commit and queuing it). Only the database
    task backend keeps rows to ask; with another backend the grace alone decides (an empty list)."""
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - both are dependencies
        return []
    if not isinstance(task.get_backend(), DatabaseBackend):
        return []
    rows = list(
        candidates.filter(created_at__lte=now - QUEUE_SETTLE)
        .order_by("pk")
        .values_list("pk", "created_at")[:1000]
    )
    if not rows:
        return []
    oldest = min(created_at for _pk, created_at in rows)
    alive = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gt=now - UNCLAIMED_TASK_TIMEOUT),
        task_path=task.module_path,
        enqueued_at__gte=oldest - QUEUE_SETTLE,
    )
    waiting = set()
    for args_kwargs in alive.values_list("args_kwargs", flat=True):
        args_kwargs = args_kwargs or {}
        args, kwargs = args_kwargs.get("args") or [], args_kwargs.get("kwargs") or {}
        waiting.add(kwargs.get("message_id", args[0] if args else None))
    return [pk for pk, _created_at in rows if pk not in waiting]


# --- who sees what, retry --------------------------------------------------------------------------------


def is_outbox_admin(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm("core.view_outboxmessage")))


def visible_messages(user):
    """The messages ``user`` may see: all for administrators, else each target's own rule."""
    qs = OutboxMessage.objects.all()
    if not user.is_active:
        return qs.none()
    if is_outbox_admin(user):
        return qs
    condition = Q(pk__in=[])
    for target, reg in _SENDERS.items():
        if reg.visible is not None:
            condition |= Q(pk__in=reg.visible(user, qs.filter(target=target)).values("pk"))
        elif reg.can_view(user):
            condition |= Q(target=target)
    return qs.filter(condition)


def can_see_outbox(user) -> bool:
    return is_outbox_admin(user) or any(reg.can_view(user) for reg in _SENDERS.values())


def may_retry(user, message: OutboxMessage) -> bool:
    if not user.is_active:
        return False
    if user.is_superuser or user.has_perm("core.change_outboxmessage"):
        return True
    reg = _SENDERS.get(message.target)
    return bool(reg and reg.can_retry(user))


def retry_now(message: OutboxMessage, *, acting_user, now=None) -> OutboxMessage:
    """Try a failed (or waiting) message again now with fresh attempts, after someone fixed the cause."""
    if not may_retry(acting_user, message):
        raise PermissionDenied(_("You may not send this message again."))
    now = now or timezone.now()
    message.refresh_from_db()
    if message.status == Status.SENT:
        raise OutboxError(_("This message has been sent already."))
    if message.status == Status.SENDING and message.lease_until and message.lease_until > now:
        raise OutboxError(_("This message is being sent right now; look again in a minute."))
    updated = (
        OutboxMessage.objects.filter(pk=message.pk)
        .exclude(status=Status.SENT)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now) | ~Q(status=Status.SENDING))
        .update(status=Status.PENDING, attempts=0, next_attempt_at=now, lease_until=None)
    )
    if not updated:
        raise OutboxError(_("This message changed meanwhile; look at it again."))
    logger.info("outbox message %s retried by %s", message.pk, acting_user.get_username())
    message.refresh_from_db()
    _queue_delivery(message.pk)
    return message
