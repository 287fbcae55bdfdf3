"""Admin screens of the 舆情应对: open a case from an alert, the case board, and the case page with
its timeline and the forms for a note, the state, the owner, a linked item and the response.

Every form posts to the case page with an ``action``; a refused act comes back on its own form with
the reason and everything typed kept, the other forms empty.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View

from rongmei.core.weburls import normalize_url
from rongmei.organisation.models import display_name_for

from ..models import Alert, Case, MonitoredItem
from ..permissions import can_open_cases, can_see_cases, can_work_cases, case_workers
from ..views import ClientListView, MonitoringPage, id_param
from . import services as cases
from .services import CaseError

RESOLVED_ON_BOARD = 30  # the board shows the latest resolved cases, not all of history


class OpenCaseView(View):
    """The alerts list's “open a case” button: a case for the alert, owned by whoever opened it."""

    def post(self, request, pk):
        if not can_open_cases(request.user):
            raise PermissionDenied
        alert = get_object_or_404(Alert.objects.select_related("client", "event", "item"), pk=pk)
        try:
            case = cases.open_case_from_alert(alert, owner=request.user, acting_user=request.user)
        except CaseError as error:
            messages.info(request, error.message)
            if error.case is not None:
                return redirect("monitoring_cases:case", pk=error.case.pk)
            return redirect("monitoring_alerts:index")
        messages.success(request, _("Case “%(title)s” opened.") % {"title": case.title})
        return redirect("monitoring_cases:case", pk=case.pk)


class CaseBoardView(ClientListView):
    """Cases in columns by state, filtered by owner and client."""

    template_name = "monitoring/cases/board.html"
    page_title = _("Case board (舆情应对)")
    header_icon = "tasks"
    may_see = staticmethod(can_see_cases)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owner = self.request.GET.get("owner", "")
        qs = self.for_client(
            Case.objects.select_related("client", "owner", "event").order_by("-created_at", "-pk")
        )
        if owner == "me":
            qs = qs.filter(owner=self.request.user)
        elif owner == "none":
            qs = qs.filter(owner__isnull=True)
        elif owner_id := id_param(owner):
            qs = qs.filter(owner_id=owner_id)
        columns = []
        for state, label in Case.State.choices:
            in_state = qs.filter(state=state)
            if state == Case.State.RESOLVED:
                in_state = in_state.order_by("-resolved_at", "-pk")[:RESOLVED_ON_BOARD]
            columns.append({"state": state, "label": label, "cases": list(in_state)})
        owner_choices = [("me", _("Me")), ("none", _("Nobody"))] + [
            (str(user.pk), display_name_for(user)) for user in case_workers()
        ]
        context.update(columns=columns, owner_choices=owner_choices, owner=owner)
        return context


# --- the case page's forms ---------------------------------------------------------------------------


class NoteForm(forms.Form):
    # Not "Note" alone: the site's catalogue says 提示 (a hint) for that.
    text = forms.CharField(
        label=pgettext_lazy("case note", "Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class StateForm(forms.Form):
    # Free choice of the known states; the service refuses an unknown one with its own message.
    state = forms.CharField(label=_("Move to"), widget=forms.Select(choices=Case.State.choices))
    reopen = forms.BooleanField(label=_("Reopen the resolved case"), required=False)
    note = forms.CharField(
        label=pgettext_lazy("case note", "Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Resolving without a recorded response needs a note saying why there is none."),
    )


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("nobody"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_workers()
        self.fields["owner"].label_from_instance = display_name_for


class LinkItemForm(forms.Form):
    item = forms.CharField(
        label=_("Item"),
        max_length=2000,
        help_text=_("The address of a fetched item, or its number."),
    )

    def clean_item(self):
        raw = self.cleaned_data["item"].strip()
        item = None
        if raw.isdigit():
            item = MonitoredItem.objects.filter(pk=int(raw)).first()
        if item is None:
            item = MonitoredItem.objects.filter(Q(url=raw) | Q(normalized_url=normalize_url(raw))).first()
        if item is None:
            raise forms.ValidationError(
                _("No fetched item has the address or number “%(value)s”."), params={"value": raw}
            )
        return item


class ResponseForm(forms.Form):
    response_url = forms.CharField(
        label=_("Address of the published response"), required=False, max_length=1000
    )
    response_text = forms.CharField(
        label=_("Response"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


FORMS = {
    "note": NoteForm,
    "state": StateForm,
    "owner": OwnerForm,
    "link": LinkItemForm,
    "response": ResponseForm,
}


def _apply(case: Case, action: str, data: dict, user) -> str:
    """Run the service for one posted form; return the success message."""
    if action == "note":
        cases.add_note(case, data["text"], acting_user=user)
        return _("Note added.")
    if action == "state":
        cases.move_case(case, data["state"], note=data["note"], reopen=data["reopen"], acting_user=user)
        return _("The case is now “%(state)s”.") % {"state": case.get_state_display()}
    if action == "owner":
        cases.change_owner(case, data["owner"], acting_user=user)
        return _("Owner changed.")
    if action == "link":
        cases.link_item(case, data["item"], acting_user=user)
        return _("Item linked.")
    cases.record_response(case, url=data["response_url"], text=data["response_text"], acting_user=user)
    return _("Response recorded.")


class CaseView(MonitoringPage):
    template_name = "monitoring/cases/case.html"
    header_icon = "tasks"
    may_see = staticmethod(can_see_cases)
    parent = ("monitoring_cases:index", CaseBoardView.page_title)

    def load_object(self, pk):
        self.case = get_object_or_404(Case.objects.select_related("client", "owner", "alert", "event"), pk=pk)

    def get_page_title(self):
        return self.case.title

    def _initial(self):
        case = self.case
        return {
            "owner": {"owner": case.owner_id},
            "state": {"state": self._next_state()},
            "response": {"response_url": case.response_url, "response_text": case.response_text},
        }

    def _next_state(self):
        states = [value for value, _label in Case.State.choices]
        position = states.index(self.case.state) if self.case.state in states else 0
        return states[min(position + 1, len(states) - 1)]

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = self._initial()
        forms_ = {
            name: (
                bound
                if bound is not None and bound.prefix == name
                else cls(prefix=name, initial=initial.get(name))
            )
            for name, cls in FORMS.items()
        }
        case = self.case
        context.update(
            case=case,
            forms=forms_,
            entries=case.entries.select_related("actor", "actor__staff_profile").order_by("at", "pk"),
            items=case.items.select_related("source").order_by("-fetched_at"),
            can_change=can_work_cases(self.request.user),
            is_resolved=case.state == Case.State.RESOLVED,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not can_work_cases(request.user):
            raise PermissionDenied
        action = request.POST.get("action", "")
        form_class = FORMS.get(action)
        if form_class is None:
            messages.error(request, _("Unknown action; nothing was changed."))
            return redirect("monitoring_cases:case", pk=self.case.pk)
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                done = _apply(self.case, action, form.cleaned_data, request.user)
            except CaseError as error:
                target = error.field if error.field in form.fields else None
                form.add_error(target, error.message)
            else:
                messages.success(request, done)
                return redirect("monitoring_cases:case", pk=self.case.pk)
        messages.error(request, _("Nothing was changed; see the form below."))
        self.case.refresh_from_db()
        return self.render_to_response(self.get_context_data(bound=form), status=400)
