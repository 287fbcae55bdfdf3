"""What the review screens tell people: what just happened, what comes next, and why not.

Read-only: these functions describe the state the services left behind (a decided step, a
submission, a story sent back) in the words the newsroom uses: "已通过初审，转复审（周复审等 2 人）",
"已终审通过，将于 12月6日 08:00 发布", "已退回给王记者……". They never change anything.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, npgettext_lazy, pgettext
from wagtail.models import TaskState, WorkflowState

from . import permissions
from .models import ReviewEvent
from .queries import story_under_review


def _display_name(user) -> str:
    from rongmei.organisation.models import display_name_for

    return display_name_for(user)


# --- who decides next --------------------------------------------------------------------------


def reviewers_text(users) -> str:
    """ "周复审" for one person, "周复审等 2 人" for several, "" for nobody."""
    users = list(users)
    if not users:
        return ""
    names = sorted((_display_name(user) for user in users), key=lambda name: name)
    if len(names) == 1:
        return names[0]
    return _("%(name)s and others: %(count)s people") % {"name": names[0], "count": len(names)}


def _sent_to(task_state) -> dict:
    return {
        "next_level": task_state.task.name,
        "reviewers": reviewers_text(permissions.reviewers_for(task_state)),
    }


# --- times -------------------------------------------------------------------------------------


def go_live_text(value: datetime) -> str:
    """A go-live time in the newsroom's time zone: "12月6日 08:00" (with the year if not this year)."""
    local = timezone.localtime(value)
    if local.year == timezone.localtime().year:
        return formats.date_format(local, pgettext("review go-live time", "N j, H:i"))
    return formats.date_format(local, pgettext("review go-live time with year", "N j, Y, H:i"))


# (below how many seconds, seconds a unit, "… ago" in that unit); a date from a week on.
_AGO = (
    (60, 1, npgettext_lazy("review relative time", "%(count)s second ago", "%(count)s seconds ago", "count")),
    (
        60 * 60,
        60,
        npgettext_lazy("review relative time", "%(count)s minute ago", "%(count)s minutes ago", "count"),
    ),
    (
        24 * 60 * 60,
        60 * 60,
        npgettext_lazy("review relative time", "%(count)s hour ago", "%(count)s hours ago", "count"),
    ),
    (
        7 * 24 * 60 * 60,
        24 * 60 * 60,
        npgettext_lazy("review relative time", "%(count)s day ago", "%(count)s days ago", "count"),
    ),
)


def relative_time(value: datetime, now: datetime | None = None) -> str:
    """ "27 秒前", "3 分钟前", "2 小时前", "3 天前"; a date after a week."""
    now = now or timezone.now()
    seconds = max(0, int((now - value).total_seconds()))
    for below, unit, ago in _AGO:
        if seconds < below:
            return ago % {"count": seconds // unit}
    return go_live_text(value)


# --- after an act ------------------------------------------------------------------------------


def decision_message(task_state) -> str:
    """What happened after ``task_state`` was decided, and what comes next."""
    task_state = TaskState.objects.select_related("task", "workflow_state").get(pk=task_state.pk)
    workflow_state = task_state.workflow_state
    level = task_state.task.name
    if task_state.status == TaskState.STATUS_REJECTED:
        author = workflow_state.requested_by
        story = story_under_review(workflow_state)
        if author is None and story is not None:
            author = story.owner
        return _("Returned to %(author)s with your opinion; they revise the story and resubmit it.") % {
            "author": _display_name(author) or "—"
        }
    if task_state.status != TaskState.STATUS_APPROVED:
        return ""
    if workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
        following = workflow_state.current_task_state
        if following is not None and following.pk != task_state.pk:
            sent_to = _sent_to(following)
            if not sent_to["reviewers"]:
                return _(
                    "Passed %(level)s; sent to %(next_level)s, where nobody may decide it yet: ask an "
                    "administrator to add a reviewer to that level."
                ) % {"level": level, **sent_to}
            return _("Passed %(level)s; sent to %(next_level)s (%(reviewers)s).") % {
                "level": level,
                **sent_to,
            }
    if workflow_state.status == WorkflowState.STATUS_APPROVED:
        return final_approval_message(task_state)
    return ""


def final_approval_message(task_state) -> str:
    from .events import go_live_at

    story = story_under_review(task_state.workflow_state)
    level = task_state.task.name
    # What the approval led to is in the review history: scheduled (with its time) or published.
    outcome = (
        ReviewEvent.objects.filter(
            workflow_state_id=task_state.workflow_state_id,
            decision__in=[ReviewEvent.Decision.SCHEDULE, ReviewEvent.Decision.PUBLISH],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    when = go_live_at(outcome) if outcome is not None else None
    if (
        outcome is not None
        and outcome.decision == ReviewEvent.Decision.SCHEDULE
        and when
        and when > timezone.now()
    ):
        return _("%(level)s passed: the story will be published on %(when)s.") % {
            "level": level,
            "when": go_live_text(when),
        }
    if story is not None and getattr(story, "is_retracted", False):
        return _("%(level)s passed: the story is retracted and off the site.") % {"level": level}
    if story is not None and story.live:
        return _("%(level)s passed: the story is published.") % {"level": level}
    return _("%(level)s passed.") % {"level": level}


def submission_message(workflow_state, *, resubmitted=False) -> str:
    """After a (re)submission: which level now has it, and who may decide it."""
    workflow_state = WorkflowState.objects.get(pk=workflow_state.pk)
    task_state = workflow_state.current_task_state
    if task_state is None:
        return ""
    sent_to = _sent_to(task_state)
    if not sent_to["reviewers"]:
        return (
            _(
                "Submitted to %(next_level)s, where nobody may decide it yet: ask an administrator to add a "
                "reviewer to that level."
            )
            % sent_to
        )
    if resubmitted:
        return _("Resubmitted to %(next_level)s (%(reviewers)s).") % sent_to
    return _("Submitted to %(next_level)s (%(reviewers)s).") % sent_to


# --- sent back ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Returned:
    """Why a story came back to its author: the 退回 of its current submission."""

    reviewer_name: str
    level_name: str
    opinion: str
    returned_at: datetime

    @property
    def when(self) -> str:
        return relative_time(self.returned_at)


def returned(story) -> Returned | None:
    """The opinion that sent ``story`` back, while it waits for its author to resubmit."""
    workflow_state = story.current_workflow_state
    if workflow_state is None or workflow_state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    event = (
        ReviewEvent.objects.filter(
            story_id=story.pk, workflow_state=workflow_state, decision=ReviewEvent.Decision.REJECT
        )
        .select_related("actor", "actor__staff_profile")
        .order_by("-created_at", "-pk")
        .first()
    )
    if event is None:
        return None
    return Returned(
        reviewer_name=event.actor_name,
        level_name=event.level_name,
        opinion=event.opinion,
        returned_at=event.created_at,
    )


# --- labels: 退回, never "rejected" or "changes requested" ----------------------------------------

# Wagtail renders these itself (the editor's status side panel, its workflow history, a task
# state's status), so no context can be added; they are listed here so that makemessages keeps
# them in our catalogue, which comes first (LOCALE_PATHS) and says 退回 as the newsroom does.
WAGTAIL_MSGIDS_SAID_AS_RETURNED = (
    gettext_noop("Changes requested %(finished_at)s"),
    gettext_noop("Changes requested at"),
    gettext_noop("Rejected"),
    gettext_noop("Rejected at '%(task)s'. Changes requested"),
)


def task_status_label(status: str) -> str:
    """A review step's status in the newsroom's words (Wagtail's "Rejected" is 已拒绝; here it is 退回)."""
    labels = {
        TaskState.STATUS_IN_PROGRESS: pgettext("review step status", "Waiting"),
        TaskState.STATUS_APPROVED: pgettext("review step status", "Passed"),
        TaskState.STATUS_REJECTED: pgettext("review step status", "Returned"),
        TaskState.STATUS_SKIPPED: pgettext("review step status", "Skipped"),
        TaskState.STATUS_CANCELLED: pgettext("review step status", "Withdrawn"),
    }
    if status is None:
        return pgettext("review step status", "Not started")
    return labels.get(status, status)


def workflow_status_label(status: str) -> str:
    labels = {
        WorkflowState.STATUS_IN_PROGRESS: pgettext("review status", "In review"),
        WorkflowState.STATUS_APPROVED: pgettext("review status", "Passed"),
        WorkflowState.STATUS_NEEDS_CHANGES: pgettext("review status", "Returned to the author"),
        WorkflowState.STATUS_CANCELLED: pgettext("review status", "Withdrawn"),
    }
    return labels.get(status, status)


# --- why not -----------------------------------------------------------------------------------


def lock_message(story, task, user) -> str:
    """Why ``user`` may not edit or decide ``story`` while it waits at ``task``: the real reason."""
    task_state = story.current_workflow_task_state
    if task_state is None:
        return ""
    if task.user_in_groups(user):
        # A reviewer of this level whom the separation-of-duties rule bars.
        reason = permissions.decision_barred_reason(task_state, user)
        if reason is not None:
            return _("This story is waiting for %(level)s. %(reason)s") % {
                "level": task.name,
                "reason": reason,
            }
    reviewers = reviewers_text(permissions.reviewers_for(task_state))
    if reviewers:
        return _(
            "This story is waiting for %(level)s (%(reviewers)s); only that level's reviewers may edit it now."
        ) % {
            "level": task.name,
            "reviewers": reviewers,
        }
    return _("This story is waiting for %(level)s; only that level's reviewers may edit it now.") % {
        "level": task.name
    }


def open_warning_count(story) -> int | None:
    """Open proofreading warnings on the story's latest revision (``None`` if it was not checked yet)."""
    from rongmei.proofing.story_checks import latest_check

    check = latest_check(story)
    return check.warn_count if check is not None else None
