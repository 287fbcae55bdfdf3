"""三审 review: the one place its rules live.

Every way into the review (the Wagtail admin's workflow actions through ``ReviewLevelTask``, these
functions for the API, the CLI and the demo data) ends in ``decide()``, which enforces:

* only members of a level's groups decide at that level;
* nobody approves more than one level of the same submission (one Wagtail ``WorkflowState``),
  even when they hold several roles;
* nobody approves or rejects their own story (its owner, or staff credited on it);
* a rejection needs an opinion (审核意见); an approval without one is recorded as “同意”;
* the final level cannot approve while proofreading (审校) has an open blocking finding, unless
  the approver overrides it with a written reason, which becomes part of the review history.

Each decision is written as a ``ReviewEvent`` and a Wagtail log entry in the same transaction.

A story goes live (or is scheduled) only with a revision that passed the review, or through
``emergency_publish()`` (突发: a named permission nobody holds by default, a written reason, the chief
editors told). ``check_may_go_live()`` is that rule; ``signal_handlers`` applies it to every save that
makes a story live or schedules it, whatever path (admin, bulk action, admin API, scheduler) led there.
"""

import contextlib
from contextvars import ContextVar

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogContext
from wagtail.models import Revision, TaskState, Workflow, WorkflowPage, WorkflowState, WorkflowTask

from rongmei.organisation import roles

from . import events, permissions
from .errors import PublicationRefused, ReviewError, ReviewPermissionDenied
from .models import EmergencyPublication, ReviewLevelTask
from .queries import story_under_review

APPROVE = "approve"
REJECT = "reject"

# Recorded when a reviewer approves without writing anything: the conventional wording of an
# approval in a Chinese newsroom's review record. It is data, not UI text, so it is not translated.
DEFAULT_APPROVAL_OPINION = "同意"

THREE_LEVEL_WORKFLOW_NAME = "三审"
TWO_LEVEL_WORKFLOW_NAME = "二审（评论）"

# (task name, level, role) for each workflow ensure_review_workflow() creates.
THREE_LEVELS = (("初审", 1, roles.EDITOR), ("复审", 2, roles.DIRECTOR), ("终审", 3, roles.CHIEF))
TWO_LEVELS = (("评论初审", 1, roles.EDITOR), ("评论终审", 2, roles.CHIEF))


# --- Configuration ------------------------------------------------------------------------------


def _ensure_workflow(name, levels) -> Workflow:
    workflow, _created = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    for sort_order, (task_name, level, role) in enumerate(levels):
        task = ReviewLevelTask.objects.filter(name=task_name).first()
        if task is None:
            task = ReviewLevelTask.objects.create(name=task_name, level=level)
        task.groups.add(roles.group_for(role))
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": sort_order}
        )
    return workflow


@transaction.atomic
def ensure_review_workflow(home_page) -> Workflow:
    """Create the default 三审 workflow and assign it to ``home_page`` (so to every section below it).

    Also creates the two-level "二审（评论）" workflow, unassigned: an example of a workflow with
    fewer levels, which an administrator assigns to a section under Settings → Workflows.
    Idempotent; an existing assignment of another workflow to the home page is left alone.
    """
    workflow = _ensure_workflow(THREE_LEVEL_WORKFLOW_NAME, THREE_LEVELS)
    _ensure_workflow(TWO_LEVEL_WORKFLOW_NAME, TWO_LEVELS)
    WorkflowPage.objects.get_or_create(page=home_page, defaults={"workflow": workflow})
    return workflow


# --- Acts ---------------------------------------------------------------------------------------


def current_task_state(story) -> TaskState:
    """The review step a story is waiting at; ``ReviewError`` if it is not in review."""
    task_state = story.current_workflow_task_state
    if task_state is None:
        raise ReviewError(gettext_lazy("This story is not waiting for review."), code="not_in_review")
    return task_state


def is_final_level(task_state) -> bool:
    """Whether approving this step finishes the workflow (终审 in the 三审)."""
    last = (
        WorkflowTask.objects.filter(workflow_id=task_state.workflow_state.workflow_id, task__active=True)
        .order_by("-sort_order")
        .values_list("task_id", flat=True)
        .first()
    )
    return last == task_state.task_id


def _story_checked_at_final_level(task_state):
    """The story whose findings gate this step's approval, or ``None`` (below the final level, or
    a page that is not a story)."""
    if not is_final_level(task_state):
        return None
    story = story_under_review(task_state.workflow_state)
    return story if story is not None and hasattr(story, "proof_checks") else None


def blocking_findings(task_state, *, acting_user=None):
    """Open blocking proofreading findings that stop this step's approval (none below the final
    level), against today's lists: checks the story first if needed. For the approval itself."""
    from rongmei.proofing import story_checks

    story = _story_checked_at_final_level(task_state)
    if story is None:
        return []
    check = story_checks.current_check(story, acting_user=acting_user)
    return list(story_checks.open_blocking_findings(check))


def stored_blocking_findings(task_state):
    """The blocking findings the stored check of the latest revision has open (none below the final
    level, none while its check is pending). Read-only, for what the screens offer; the approval
    asks ``blocking_findings`` again."""
    from rongmei.proofing import story_checks

    story = _story_checked_at_final_level(task_state)
    check = story_checks.latest_check(story) if story is not None else None
    return list(story_checks.open_blocking_findings(check)) if check is not None else []


def decide(task_state, *, acting_user, action, opinion="", override_reason="") -> TaskState:
    """Approve or reject one review step, enforcing every rule; return the decided task state.

    ``override_reason`` is the final approver's written reason to publish over blocking
    proofreading findings; without one, such findings stop the approval.
    """
    if action not in (APPROVE, REJECT):
        raise ReviewError(gettext_lazy("Unknown review decision."), code="invalid_action")
    opinion = (opinion or "").strip()
    override_reason = (override_reason or "").strip()
    if action == REJECT and not opinion:
        raise ReviewError(
            gettext_lazy("Write your opinion: a story cannot be rejected without one."),
            code="opinion_required",
        )
    with transaction.atomic(), LogContext(user=acting_user):
        # Lock the step so two reviewers at one level cannot both decide it.
        task_state = TaskState.objects.select_for_update().get(pk=task_state.pk).specific
        permissions.check_may_decide(task_state, acting_user)
        story = story_under_review(task_state.workflow_state)
        if action == APPROVE:
            opinion = opinion or DEFAULT_APPROVAL_OPINION
            _approve_current_text(task_state, story)
            _pass_proofing_gate(task_state, story, acting_user, override_reason)
            events.approved(story, actor=acting_user, task_state=task_state, opinion=opinion)
            task_state.approve(user=acting_user, comment=opinion)
            _record_schedule_of_live_story(task_state, acting_user)
        else:
            events.returned(story, actor=acting_user, task_state=task_state, opinion=opinion)
            task_state.reject(user=acting_user, comment=opinion)
    return task_state


def _approve_current_text(task_state, story) -> None:
    """A reviewer approves the text as it is now, with the edits made during their step (their own,
    or an accepted proofreading suggestion). Only reviewers at this level can edit a story under
    review, and a higher level vouches for its own changes, so the lower levels' approvals carry
    over to the new revision instead of sending the story back down."""
    latest_id = type(story).objects.filter(pk=story.pk).values_list("latest_revision_id", flat=True).first()
    if latest_id is None or latest_id == task_state.revision_id:
        return
    workflow_state = task_state.workflow_state
    latest = Revision.objects.get(pk=latest_id)
    workflow_state.copy_approved_task_states_to_revision(latest)
    task_state.revision = latest
    task_state.save(update_fields=["revision"])


def _pass_proofing_gate(task_state, story, acting_user, override_reason) -> None:
    from rongmei.proofing.story_checks import record_override

    blocking = blocking_findings(task_state, acting_user=acting_user)
    if not blocking:
        return
    terms = "、".join(dict.fromkeys(finding.flagged_text for finding in blocking))
    if not override_reason:
        raise ReviewError(
            _(
                "Proofreading found %(count)s blocking problem(s) (%(terms)s). Fix them, mark them "
                "“not an error”, or give a reason to approve over them."
            )
            % {"count": len(blocking), "terms": terms},
            code="proofing_blocked",
        )
    record_override(blocking, story=story, acting_user=acting_user, reason=override_reason)
    events.findings_overridden(
        story, actor=acting_user, reason=override_reason, findings=blocking, task_state=task_state
    )


def _record_schedule_of_live_story(task_state, acting_user):
    """A live story whose approved revision waits for its go-live time gets no ``page_published``
    signal from Wagtail, so its scheduling is recorded here (new stories: see signal_handlers)."""
    workflow_state = WorkflowState.objects.get(pk=task_state.workflow_state_id)
    if workflow_state.status != WorkflowState.STATUS_APPROVED:
        return
    revision = task_state.revision
    revision.refresh_from_db(fields=["approved_go_live_at"])
    story = story_under_review(workflow_state)
    if revision.approved_go_live_at and story.live:
        events.scheduled(
            story,
            actor=acting_user,
            revision=revision,
            go_live_at=revision.approved_go_live_at,
            workflow_state=workflow_state,
        )


def approve(story, *, acting_user, opinion="", override_reason="") -> TaskState:
    """Approve the level the story waits at; the last level publishes (or schedules) it."""
    return decide(
        current_task_state(story),
        acting_user=acting_user,
        action=APPROVE,
        opinion=opinion,
        override_reason=override_reason,
    )


def reject(story, *, acting_user, opinion) -> TaskState:
    """Send the story back to its author with ``opinion`` (Wagtail's "changes requested")."""
    return decide(current_task_state(story), acting_user=acting_user, action=REJECT, opinion=opinion)


def submit_for_review(story, *, acting_user) -> WorkflowState:
    """Start the review of the story's latest revision, or resume it after a rejection.

    Saves a first revision when the story has none. The workflow is the one Wagtail assigns to the
    story's section (or the nearest ancestor with one).
    """
    story = story.specific
    with transaction.atomic(), LogContext(user=acting_user):
        reason = permissions.submit_barred_reason(story, acting_user)
        if reason is not None:
            raise ReviewPermissionDenied(reason)
        workflow_state = story.current_workflow_state
        if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
            raise ReviewError(gettext_lazy("This story is already in review."), code="in_review")
        if story.latest_revision_id is None:
            story.save_revision(user=acting_user)
        if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            workflow_state.resume(user=acting_user)
            workflow_state.refresh_from_db()
            return workflow_state
        workflow = story.get_workflow()
        if workflow is None:
            raise ReviewError(
                gettext_lazy(
                    "No review workflow applies to this story; ask an administrator to assign one to its section."
                ),
                code="no_workflow",
            )
        return workflow.start(story, acting_user)


def withdraw(story, *, acting_user) -> WorkflowState:
    """The author (or whoever submitted it) takes the story out of review (撤回)."""
    story = story.specific
    with transaction.atomic(), LogContext(user=acting_user):
        workflow_state = story.current_workflow_state
        if workflow_state is None:
            raise ReviewError(gettext_lazy("This story is not in review."), code="not_in_review")
        reason = permissions.withdraw_barred_reason(story, acting_user, workflow_state)
        if reason is not None:
            raise ReviewPermissionDenied(reason)
        workflow_state.cancel(user=acting_user)
    return workflow_state


# --- Going live: only after 三审, or as a recorded emergency (突发) ---------------------------------

# Set while code that loads content published elsewhere runs (see publishing_outside_review) and
# while emergency_publish() works (its own cancellation of the review is not a withdrawal).
_outside_review_reason: ContextVar[str | None] = ContextVar("rongmei_outside_review", default=None)
_emergency_in_progress: ContextVar[bool] = ContextVar("rongmei_emergency_publish", default=False)


@contextlib.contextmanager
def publishing_outside_review(reason: str):
    """Let code publish stories that never went through this newsroom's review: the demo newsroom,
    an archive import, test fixtures. Only code can enter it; no request path does."""
    if not (reason or "").strip():
        raise ValueError("say why these stories are published outside review")
    token = _outside_review_reason.set(reason)
    try:
        yield
    finally:
        _outside_review_reason.reset(token)


def emergency_cancellation_in_progress() -> bool:
    return _emergency_in_progress.get()


def approved_by_review(story, revision):
    """The finished submission whose approvals cover ``revision``, or ``None``."""
    if revision is None:
        return None
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


def go_live_refusal(story, revision):
    """Why ``revision`` of ``story`` may not go live or be scheduled, or ``None`` if it may."""
    if _outside_review_reason.get():
        return None
    if revision is not None:
        if EmergencyPublication.objects.filter(revision_id=revision.pk).exists():
            return None
        if approved_by_review(story, revision) is not None:
            return None
    return gettext_lazy(
        "This version of the story has not passed 三审, so it cannot be published or scheduled. "
        "Submit it for review; in an emergency, someone holding the 突发 permission can publish it "
        "with a written reason."
    )


def check_may_go_live(story, revision) -> None:
    reason = go_live_refusal(story, revision)
    if reason is not None:
        raise PublicationRefused(reason)


def emergency_publish(story, *, acting_user, reason) -> EmergencyPublication:
    """突发: publish the story's latest revision now, around whatever review it is in.

    Needs the emergency permission (never implied, see ``holds_emergency_permission``), the page
    permission to publish in its section and a written reason. Blocking proofreading findings are
    overridden with the same reason, on the record. An open review is cancelled; the chief editors
    are told by e-mail, and 突发发布记录 lists the publication.
    """
    from rongmei.newsroom.models import StoryPage
    from rongmei.proofing import story_checks

    reason = (reason or "").strip()
    barred = permissions.emergency_barred_reason(acting_user)
    if barred is not None:
        raise ReviewPermissionDenied(barred)
    if not reason:
        raise ReviewError(
            gettext_lazy("Write why this story must go out before its review is complete."),
            code="reason_required",
        )
    with transaction.atomic(), LogContext(user=acting_user):
        story = StoryPage.objects.select_for_update().get(pk=story.pk)
        barred = permissions.emergency_barred_reason(acting_user, story)
        if barred is not None:
            raise ReviewPermissionDenied(barred)
        revision = story.get_latest_revision() or story.save_revision(user=acting_user)
        if story.live and story.live_revision_id == revision.pk:
            raise ReviewError(gettext_lazy("This version of the story is already live."), code="already_live")
        workflow_state = story.current_workflow_state
        task_state = workflow_state.current_task_state if workflow_state else None
        if workflow_state is None:
            stage = ""
        elif workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            stage = _("rejected, waiting for the author")
        else:
            stage = task_state.task.name if task_state else ""
        check = story_checks.current_check(story, revision, acting_user=acting_user)
        blocking = list(story_checks.open_blocking_findings(check))
        emergency = EmergencyPublication.objects.create(
            story=story,
            revision=revision,
            published_by=acting_user,
            reason=reason,
            review_stage=stage,
            overridden_findings=[finding.flagged_text for finding in blocking],
        )
        if blocking:
            story_checks.record_override(blocking, story=story, acting_user=acting_user, reason=reason)
            events.findings_overridden(
                story,
                actor=acting_user,
                reason=reason,
                findings=blocking,
                task_state=task_state,
                revision=revision,
                emergency=True,
            )
        token = _emergency_in_progress.set(True)
        try:
            # Wagtail cancels the open review itself once the revision is published.
            revision.publish(user=acting_user, skip_permission_checks=True)
        finally:
            _emergency_in_progress.reset(token)
        from .tasks import notify_emergency_publication

        transaction.on_commit(lambda: notify_emergency_publication.enqueue(emergency.pk))
    return emergency


def review_groups() -> "list[Group]":
    """Every group that decides at some review level."""
    return list(Group.objects.filter(review_level_tasks__active=True).distinct())
