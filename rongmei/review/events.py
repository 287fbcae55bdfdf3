"""The review timeline: one function writes each event as a ``ReviewEvent`` row and a Wagtail
audit-log entry, inside the caller's transaction."""

from django.db import transaction
from wagtail.log_actions import log

from .models import ReviewEvent

Decision = ReviewEvent.Decision

# The Wagtail log action written for each decision (registered in wagtail_hooks.py).
LOG_ACTIONS = {
    Decision.SUBMIT: "rongmei.review.submit",
    Decision.RESUBMIT: "rongmei.review.resubmit",
    Decision.APPROVE: "rongmei.review.approve",
    Decision.REJECT: "rongmei.review.reject",
    Decision.WITHDRAW: "rongmei.review.withdraw",
    Decision.PUBLISH: "rongmei.review.publish",
    Decision.SCHEDULE: "rongmei.review.schedule",
    Decision.OVERRIDE: "rongmei.review.override",
    Decision.PROOF_OVERRIDE: "rongmei.review.proof_override",
    Decision.CORRECT: "rongmei.story.correct",
    Decision.RETRACT: "rongmei.story.retract",
    Decision.UNPUBLISH: "rongmei.story.unpublish",
}


def _level_of(task_state):
    if task_state is None:
        return None, ""
    task = task_state.task.specific
    return getattr(task, "level", None), task.name


@transaction.atomic
def record(
    story,
    decision,
    *,
    actor=None,
    workflow_state=None,
    task_state=None,
    opinion="",
    revision=None,
    data=None,
) -> ReviewEvent | None:
    """Write one review event and its audit-log entry.

    ``story`` is the specific page; review events are kept for stories only, so for any other page
    (a section page under the same workflow) this does nothing and returns ``None``.
    """
    from rongmei.newsroom.models import StoryPage

    if not isinstance(story, StoryPage):
        return None
    if task_state is not None and workflow_state is None:
        workflow_state = task_state.workflow_state
    level, level_name = _level_of(task_state)
    event = ReviewEvent.objects.create(
        story_id=story.pk,
        workflow_state=workflow_state,
        task_state=task_state,
        level=level,
        level_name=level_name,
        actor=actor if actor is not None and actor.is_authenticated else None,
        decision=decision,
        opinion=opinion,
    )
    log_data = {
        "review_event_id": event.pk,
        "decision": str(decision),
        "level": level,
        "level_name": level_name,
        "opinion": opinion,
        "workflow_state_id": workflow_state.pk if workflow_state is not None else None,
        "task_state_id": task_state.pk if task_state is not None else None,
    }
    log_data.update(data or {})
    log(
        instance=story,
        action=LOG_ACTIONS[Decision(decision)],
        user=event.actor,
        data=log_data,
        revision=revision or (task_state.revision if task_state is not None else None),
    )
    return event
