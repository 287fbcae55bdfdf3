"""The review timeline (审核记录): one function per kind of review event.

Each function writes one ``ReviewEvent`` row, with what that kind needs in ``data`` (a go-live time,
the findings passed over, the corrections' texts…), and the matching Wagtail audit-log entry, inside
the caller's transaction. The history screens read the rows, never the log.

A new kind: a ``ReviewEvent.Decision`` choice (and its migration), a row in ``KINDS`` below (its
log action and, if it has details, how to say them) and a function here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from .models import ReviewEvent

Decision = ReviewEvent.Decision


# --- what each kind says ---------------------------------------------------------------------------


def _when(data) -> str:
    from .outcomes import go_live_text

    value = parse_datetime(data.get("go_live_at") or "")
    return go_live_text(value) if value is not None else ""


def _scheduled_details(data) -> str:
    when = _when(data)
    return _("To be published on %(when)s") % {"when": when} if when else ""


def _findings_details(data) -> str:
    findings = data.get("findings") or []
    return _("Passed over: %(findings)s") % {"findings": "、".join(findings)} if findings else ""


def _emergency_details(data) -> str:
    parts = []
    if data.get("review_stage"):
        parts.append(_("Review stage at the time: %(stage)s") % {"stage": data["review_stage"]})
    if data.get("findings"):
        parts.append(_findings_details(data))
    return "; ".join(parts)


@dataclass(frozen=True)
class Kind:
    """How a kind of review event is logged (Wagtail's audit log) and what its details say."""

    log_action: str
    log_label: str
    log_message: str
    details: object = None  # data -> str, for the history screens


KINDS = {
    Decision.SUBMIT: Kind(
        "rongmei.review.submit",
        gettext_lazy("Submit for review"),
        gettext_lazy("Submitted for review (送审)"),
    ),
    Decision.RESUBMIT: Kind(
        "rongmei.review.resubmit", gettext_lazy("Resubmit for review"), gettext_lazy("Resubmitted (重新送审)")
    ),
    Decision.APPROVE: Kind(
        "rongmei.review.approve", gettext_lazy("Approve review level"), gettext_lazy("Approved (通过)")
    ),
    Decision.REJECT: Kind("rongmei.review.reject", gettext_lazy("Reject"), gettext_lazy("Rejected (退回)")),
    Decision.WITHDRAW: Kind(
        "rongmei.review.withdraw", gettext_lazy("Withdraw from review"), gettext_lazy("Withdrawn (撤回)")
    ),
    Decision.PUBLISH: Kind(
        "rongmei.review.publish", gettext_lazy("Publish after review"), gettext_lazy("Published after review")
    ),
    Decision.SCHEDULE: Kind(
        "rongmei.review.schedule",
        gettext_lazy("Schedule publication"),
        gettext_lazy("Scheduled for publication (定时发布)"),
        _scheduled_details,
    ),
    Decision.OVERRIDE: Kind(
        "rongmei.review.override",
        gettext_lazy("Publish without completing review"),
        gettext_lazy("Published without completing review (越级发布)"),
        _emergency_details,
    ),
    Decision.PROOF_OVERRIDE: Kind(
        "rongmei.review.proof_override",
        gettext_lazy("Approve over blocking proofreading findings"),
        gettext_lazy("Approved over blocking proofreading findings (越过审校拦截)"),
        _findings_details,
    ),
    Decision.CORRECT: Kind(
        "rongmei.story.correct",
        gettext_lazy("Publish correction"),
        gettext_lazy("Correction published (更正)"),
    ),
    Decision.RETRACT: Kind(
        "rongmei.story.retract", gettext_lazy("Retract story"), gettext_lazy("Retracted (撤稿)")
    ),
    Decision.UNPUBLISH: Kind(
        "rongmei.story.unpublish",
        gettext_lazy("Take story off the site"),
        gettext_lazy("Taken off the site (下线)"),
    ),
}

# The Wagtail log action written for each decision (registered in wagtail_hooks.py).
LOG_ACTIONS = {decision: kind.log_action for decision, kind in KINDS.items()}


def details(event) -> str:
    """What an event's data says, in a line for the history ("定于 12月6日 08:00 发布"), or ""."""
    kind = KINDS.get(event.decision)
    if kind is None or kind.details is None:
        return ""
    return kind.details(event.data or {})


def go_live_at(event) -> datetime | None:
    """The go-live time a scheduling event recorded."""
    return parse_datetime((event.data or {}).get("go_live_at") or "")


# --- writing one event ---------------------------------------------------------------------------


def _level_of(task_state):
    if task_state is None:
        return None, ""
    task = task_state.task.specific
    return getattr(task, "level", None), task.name


def _revision_id(revision, task_state):
    if revision is not None:
        return revision.pk
    return task_state.revision_id if task_state is not None else None


@transaction.atomic
def _record(
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
    """Write one review event and its audit-log entry; the functions below are the way to call it.

    ``story`` is the specific page; review events are kept for stories only, so for any other page
    (a section page under the same workflow) this does nothing and returns ``None``.
    """
    from rongmei.newsroom.models import StoryPage

    if not isinstance(story, StoryPage):
        return None
    if task_state is not None and workflow_state is None:
        workflow_state = task_state.workflow_state
    level, level_name = _level_of(task_state)
    revision_id = _revision_id(revision, task_state)
    event_data = {"revision_id": revision_id} if revision_id is not None else {}
    event_data.update(data or {})
    event = ReviewEvent.objects.create(
        story_id=story.pk,
        workflow_state=workflow_state,
        task_state=task_state,
        level=level,
        level_name=level_name,
        actor=actor if actor is not None and actor.is_authenticated else None,
        decision=decision,
        opinion=opinion,
        data=event_data,
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


# --- one function per kind -----------------------------------------------------------------------


def submitted(story, *, actor, workflow_state, revision=None):
    """送审: the first submission of a story to its review (the first level's step has started)."""
    return _record(
        story,
        Decision.SUBMIT,
        actor=actor,
        workflow_state=workflow_state,
        task_state=workflow_state.current_task_state,
        revision=revision,
    )


def resubmitted(story, *, actor, task_state):
    """重新送审: a returned story sent back to review, at the level ``task_state`` starts."""
    return _record(story, Decision.RESUBMIT, actor=actor, task_state=task_state)


def approved(story, *, actor, task_state, opinion):
    """通过: one level approved, with its opinion (审核意见)."""
    return _record(story, Decision.APPROVE, actor=actor, task_state=task_state, opinion=opinion)


def returned(story, *, actor, task_state, opinion):
    """退回: one level sent the story back to its author, with the opinion that says why."""
    return _record(story, Decision.REJECT, actor=actor, task_state=task_state, opinion=opinion)


def withdrawn(story, *, actor, workflow_state):
    """撤回: the author (or whoever submitted it) took the story out of review."""
    return _record(
        story,
        Decision.WITHDRAW,
        actor=actor,
        workflow_state=workflow_state,
        task_state=workflow_state.current_task_state,
    )


def published(story, *, actor, revision, workflow_state):
    """发布: the revision approved by ``workflow_state`` went live (``actor`` None: the scheduler)."""
    return _record(story, Decision.PUBLISH, actor=actor, workflow_state=workflow_state, revision=revision)


def scheduled(story, *, actor, revision, go_live_at, workflow_state=None):
    """定时发布: the approved revision waits for ``go_live_at``."""
    return _record(
        story,
        Decision.SCHEDULE,
        actor=actor,
        workflow_state=workflow_state,
        revision=revision,
        data={"go_live_at": go_live_at.isoformat() if go_live_at else None},
    )


def published_without_review(story, *, actor, revision, emergency=None):
    """突发发布: the revision went live around 三审, as the ``EmergencyPublication`` ``emergency``
    (or, without one, as content loaded by code outside review)."""
    data = {}
    if emergency is not None:
        data = {
            "emergency_publication_id": emergency.pk,
            "review_stage": emergency.review_stage,
            "findings": list(emergency.overridden_findings),
        }
    return _record(
        story,
        Decision.OVERRIDE,
        actor=actor,
        revision=revision,
        opinion=emergency.reason if emergency is not None else "",
        data=data,
    )


def findings_overridden(story, *, actor, reason, findings, task_state=None, revision=None, emergency=False):
    """越过审校拦截: blocking proofreading ``findings`` passed over with ``reason``, at the final
    level's approval or by a 突发 publication (``emergency``)."""
    data = {"findings": [finding.flagged_text for finding in findings]}
    if emergency:
        data["emergency"] = True
    return _record(
        story,
        Decision.PROOF_OVERRIDE,
        actor=actor,
        task_state=task_state,
        opinion=reason,
        revision=revision,
        data=data,
    )


def corrected(story, *, actor, revision, corrections):
    """更正: a published story's new revision went live with added correction notes."""
    corrections = list(corrections)
    return _record(
        story,
        Decision.CORRECT,
        actor=actor,
        opinion="\n".join(corrections),
        revision=revision,
        data={"corrections": corrections},
    )


def retracted(story, *, actor, revision, reason):
    """撤稿: the story was retracted with ``reason`` and left the site."""
    return _record(
        story, Decision.RETRACT, actor=actor, opinion=reason, revision=revision, data={"reason": reason}
    )


def unpublished(story, *, actor, revision, reason=""):
    """下线: the story was taken off the site without a retraction (``revision``: the one that was live)."""
    return _record(
        story, Decision.UNPUBLISH, actor=actor, opinion=reason, revision=revision, data={"reason": reason}
    )
