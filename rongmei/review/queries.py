"""Read-only helpers for the review screens."""

from dataclasses import dataclass
from datetime import datetime

from wagtail.models import TaskState, WorkflowState

from .models import ReviewEvent, ReviewLevelTask


def story_under_review(workflow_state):
    """The page a workflow runs on, as its specific type (a workflow may also run on other pages)."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=workflow_state.object_id).first()
    return page.specific if page is not None else None


def review_history(story):
    """Every review event of a story, oldest first, with who made it."""
    return (
        ReviewEvent.objects.filter(story_id=story.pk)
        .select_related("actor", "actor__staff_profile")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class WaitingStory:
    story: object  # StoryPage
    task_state: TaskState
    task: ReviewLevelTask
    submitted_by: object  # user or None
    waiting_since: datetime
    # Why the user may not decide this step (their own story, a level of it they decided), or None.
    barred_reason: str | None = None

    @property
    def level(self) -> int:
        return self.task.level

    @property
    def level_name(self) -> str:
        return self.task.name

    @property
    def may_decide(self) -> bool:
        return self.barred_reason is None


def stories_waiting_for(user) -> list[WaitingStory]:
    """Stories at a review level where ``user`` may decide now, longest-waiting first.

    Leaves out what the rules bar them from: their own stories and submissions where they
    already decided another level (``review_queue_for`` lists those too, with the reason).
    """
    return [item for item in review_queue_for(user) if item.may_decide]


def review_queue_for(user) -> list[WaitingStory]:
    """待我审核: stories waiting at a level of ``user``'s groups, longest-waiting first, each with
    the reason the separation-of-duties rule bars them from deciding it (``None`` if they may).

    A story they may not see (a newsroom that withholds colleagues' work) is left out.
    """
    from rongmei.newsroom import visibility
    from rongmei.newsroom.models import StoryPage

    from . import permissions

    tasks = {task.pk: task for task in permissions.review_levels_of(user)}
    if not tasks:
        return []
    states = list(
        TaskState.objects.filter(
            task_id__in=tasks,
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .select_related("workflow_state", "workflow_state__requested_by", "revision", "task")
        .order_by("started_at", "pk")
    )
    stories = StoryPage.objects.in_bulk([int(state.workflow_state.object_id) for state in states])
    queue = []
    for state in states:
        story = stories.get(int(state.workflow_state.object_id))
        if story is None:
            continue
        if not visibility.user_can_see_work(user, story):
            continue  # a newsroom that withholds colleagues' work withholds it here too
        reason = permissions.decision_barred_reason(state, user)
        queue.append(
            WaitingStory(
                story=story,
                task_state=state,
                task=tasks[state.task_id],
                submitted_by=state.workflow_state.requested_by,
                waiting_since=state.started_at,
                barred_reason=str(reason) if reason is not None else None,
            )
        )
    return queue
