"""Corrections (更正) and retractions (撤稿) take effect when their reviewed revision is published.

Both are ordinary edits of a published story that pass the same review workflow; what makes them
special happens here, on Wagtail's ``page_published`` signal (inside the publish transaction):

* a published revision with ``is_retracted`` takes the story off the site (it is unpublished, so it
  leaves every public page and feed) and is logged as ``rongmei.story.retract`` with the reason;
* a published revision that adds correction notes to the previous live version is logged as
  ``rongmei.story.correct``.

Each is also written to the story's review history (``review.ReviewEvent``).
"""

from wagtail.log_actions import get_active_log_context
from wagtail.models import PageLogEntry
from wagtail.signals import page_published

PUBLISH_LOG_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")


def previous_live_revision(story, revision):
    """The revision that was live before ``revision`` was published, from the audit log."""
    entry = (
        PageLogEntry.objects.filter(page_id=story.pk, action__in=PUBLISH_LOG_ACTIONS, revision__isnull=False)
        .exclude(revision_id=revision.pk)
        .select_related("revision")
        .order_by("-timestamp", "-pk")
        .first()
    )
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


def on_story_published(sender, instance, revision, **kwargs):
    from rongmei.newsroom.models import StoryPage
    from rongmei.review import events
    from rongmei.review.models import ReviewEvent

    if not isinstance(instance, StoryPage) or not instance.live:
        return  # scheduled for later: handled when it really goes live
    actor = get_active_log_context().user
    if instance.is_retracted:
        reason = instance.retraction_reason.strip()
        instance.unpublish(user=None)
        events.record(
            instance,
            ReviewEvent.Decision.RETRACT,
            actor=actor,
            opinion=reason,
            revision=revision,
            data={"reason": reason},
        )
        return
    added = added_corrections(instance, revision)
    if added:
        events.record(
            instance,
            ReviewEvent.Decision.CORRECT,
            actor=actor,
            opinion="\n".join(added),
            revision=revision,
            data={"corrections": added},
        )


def register_signal_handlers():
    page_published.connect(on_story_published, dispatch_uid="rongmei.newsroom.story_published")
