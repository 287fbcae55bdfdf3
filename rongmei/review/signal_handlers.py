"""Record the review acts that Wagtail performs itself (submit, resubmit, withdraw, publish).

Approvals and rejections are recorded by ``services.decide()``, which every path goes through; a
submission, a resubmission or a cancellation may come straight from Wagtail's page editor, and a
publication from the final approval, the scheduler or an editor with publish permission, so those
are recorded from Wagtail's signals. The signals fire inside the action's transaction.

What a publication *is* for the site (went live, correction, retraction) and the story event it
emits are decided in ``rongmei.newsroom.services.story_published``; this module records the review
side of it (published after review, scheduled, 突发) and holds the go-live gate.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.log_actions import get_active_log_context
from wagtail.models import Revision, TaskState
from wagtail.signals import page_published, task_submitted, workflow_cancelled, workflow_submitted

from . import events
from .models import ReviewLevelTask


def _story(workflow_state):
    from rongmei.newsroom.models import StoryPage

    return StoryPage.objects.filter(pk=workflow_state.object_id).first()


def on_workflow_submitted(sender, instance, user=None, **kwargs):
    story = _story(instance)
    if story is not None:
        events.submitted(story, actor=user, workflow_state=instance, revision=story.get_latest_revision())


def on_task_submitted(sender, instance, user=None, **kwargs):
    workflow_state = instance.workflow_state
    # WorkflowState.resume() clears current_task_state before starting the task again; a task
    # started after an approval still sees the approved step, and the very first task of a
    # submission has no earlier steps (recorded as SUBMIT above).
    if workflow_state.current_task_state_id is not None:
        return
    if not workflow_state.task_states.exclude(pk=instance.pk).exists():
        return
    story = _story(workflow_state)
    if story is not None:
        events.resubmitted(story, actor=user, task_state=instance)


def on_workflow_cancelled(sender, instance, user=None, **kwargs):
    from . import services

    if services.emergency_cancellation_in_progress():
        return  # recorded as the emergency publication (OVERRIDE) that cancelled it
    story = _story(instance)
    if story is not None:
        events.withdrawn(story, actor=user, workflow_state=instance)


def on_page_published(sender, instance, revision, **kwargs):
    from rongmei.newsroom.models import StoryPage

    from . import services
    from .models import EmergencyPublication

    if not isinstance(instance, StoryPage):
        return
    if instance.is_retracted:
        return  # recorded as a retraction by rongmei.newsroom.services.story_published
    actor = get_active_log_context().user
    workflow_state = services.approved_by_review(instance, revision)
    if not instance.live:
        go_live_at = revision.approved_go_live_at or instance.go_live_at
        events.scheduled(
            instance, actor=actor, revision=revision, go_live_at=go_live_at, workflow_state=workflow_state
        )
    elif workflow_state is not None:
        events.published(instance, actor=actor, revision=revision, workflow_state=workflow_state)
    else:
        # Only an emergency publication, or content loaded outside review by code, gets here.
        emergency = EmergencyPublication.objects.filter(revision_id=revision.pk).first()
        events.published_without_review(instance, actor=actor, revision=revision, emergency=emergency)


# --- The go-live gate on the model layer ------------------------------------------------------------
# Wagtail makes a page live from several places (the editor's publish action, bulk actions, the admin
# API's publish and copy actions, the workflow's final approval, the scheduler); each ends in saving
# the page with live=True, or a revision with approved_go_live_at. Checking those saves applies
# services.check_may_go_live() to all of them, including paths added by a later Wagtail release.


def guard_story_going_live(sender, instance, raw=False, update_fields=None, **kwargs):
    from . import services

    if raw or not instance.live:
        return
    if update_fields is not None and not {"live", "live_revision", "live_revision_id"} & set(update_fields):
        return
    # An alias (Wagtail's "create alias") shows its original's live revision, which the original's
    # review covers; Wagtail updates the aliases whenever the original is published.
    story = instance
    if instance.alias_of_id is not None:
        story = type(instance).objects.filter(pk=instance.alias_of_id).first() or instance
    if instance.pk is None:
        # A new story starts as a draft. (Wagtail's create view, asked to publish, saves the new
        # page live before it has a revision; refusing that save would lose what was typed. The
        # before_publish_page hook then refuses the publication itself, with a message.)
        if services.go_live_refusal(story, instance.live_revision) is not None:
            instance.live = False
            instance.has_unpublished_changes = True
        return
    before = type(instance).objects.filter(pk=instance.pk).values("live", "live_revision_id").first()
    if before and before["live"] and before["live_revision_id"] == instance.live_revision_id:
        return  # already live with this revision: a move, a lock, a retitle of the row
    services.check_may_go_live(story, instance.live_revision)


def guard_story_scheduling(sender, instance, raw=False, update_fields=None, **kwargs):
    from rongmei.newsroom.models import StoryPage

    from . import services

    if raw or instance.pk is None or instance.approved_go_live_at is None:
        return
    if update_fields is not None and "approved_go_live_at" not in update_fields:
        return
    if instance.content_type_id != ContentType.objects.get_for_model(StoryPage).pk:
        return
    story = StoryPage.objects.filter(pk=instance.object_id).first()
    if story is not None:
        services.check_may_go_live(story, instance)


class ReviewLevelSubmissionEmailNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """Wagtail's "submitted for review" email, for a review level: only to the people who may
    decide it (members of the level's groups, less the author and earlier-level approvers)."""

    def can_handle(self, instance, **kwargs):
        return isinstance(instance, TaskState) and isinstance(instance.task.specific, ReviewLevelTask)

    def get_recipient_users(self, task_state, **kwargs):
        from .permissions import reviewers_for

        return get_user_model().objects.filter(pk__in=[user.pk for user in reviewers_for(task_state)])


review_submission_email_notifier = ReviewLevelSubmissionEmailNotifier()


def register_signal_handlers():
    task_submitted.connect(
        review_submission_email_notifier,
        sender=TaskState,
        dispatch_uid="rongmei.review.level_submitted_email_notification",
    )
    workflow_submitted.connect(on_workflow_submitted, dispatch_uid="rongmei.review.workflow_submitted")
    task_submitted.connect(on_task_submitted, dispatch_uid="rongmei.review.task_submitted")
    workflow_cancelled.connect(on_workflow_cancelled, dispatch_uid="rongmei.review.workflow_cancelled")
    page_published.connect(on_page_published, dispatch_uid="rongmei.review.page_published")
    from rongmei.newsroom.models import StoryPage

    pre_save.connect(guard_story_going_live, sender=StoryPage, dispatch_uid="rongmei.review.story_go_live")
    pre_save.connect(guard_story_scheduling, sender=Revision, dispatch_uid="rongmei.review.story_schedule")
