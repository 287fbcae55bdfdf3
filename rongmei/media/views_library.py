"""The 媒资库 screen: photos, video and audio together, newest first (``library.LibraryList``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rongmei.core.admin_views import AdminPage, page_of

from . import quotas
from .library import LibraryList, LibraryQuery, kinds
from .metadata import Rights

RIGHTS_STATUS = [
    ("expired", _("Rights expired")),
    ("expiring", _("Rights expire within 30 days")),
]


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    credit = forms.CharField(label=_("Credit"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("Taken from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    rights = forms.ChoiceField(
        label=_("Rights"), required=False, choices=[("", _("All rights"))] + list(Rights.choices)
    )
    rights_status = forms.ChoiceField(
        label=_("Expiry"), required=False, choices=[("", _("Any expiry"))] + RIGHTS_STATUS
    )
    unused = forms.BooleanField(label=_("Unused only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All types"))] + [(k.key, k.label) for k in kinds()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def query(self) -> LibraryQuery:
        """The query the valid fields ask for (an invalid field is left out, and shown as an error)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return LibraryQuery(
            text=data.get("q") or "",
            kind=data.get("kind") or "",
            credit=data.get("credit") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            rights=data.get("rights") or "",
            rights_status=data.get("rights_status") or "",
            unused=bool(data.get("unused")),
        )


class LibraryView(AdminPage):
    template_name = "media/library.html"
    page_title = _("Media library (媒资库)")
    header_icon = "folder-open-inverse"

    def may_see(self, user):
        return user.has_perm("wagtailadmin.access_admin")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = LibraryFilterForm(self.request.GET or None)
        form.is_valid()
        page = page_of(self.request, LibraryList(form.query(), user=self.request.user), per_page=30)
        context.update(form=form, page=page, usage=quotas.usage())
        return context
