"""Read-only helpers for the review screens."""

from dataclasses import dataclass
from datetime import datetime

from wagtail.models import TaskState, WorkflowState

from .models import ReviewEvent, ReviewLevelTask


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

    @property
    def level(self) -> int:
        return self.task.level

    @property
    def level_name(self) -> str:
        return self.task.name


def stories_waiting_for(user) -> list[WaitingStory]:
    """Stories at a review level where ``user`` may decide now, longest-waiting first.

    Leaves out what the rules bar them from: their own stories and submissions where they
    already approved another level.
    """
    from rongmei.newsroom import visibility
    from rongmei.newsroom.models import StoryPage

    from . import services

    if user is None or not user.is_authenticated or not user.is_active:
        return []
    tasks = {
        task.pk: task
        for task in ReviewLevelTask.objects.filter(active=True, groups__in=user.groups.all()).distinct()
    }
    if not tasks:
        return []
    states = list(
        TaskState.objects.filter(
            task_id__in=tasks,
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .select_related("workflow_state", "workflow_state__requested_by", "revision")
        .order_by("started_at", "pk")
    )
    stories = StoryPage.objects.in_bulk([int(state.workflow_state.object_id) for state in states])
    approved = set(
        TaskState.objects.filter(
            workflow_state_id__in=[state.workflow_state_id for state in states],
            status=TaskState.STATUS_APPROVED,
            finished_by=user,
        ).values_list("workflow_state_id", "task_id")
    )
    waiting = []
    for state in states:
        story = stories.get(int(state.workflow_state.object_id))
        if story is None or services.is_own_story(story, user, state.revision):
            continue
        if not visibility.user_can_see_work(user, story):
            continue  # a newsroom that withholds colleagues' work withholds it here too
        if any(ws_id == state.workflow_state_id and task_id != state.task_id for ws_id, task_id in approved):
            continue
        waiting.append(
            WaitingStory(
                story=story,
                task_state=state,
                task=tasks[state.task_id],
                submitted_by=state.workflow_state.requested_by,
                waiting_since=state.started_at,
            )
        )
    return waiting
