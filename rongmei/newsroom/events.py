"""Story events: what happened to a story on the site, for code that acts on it (distribution).

Four kinds, one event per act, sent only once the act's transaction commits:

* ``story_went_live``: a reviewed (or 突发) revision became the live version: the first publication,
  a scheduled story at its go-live time, or an update that adds no correction note;
* ``story_corrected``: a reviewed revision adding correction notes became the live version;
* ``story_retracted``: a reviewed retraction took the story off the site (never preceded by a
  ``story_went_live`` for the retracted revision);
* ``story_unpublished``: the story was taken off the site without a retraction (the
  ``newsroom.services.unpublish()`` act, Wagtail's "Unpublish", expiry, deletion of a live story).

A subscriber gets a frozen ``StoryEvent`` holding ids, not model instances: it runs after the
commit, possibly in another transaction, and should load what it needs (or enqueue a job with the
ids). Subscribers run one after the other in the committing process; one that raises is logged and
the others still run.

    from rongmei.newsroom.events import StoryEventKind, subscribe

    def enqueue_distribution(event):
        ...

    subscribe(enqueue_distribution, kinds=[StoryEventKind.WENT_LIVE, StoryEventKind.CORRECTED])

**In the act's transaction.** ``subscribe_in_transaction(handler, kinds=...)`` calls ``handler(event)``
at once, inside the publishing transaction, before the commit: for a subscriber that must record
work durably with the act itself (distribution writes its outbox rows there, so an act is never
committed without them). Such a handler only writes rows; if it raises, the act rolls back with it.
"""

import dataclasses
import enum
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


class StoryEventKind(enum.StrEnum):
    WENT_LIVE = "story_went_live"
    CORRECTED = "story_corrected"
    RETRACTED = "story_retracted"
    UNPUBLISHED = "story_unpublished"


@dataclasses.dataclass(frozen=True, kw_only=True)
class StoryEvent:
    kind: StoryEventKind
    story_id: int
    # The approved revision the act concerns: the one that went live, the correction, the
    # retraction; for an unpublication, the revision that was live until then (None if unknown).
    revision_id: int | None
    # Who acted (the final approver, the 突发 publisher, whoever unpublished); None for the
    # scheduler and for code running without a user.
    actor_id: int | None
    occurred_at: datetime
    # story_went_live: whether this is the story's first publication (not an update).
    first_publication: bool = False
    # story_corrected: the texts of the correction notes this revision adds.
    corrections: tuple[str, ...] = ()
    # story_retracted: the retraction reason; story_unpublished: the reason given, if any.
    reason: str = ""
    # story_unpublished: the story is being deleted (its row is gone when subscribers run).
    deleted: bool = False


# One signal; the sender is the event's kind, so a subscription to some kinds is a connection
# per kind (Django filters receivers by sender).
story_event = Signal()
# The same events, sent inside the act's transaction (``subscribe_in_transaction``).
story_event_in_transaction = Signal()

Handler = Callable[[StoryEvent], object]


def _dispatch_uid(handler, dispatch_uid):
    return (
        dispatch_uid
        or f"{getattr(handler, '__module__', '')}.{getattr(handler, '__qualname__', id(handler))}"
    )


def subscribe(handler: Handler, *, kinds: Iterable[StoryEventKind] | None = None, dispatch_uid=None) -> None:
    """Call ``handler(event)`` after the commit of every act of ``kinds`` (all kinds by default).

    A second subscription with the same handler (or ``dispatch_uid``) is ignored.
    """

    def receiver(sender, event, **kwargs):
        return handler(event)

    uid = _dispatch_uid(handler, dispatch_uid)
    receiver.__qualname__ = f"story event subscriber {uid}"  # named in Django's own error log
    for kind in StoryEventKind if kinds is None else kinds:
        # weak=False: the receiver is a closure nothing else holds.
        story_event.connect(receiver, sender=StoryEventKind(kind), weak=False, dispatch_uid=uid)


def unsubscribe(handler: Handler | None = None, *, dispatch_uid=None) -> None:
    uid = _dispatch_uid(handler, dispatch_uid)
    for kind in StoryEventKind:
        story_event.disconnect(sender=kind, dispatch_uid=uid)


def subscribe_in_transaction(
    handler: Handler, *, kinds: Iterable[StoryEventKind] | None = None, dispatch_uid=None
) -> None:
    """Call ``handler(event)`` inside the act's transaction, before it commits (all kinds by default).

    For writing rows that must exist if and only if the act does (an outbox row). An exception
    propagates and rolls the act back, so the handler must not call anything outside the database.
    """

    def receiver(sender, event, **kwargs):
        return handler(event)

    uid = _dispatch_uid(handler, dispatch_uid)
    receiver.__qualname__ = f"story event in-transaction subscriber {uid}"
    for kind in StoryEventKind if kinds is None else kinds:
        story_event_in_transaction.connect(
            receiver, sender=StoryEventKind(kind), weak=False, dispatch_uid=uid
        )


def unsubscribe_in_transaction(handler: Handler | None = None, *, dispatch_uid=None) -> None:
    uid = _dispatch_uid(handler, dispatch_uid)
    for kind in StoryEventKind:
        story_event_in_transaction.disconnect(sender=kind, dispatch_uid=uid)


def emit(event: StoryEvent) -> None:
    """Send ``event`` to the in-transaction subscribers now, and to the subscribers once the current
    transaction commits (at once outside one). A rolled-back act sends nothing after commit."""
    story_event_in_transaction.send(sender=event.kind, event=event)
    transaction.on_commit(partial(send_now, event), robust=True)


def send_now(event: StoryEvent) -> None:
    for receiver, result in story_event.send_robust(sender=event.kind, event=event):
        if isinstance(result, Exception):
            logger.error(
                "%s failed on %s (story %s, revision %s)",
                getattr(receiver, "__qualname__", repr(receiver)),
                event.kind,
                event.story_id,
                event.revision_id,
                exc_info=(type(result), result, result.__traceback__),
            )
