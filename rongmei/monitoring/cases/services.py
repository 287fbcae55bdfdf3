"""Cases (舆情应对): an alert worked by an owner from verification to a published response.

Every act is one function here, called by the admin's case page and by code alike; each writes a
`CaseEntry` (who, when, what) in the same transaction, so the entries are the case's timeline.
States move new → verifying → responding → resolved. Moving forward past a state or back to an
earlier open state is allowed (verification may find the matter needs checking again); a resolved
case moves only when reopened explicitly. Resolving needs a recorded response, or a note saying
why there is none. Opening a case needs the right to open cases, every other act the right to
work them (`permissions.py`), whoever calls.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.organisation.names import display_name

from ..models import Alert, Case, CaseEntry, MonitoredItem
from ..permissions import can_open_cases, can_work_cases, case_workers, require

State = Case.State
OPEN_STATES = (State.NEW, State.VERIFYING, State.RESPONDING)


class CaseError(Exception):
    """A refused act, with the reason in the reader's language; `field` names the form field."""

    def __init__(self, message, *, field=None, case=None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.case = case


def _may_open(acting_user) -> None:
    require(acting_user, can_open_cases, gettext_lazy("You may not open cases."))


def _may_work(acting_user) -> None:
    require(acting_user, can_work_cases, gettext_lazy("You may not work on cases."))


def _check_owner(owner) -> None:
    """A new owner works the case, so must be one of those the owner list offers."""
    if owner is not None and not case_workers().filter(pk=owner.pk).exists():
        raise CaseError(
            _("%(name)s may not work on cases, so cannot own one.") % {"name": display_name(owner)},
            field="owner",
        )


def _entry(case: Case, kind: str, *, actor, now, text: str = "", **data) -> CaseEntry:
    return CaseEntry.objects.create(case=case, at=now, actor=actor, kind=kind, text=text, data=data)


def open_case(
    *,
    client,
    title: str,
    alert: Alert | None = None,
    event=None,
    items=(),
    owner=None,
    acting_user,
    now=None,
) -> Case:
    _may_open(acting_user)
    title = (title or "").strip()
    if not title:
        raise CaseError(gettext_lazy("Give the case a title."), field="title")
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            client=client,
            title=title[:500],
            alert=alert,
            event=event,
            owner=owner,
            state=State.NEW,
            created_at=now,
        )
        items = [item for item in items if item is not None]
        if items:
            case.items.add(*items)
        _entry(
            case,
            CaseEntry.Kind.OPENED,
            actor=acting_user,
            now=now,
            alert=alert.pk if alert else None,
            owner=owner.pk if owner else None,
            owner_name=display_name(owner),
            items=[item.pk for item in items],
        )
    return case


def open_case_from_alert(alert: Alert, *, owner=None, acting_user, now=None) -> Case:
    """A case for the alert: its client, title, event and item. Refused while one is still open."""
    _may_open(acting_user)
    existing = alert.cases.filter(state__in=OPEN_STATES).first()
    if existing is not None:
        raise CaseError(gettext_lazy("This alert already has an open case."), case=existing)
    return open_case(
        client=alert.client,
        title=alert.title,
        alert=alert,
        event=alert.event,
        items=[alert.item],
        owner=owner,
        acting_user=acting_user,
        now=now,
    )


def change_owner(case: Case, owner, *, acting_user, now=None) -> Case:
    _may_work(acting_user)
    if owner == case.owner:
        raise CaseError(gettext_lazy("The case already has this owner."), field="owner")
    _check_owner(owner)
    now = now or timezone.now()
    with transaction.atomic():
        before = case.owner
        case.owner = owner
        case.save(update_fields=["owner"])
        _entry(
            case,
            CaseEntry.Kind.OWNER,
            actor=acting_user,
            now=now,
            before=before.pk if before else None,
            before_name=display_name(before),
            after=owner.pk if owner else None,
            after_name=display_name(owner),
        )
    return case


def _has_response(case: Case) -> bool:
    return bool(case.response_url or case.response_text.strip())


def move_case(case: Case, state: str, *, note: str = "", reopen: bool = False, acting_user, now=None) -> Case:
    """Move the case to ``state``; ``note`` goes into the timeline with the move."""
    _may_work(acting_user)
    valid = {value for value, _label in State.choices}
    if state not in valid:
        raise CaseError(
            _("“%(state)s” is not a case state; use one of: %(states)s.")
            % {"state": state, "states": ", ".join(str(label) for _value, label in State.choices)},
            field="state",
        )
    note = (note or "").strip()
    if state == case.state:
        raise CaseError(gettext_lazy("The case is already in this state."), field="state")
    if case.state == State.RESOLVED and not reopen:
        raise CaseError(
            gettext_lazy("The case is resolved; tick “reopen” to move it back to work."), field="state"
        )
    if reopen and case.state != State.RESOLVED:
        raise CaseError(gettext_lazy("Only a resolved case can be reopened."), field="reopen")
    if state == State.RESOLVED and not _has_response(case) and not note:
        raise CaseError(
            gettext_lazy("Record the published response first, or write a note saying why there is none."),
            field="note",
        )
    now = now or timezone.now()
    with transaction.atomic():
        before = case.state
        case.state = state
        case.resolved_at = now if state == State.RESOLVED else None
        case.save(update_fields=["state", "resolved_at"])
        _entry(
            case,
            CaseEntry.Kind.STATE,
            actor=acting_user,
            now=now,
            text=note,
            before=before,
            after=state,
            reopen=reopen,
        )
    return case


def add_note(case: Case, text: str, *, acting_user, now=None) -> CaseEntry:
    _may_work(acting_user)
    text = (text or "").strip()
    if not text:
        raise CaseError(gettext_lazy("Write the note first."), field="text")
    return _entry(case, CaseEntry.Kind.NOTE, actor=acting_user, now=now or timezone.now(), text=text)


def link_item(case: Case, item: MonitoredItem, *, acting_user, now=None) -> CaseEntry:
    _may_work(acting_user)
    if case.items.filter(pk=item.pk).exists():
        raise CaseError(gettext_lazy("This item is already linked to the case."), field="item")
    with transaction.atomic():
        case.items.add(item)
        return _entry(
            case,
            CaseEntry.Kind.LINK,
            actor=acting_user,
            now=now or timezone.now(),
            text=item.title or item.url,
            item=item.pk,
            url=item.url,
        )


def record_response(case: Case, *, url: str = "", text: str = "", acting_user, now=None) -> Case:
    """The response published (a statement's address and/or its text); a later one replaces it."""
    _may_work(acting_user)
    url, text = (url or "").strip(), (text or "").strip()
    if not url and not text:
        raise CaseError(
            gettext_lazy("Give the response's address or its text (or both)."), field="response_url"
        )
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CaseError(
                gettext_lazy("Give the response's full web address, starting with https://."),
                field="response_url",
            ) from None
    now = now or timezone.now()
    with transaction.atomic():
        case.response_url = url
        case.response_text = text
        case.save(update_fields=["response_url", "response_text"])
        _entry(case, CaseEntry.Kind.RESPONSE, actor=acting_user, now=now, text=text, url=url)
    return case
