"""A story's life on the site as explicit acts, each emitting one story event (``events.py``).

Requests for a change go through 三审 like any edit:

* ``correct(story, acting_user=, note=)`` adds a dated correction note (更正) to the story's latest
  version and submits it for review;
* ``retract(story, acting_user=, reason=)`` marks the latest version retracted (撤稿) with the reason
  and submits it for review;
* ``unpublish(story, acting_user=, reason=)`` takes a story off the site now, without retracting it
  (publish permission on the page; no review, like Wagtail's "Unpublish").

Wagtail publishes approved revisions itself (the final approval, the scheduler, 突发), so the acts
complete in ``story_published()`` and ``story_unpublished()``, which ``signal_handlers`` calls from
``page_published`` / ``page_unpublished`` inside the publishing transaction. That is the one place
every publication passes, and it classifies before it emits: a retracted revision is taken off the
site in the same transaction and only ``story_retracted`` is emitted, never ``story_went_live``;
a revision adding correction notes emits ``story_corrected``; anything else ``story_went_live``.
A story scheduled for later emits nothing until the scheduler really publishes it.
"""

import contextlib
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogContext
from wagtail.models import PageLogEntry, WorkflowState

from . import events
from .events import StoryEvent, StoryEventKind

PUBLISH_LOG_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")

# Set while an act unpublishes the story itself, so Wagtail's page_unpublished signal is not taken
# for a separate "unpublished" act: None (Wagtail's own unpublish), ("retract", reason) or
# ("unpublish", reason).
_unpublishing_act: ContextVar[tuple[str, str] | None] = ContextVar("rongmei_unpublishing_act", default=None)


@contextlib.contextmanager
def _act(name, reason=""):
    token = _unpublishing_act.set((name, reason))
    try:
        yield
    finally:
        _unpublishing_act.reset(token)


# --- Reading the audit log ----------------------------------------------------------------------


def previous_live_revision(story, revision):
    """The revision that was live before ``revision`` was published, from the audit log."""
    entries = PageLogEntry.objects.filter(
        page_id=story.pk, action__in=PUBLISH_LOG_ACTIONS, revision__isnull=False
    )
    if revision is not None:
        entries = entries.exclude(revision_id=revision.pk)
    entry = entries.select_related("revision").order_by("-timestamp", "-pk").first()
    return entry.revision if entry is not None else None


def _correction_texts(revision) -> list[str]:
    return [
        " ".join((note.get("text") or "").split())
        for note in (revision.content.get("corrections") or [])
        if (note.get("text") or "").strip()
    ]


def added_corrections(story, revision) -> list[str]:
    """Texts of the correction notes ``revision`` adds to the previously live version."""
    previous = previous_live_revision(story, revision)
    if previous is None:
        return []  # a first publication corrects nothing
    before = set(_correction_texts(previous))
    return [text for text in _correction_texts(revision) if text not in before]


def _user_id(user):
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def _story_event(kind, story, revision, actor, **details) -> StoryEvent:
    """The event of an act on ``story`` now, about ``revision`` (``None`` if unknown)."""
    return StoryEvent(
        kind=kind,
        story_id=story.pk,
        revision_id=revision.pk if revision is not None else None,
        actor_id=_user_id(actor),
        occurred_at=timezone.now(),
        **details,
    )


# --- Where every publication and unpublication ends -------------------------------------------


def story_published(story, revision, *, actor=None) -> StoryEvent | None:
    """Classify a publication of ``story`` (Wagtail's ``page_published``) and complete its act.

    Returns the event emitted (on commit), or ``None`` for a story scheduled for later.
    """
    from rongmei.review import events as review_events

    if not story.live:
        return None  # scheduled: the act happens when the scheduler publishes it
    if story.alias_of_id is not None:
        # An alias is another address of the same story, updated by Wagtail with it: no act of
        # its own. A retracted version must not stay live there either.
        if story.is_retracted:
            with _act("retract"):
                story.unpublish(user=actor, log_action=False)
        return None
    if story.is_retracted:
        reason = story.retraction_reason.strip()
        # The retracted version must not stay live: it leaves the site in this transaction, and
        # the only event is the retraction (Wagtail's unpublish signal is not a second act).
        with _act("retract", reason):
            story.unpublish(user=actor)
        review_events.retracted(story, actor=actor, revision=revision, reason=reason)
        event = _story_event(StoryEventKind.RETRACTED, story, revision, actor, reason=reason)
    else:
        previous = previous_live_revision(story, revision)
        added = added_corrections(story, revision) if previous is not None else []
        if added:
            review_events.corrected(story, actor=actor, revision=revision, corrections=added)
            event = _story_event(StoryEventKind.CORRECTED, story, revision, actor, corrections=tuple(added))
        else:
            event = _story_event(
                StoryEventKind.WENT_LIVE, story, revision, actor, first_publication=previous is None
            )
    events.emit(event)
    return event


def story_unpublished(story, *, actor=None) -> StoryEvent | None:
    """Record and announce a story leaving the site (Wagtail's ``page_unpublished``), unless the
    unpublication is part of a retraction, which is announced as ``story_retracted`` alone."""
    from rongmei.newsroom.models import StoryPage
    from rongmei.review import events as review_events

    act = _unpublishing_act.get()
    if (act is not None and act[0] == "retract") or story.alias_of_id is not None:
        return None  # part of a retraction; or an alias, which follows its story
    reason = act[1] if act is not None else ""
    # Wagtail unpublishes a live page without saving it just before deleting it: the row is still
    # live then, and no history can be written for a story about to disappear.
    deleted = StoryPage.objects.filter(pk=story.pk, live=True).exists()
    previous = previous_live_revision(story, None)
    if not deleted:
        review_events.unpublished(story, actor=actor, revision=previous, reason=reason)
    event = _story_event(StoryEventKind.UNPUBLISHED, story, previous, actor, reason=reason, deleted=deleted)
    events.emit(event)
    return event


# --- Acts for code and API callers --------------------------------------------------------------


def _check_may_change_live_story(story, acting_user):
    from rongmei.review.services import ReviewError, ReviewPermissionDenied

    if not story.live:
        raise ReviewError(_("This story is not on the site."), code="not_live")
    if story.is_retracted:
        raise ReviewError(_("This story has been retracted."), code="retracted")
    if not story.permissions_for_user(acting_user).can_edit():
        raise ReviewPermissionDenied(_("You may not edit this story."))
    workflow_state = story.current_workflow_state
    if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ReviewError(
            _("This story is in review; wait for the decision or withdraw it first."), code="in_review"
        )


def _submit_edit(story, acting_user, change):
    """Apply ``change`` to the story's latest version (as the page editor would), save it as a
    revision and submit it to the review; the act completes when the review approves it."""
    from rongmei.newsroom.models import StoryPage
    from rongmei.review import services as review_services

    with transaction.atomic(), LogContext(user=acting_user):
        story = StoryPage.objects.select_for_update().get(pk=story.pk)
        _check_may_change_live_story(story, acting_user)
        draft = story.get_latest_revision_as_object()
        change(draft)
        draft.save_revision(user=acting_user)
        return review_services.submit_for_review(story, acting_user=acting_user)


def correct(story, *, acting_user, note) -> WorkflowState:
    """Submit a correction (更正): ``note`` is added as a dated correction note to the latest version.

    ``story_corrected`` is emitted when the review approves it and the correction goes live.
    """
    from rongmei.newsroom.models import CorrectionNote
    from rongmei.review.services import ReviewError

    note = " ".join((note or "").split())
    if not note:
        raise ReviewError(_("Write the correction note readers will see."), code="note_required")
    return _submit_edit(story, acting_user, lambda draft: draft.corrections.add(CorrectionNote(text=note)))


def retract(story, *, acting_user, reason) -> WorkflowState:
    """Submit a retraction (撤稿) with its reason to the review.

    When the review approves it the story leaves the site and ``story_retracted`` is emitted (and
    no ``story_went_live``). A rejected retraction leaves the story online.
    """
    from rongmei.review.services import ReviewError

    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(
            _("Give the reason for the retraction; it goes into the audit record."), code="reason_required"
        )

    def mark(draft):
        draft.is_retracted = True
        draft.retraction_reason = reason

    return _submit_edit(story, acting_user, mark)


def unpublish(story, *, acting_user, reason):
    """Take a story off the site now, without retracting it (e.g. published in the wrong section).

    Needs publish permission on the page. Recorded in the review history (下线) with the reason;
    ``story_unpublished`` is emitted on commit.
    """
    from rongmei.newsroom.models import StoryPage
    from rongmei.review.services import ReviewError, ReviewPermissionDenied

    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Write why the story is taken off the site."), code="reason_required")
    with transaction.atomic(), LogContext(user=acting_user):
        story = StoryPage.objects.select_for_update().get(pk=story.pk)
        if not story.live:
            raise ReviewError(_("This story is not on the site."), code="not_live")
        if not story.permissions_for_user(acting_user).can_unpublish():
            raise ReviewPermissionDenied(_("You may not take stories in this section off the site."))
        with _act("unpublish", reason):
            story.unpublish(user=acting_user)
    return story
