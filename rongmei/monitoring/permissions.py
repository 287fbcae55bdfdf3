"""Who may do what in 舆情: the one set of checks the menu, the views and the services all ask.

The rights are the app's model permissions, held by the 舆情分析师 role (`organisation/roles.py`):
analysts manage sources, clients, watch and alert rules, cases and reports, and read what the
machines produce (items, events, reprints, alerts). A service that needs a right calls
`require(acting_user, check, message)`: a person without it gets `PermissionDenied` with the reason;
``acting_user=None`` is a system job (the scheduler, the worker, a management command, the demo).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied


def _has(user, codename: str) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(f"monitoring.{codename}"))


def _everyone_with(codename: str):
    """The active users ``_has(user, codename)`` allows, as one query (the same auth backend answers)."""
    return get_user_model().objects.with_perm(f"monitoring.{codename}", is_active=True)


# --- sources ---------------------------------------------------------------------------------------
def can_see_sources(user) -> bool:
    """The source health screen: whoever may read or change the sources."""
    return _has(user, "view_source") or _has(user, "change_source")


def can_import_sources(user) -> bool:
    return _has(user, "add_source")


def can_fetch_sources(user) -> bool:
    """“Fetch now”, for one source or all: it changes when each is fetched next."""
    return _has(user, "change_source")


# --- analysis, events, reprints --------------------------------------------------------------------
def can_see_matches(user) -> bool:
    """The items matching the clients' watch rules, and trying a rule."""
    return _has(user, "view_watchrule")


def can_see_events(user) -> bool:
    return _has(user, "view_event")


def can_see_reprints(user) -> bool:
    return _has(user, "view_reprint")


# --- alerts ----------------------------------------------------------------------------------------
def can_see_alerts(user) -> bool:
    return _has(user, "view_alert")


def can_retry_deliveries(user) -> bool:
    """Sending an alert's failed message again: whoever may fix the rule's addresses."""
    return _has(user, "change_alertrule")


# --- cases -----------------------------------------------------------------------------------------
def can_see_cases(user) -> bool:
    return _has(user, "view_case")


def can_open_cases(user) -> bool:
    return _has(user, "add_case")


WORK_CASES = "change_case"


def can_work_cases(user) -> bool:
    """Notes, states, owner, linked items and the response of a case; also who may own one."""
    return _has(user, WORK_CASES)


def case_workers():
    """Everyone ``can_work_cases`` allows, so everyone who may own a case: the owner choices, and
    the check of a new owner."""
    return _everyone_with(WORK_CASES).order_by("username")


# --- reports ---------------------------------------------------------------------------------------
def can_see_reports(user) -> bool:
    """Staff who can view monitoring clients may read, make and send the clients' reports."""
    return _has(user, "view_client")


def require(acting_user, check, message) -> None:
    """Refuse a person without the right; a system job (``acting_user=None``) may act."""
    if acting_user is not None and not check(acting_user):
        raise PermissionDenied(message)
