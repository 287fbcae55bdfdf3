"""Record the review acts that Wagtail performs itself (submit, resubmit, withdraw, publish).

Approvals and rejections are recorded by ``services.decide()``, which every path goes through; a
submission, a resubmission or a cancellation may come straight from Wagtail's page editor, and a
publication from the final approval, the scheduler or an editor with publish permission, so those
are recorded from Wagtail's signals. The signals fire inside the action's transaction.
"""

from django.contrib.auth import get_user_model
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.log_actions import get_active_log_context
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import page_published, task_submitted, workflow_cancelled, workflow_submitted

from . import events
from .models import ReviewEvent, ReviewLevelTask

Decision = ReviewEvent.Decision


def _story(workflow_state):
    from rongmei.newsroom.models import StoryPage

    return StoryPage.objects.filter(pk=workflow_state.object_id).first()


def on_workflow_submitted(sender, instance, user=None, **kwargs):
    story = _story(instance)
    if story is not None:
        events.record(
            story,
            Decision.SUBMIT,
            actor=user,
            workflow_state=instance,
            task_state=instance.current_task_state,
            revision=story.get_latest_revision(),
        )


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
        events.record(story, Decision.RESUBMIT, actor=user, task_state=instance)


def on_workflow_cancelled(sender, instance, user=None, **kwargs):
    story = _story(instance)
    if story is not None:
        events.record(
            story,
            Decision.WITHDRAW,
            actor=user,
            workflow_state=instance,
            task_state=instance.current_task_state,
        )


def _approved_by_review(story, revision):
    """The finished submission whose last approval covered ``revision``, if any."""
    return (
        WorkflowState.objects.for_instance(story)
        .filter(
            status=WorkflowState.STATUS_APPROVED,
            task_states__revision=revision,
            task_states__status=TaskState.STATUS_APPROVED,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def on_page_published(sender, instance, revision, **kwargs):
    from rongmei.newsroom.models import StoryPage

    if not isinstance(instance, StoryPage):
        return
    if instance.is_retracted:
        return  # recorded as a retraction by rongmei.newsroom.signal_handlers
    actor = get_active_log_context().user
    workflow_state = _approved_by_review(instance, revision)
    if not instance.live:
        decision = Decision.SCHEDULE
    elif workflow_state is not None:
        decision = Decision.PUBLISH
    else:
        decision = Decision.OVERRIDE
    go_live_at = revision.approved_go_live_at or instance.go_live_at
    events.record(
        instance,
        decision,
        actor=actor,
        workflow_state=workflow_state,
        revision=revision,
        data={"go_live_at": go_live_at.isoformat() if go_live_at and not instance.live else None},
    )


class ReviewLevelSubmissionEmailNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """Wagtail's "submitted for review" email, for a review level: only to the people who may
    decide it (members of the level's groups, less the author and earlier-level approvers)."""

    def can_handle(self, instance, **kwargs):
        return isinstance(instance, TaskState) and isinstance(instance.task.specific, ReviewLevelTask)

    def get_recipient_users(self, task_state, **kwargs):
        from . import services

        members = (
            get_user_model()
            .objects.filter(is_active=True, groups__in=task_state.task.specific.groups.all())
            .distinct()
        )
        allowed = [user.pk for user in members if services.decision_barred_reason(task_state, user) is None]
        return get_user_model().objects.filter(pk__in=allowed)


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
