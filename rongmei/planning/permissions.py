"""Who may do what in 策划指挥 (one place, asked by menus, views and services alike).

- ``planning.view_topic``: see the planning board, topics, the calendar (every newsroom role but
  舆情分析师);
- ``planning.add_topic``: propose a topic (报题), revise one's own topic sent back for changes,
  work on one's own assignments (accept, start, file);
- ``planning.decide_topic``: decide (审题), move and assign the topics of one's own department
  (复审主任); a topic without a department is anyone's with this right;
- ``planning.decide_any_topic``: the same for every department (终审总编);
- ``planning.add_plannedevent`` / ``change_plannedevent``: keep the events calendar, import ICS.

A superuser may everything.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

VIEW = "planning.view_topic"
PROPOSE = "planning.add_topic"
DECIDE = "planning.decide_topic"
DECIDE_ANY = "planning.decide_any_topic"
VIEW_EVENTS = "planning.view_plannedevent"
ADD_EVENT = "planning.add_plannedevent"
CHANGE_EVENT = "planning.change_plannedevent"


def _has(user, perm) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(perm))


def department_of(user):
    profile = getattr(user, "staff_profile", None) if user is not None else None
    return profile.department if profile is not None else None


def department_id_of(user):
    profile = getattr(user, "staff_profile", None) if user is not None else None
    return profile.department_id if profile is not None else None


def can_view(user) -> bool:
    return _has(user, VIEW)


def can_propose(user) -> bool:
    return _has(user, PROPOSE)


def can_decide_some(user) -> bool:
    """May decide at least some topics (shows the decide buttons, the assign screens)."""
    return _has(user, DECIDE) or _has(user, DECIDE_ANY)


def can_decide(user, topic) -> bool:
    if _has(user, DECIDE_ANY):
        return True
    if not _has(user, DECIDE):
        return False
    return topic.department_id is None or topic.department_id == department_id_of(user)


def can_view_events(user) -> bool:
    return _has(user, VIEW_EVENTS) or can_view(user)


def can_edit_events(user) -> bool:
    return _has(user, ADD_EVENT) and _has(user, CHANGE_EVENT)


def can_work_on(user, assignment) -> bool:
    """The assignee, or whoever may decide the topic (an editor acting for a reporter)."""
    if user is None or not user.is_active:
        return False
    return assignment.assignee_id == user.pk or can_decide(user, assignment.topic)


def require_view(user):
    if not can_view(user):
        raise PermissionDenied(_("The planning board (策划) is only for newsroom staff."))


def require_propose(user):
    if not can_propose(user):
        raise PermissionDenied(
            _("Only reporters, editors, directors and the chief editor may propose topics (报题).")
        )


def require_decide(user, topic):
    if can_decide(user, topic):
        return
    if _has(user, DECIDE):
        raise PermissionDenied(
            _(
                "“%(topic)s” belongs to another department (%(department)s): only its director or the "
                "chief editor may decide it."
            )
            % {"topic": topic.title, "department": topic.department}
        )
    raise PermissionDenied(
        _(
            "Only the department's director (复审主任) or the chief editor (终审总编) may decide and assign topics."
        )
    )


def require_edit_events(user):
    if not can_edit_events(user):
        raise PermissionDenied(
            _("Only editors, directors and the chief editor may change the events calendar (活动日历).")
        )


def require_work_on(user, assignment):
    if not can_work_on(user, assignment):
        raise PermissionDenied(
            _("Only the person assigned or the topic's director or chief editor may change this assignment.")
        )
