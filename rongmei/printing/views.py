"""Admin screens of the print edition (报纸版面): the issues by date (with the form for a new one),
an issue's page plan, a page's export, and a story's place in print.

GET only reads. Every act is a POST with an ``action`` to the issue page, carried out by
``services``; a refused act comes back on its own form with the reason and everything typed
kept (status 400), the other forms fresh.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View

from rongmei.core.admin_views import AdminPage
from rongmei.newsroom.models import StoryPage
from rongmei.newsroom.story_admin import StoryAdminPage
from rongmei.organisation.models import Outlet

from . import export, permissions, queries, services
from .models import MAX_PAGES, PagePlacement, PrintIssue, PrintPage
from .services import PrintError

CANDIDATES_SHOWN = 20


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


# --- forms ---------------------------------------------------------------------------------------------


class IssueForm(forms.Form):
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=Outlet.objects.order_by("name"))
    issue_date = forms.DateField(
        label=_("Issue date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    page_count = forms.IntegerField(label=_("Number of pages"), min_value=1, max_value=MAX_PAGES)
    page_names = forms.CharField(
        label=_("Page names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line, in page order, e.g. 要闻, 时政, 社会, 副刊. Blank lines leave a page unnamed."
        ),
    )


class PageCountForm(forms.Form):
    page_count = forms.IntegerField(label=_("Number of pages"), min_value=1, max_value=MAX_PAGES)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Page name"), max_length=50, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Goes on record with the page's history."),
    )


def find_story(raw: str, *, user, issue=None):
    """A story from its number or (part of) its headline among the printable stories."""
    raw = (raw or "").strip()
    if raw.isdigit():
        story = StoryPage.objects.filter(pk=int(raw)).first() if int(raw) < 2**63 else None
        if story is None:
            raise forms.ValidationError(_("There is no story number %(n)s.") % {"n": raw})
        return story
    matches = list(candidate_stories(user, query=raw, issue=None)[:2])
    if not matches:
        raise forms.ValidationError(
            _("No story approved for publication has “%(text)s” in its headline.") % {"text": raw}
        )
    if len(matches) > 1:
        raise forms.ValidationError(
            _("Several stories match “%(text)s”: choose one from the list of stories below.") % {"text": raw}
        )
    return matches[0]


class PlaceForm(forms.Form):
    page = forms.IntegerField(label=pgettext_lazy("print page", "Page"), min_value=1)
    story = forms.CharField(
        label=_("Story"), max_length=200, help_text=_("The story's number, or words from its headline.")
    )
    target_length = forms.IntegerField(
        label=_("Target length (characters)"),
        required=False,
        min_value=1,
        help_text=_("Blank: the target length of the story's print version, else its present length."),
    )
    headline = forms.CharField(label=_("Print headline"), max_length=200, required=False)
    note = forms.CharField(label=_("Layout note"), max_length=300, required=False)

    def __init__(self, *args, user=None, issue=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.issue = issue
        if issue is not None:
            self.fields["page"].widget.attrs["max"] = issue.page_count

    def clean_story(self):
        return find_story(self.cleaned_data["story"], user=self.user, issue=self.issue)


class PlacementForm(forms.Form):
    target_length = forms.IntegerField(label=_("Target length (characters)"), min_value=1)
    headline = forms.CharField(label=_("Print headline"), max_length=200, required=False)
    note = forms.CharField(label=_("Layout note"), max_length=300, required=False)


class MoveForm(forms.Form):
    page = forms.IntegerField(label=_("To page"), min_value=1)
    order = forms.IntegerField(label=_("Position on the page"), min_value=1, required=False)


class NoFieldsForm(forms.Form):
    """The state buttons and removal: a POST with nothing to type."""


# --- who sees what --------------------------------------------------------------------------------------


class PrintAdminPage(AdminPage):
    """A print screen: for those who may see print plans."""

    def may_see(self, user):
        return permissions.can_view(user)


def candidate_stories(user, *, query="", issue=None):
    """Printable stories (live or scheduled after 三审), newest first, not yet in ``issue``."""
    from wagtail.models import Revision

    from rongmei.newsroom.visibility import visible_pages_for

    scheduled = [
        int(object_id)
        for object_id in Revision.page_revisions.filter(approved_go_live_at__isnull=False).values_list(
            "object_id", flat=True
        )
        if str(object_id).isdigit()
    ]
    qs = StoryPage.objects.filter(Q(live=True) | Q(pk__in=scheduled)).filter(is_retracted=False)
    if query:
        qs = qs.filter(title__icontains=query)
    if issue is not None:
        qs = qs.exclude(pk__in=issue.placements.values("story_id"))
    return visible_pages_for(user, qs).newest_first()


# --- the issues -----------------------------------------------------------------------------------------


class IssueListView(PrintAdminPage):
    template_name = "printing/issues.html"
    page_title = _("Print edition (报纸版面)")
    header_icon = "doc-full"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        outlets = list(Outlet.objects.order_by("name"))
        outlet_id = self.request.GET.get("outlet", "")
        issues = PrintIssue.objects.select_related("outlet").annotate(
            signed=Count("pages", filter=Q(pages__state=PrintPage.State.SIGNED_OFF), distinct=True),
            page_proofs=Count("pages", filter=Q(pages__state=PrintPage.State.PAGE_PROOF), distinct=True),
            stories=Count("placements", distinct=True),
        )
        if outlet_id.isdigit():
            issues = issues.filter(outlet_id=int(outlet_id))
        if form is None and permissions.can_create(self.request.user):
            form = IssueForm(
                initial={
                    "issue_date": _tomorrow(),
                    "page_count": 4,
                    "outlet": outlets[0].pk if len(outlets) == 1 else None,
                }
            )
        context.update(
            issues=issues.order_by("-issue_date", "outlet__name")[:100],
            outlets=outlets,
            outlet_id=outlet_id,
            form=form,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not permissions.can_create(request.user):
            raise PermissionDenied
        form = IssueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.create_issue(
                    data["outlet"],
                    data["issue_date"],
                    data["page_count"],
                    page_names=data["page_names"].splitlines(),
                    acting_user=request.user,
                )
            except PrintError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "The issue of %(date)s is planned with %(n)d pages, all in 小样. Place stories on its pages."
                    )
                    % {"date": f"{issue.issue_date:%Y-%m-%d}", "n": issue.page_count},
                )
                return redirect("printing_issue", pk=issue.pk)
        messages.error(request, _("The issue was not created; see the form below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class IssueView(PrintAdminPage):
    template_name = "printing/issue.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.issue = get_object_or_404(PrintIssue.objects.select_related("outlet"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("%(outlet)s, issue of %(date)s") % {
            "outlet": self.issue.outlet,
            "date": f"{self.issue.issue_date:%Y-%m-%d}",
        }

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("printing_issues"), "label": _("Print edition (报纸版面)")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, bound=None, bound_target=None, **kwargs):
        """``bound``: a form that failed, shown in place of the fresh one for ``bound_target``."""
        context = super().get_context_data(**kwargs)
        user = self.request.user

        def form_for(action, target, cls, **form_kwargs):
            if (
                bound is not None
                and bound.prefix == f"{action}-{target}"
                and bound_target == (action, target)
            ):
                return bound
            return cls(prefix=f"{action}-{target}", **form_kwargs)

        pages = []
        for page in self.issue.pages.select_related("signed_off_by", "page_proof_by", "reopened_by").order_by(
            "number"
        ):
            rows = []
            for placement in page.placements.select_related("story").order_by("order", "pk"):
                view = queries.view_placement(placement)
                rows.append(
                    {
                        "view": view,
                        "edit_form": form_for(
                            "edit",
                            placement.pk,
                            PlacementForm,
                            initial={
                                "target_length": placement.target_length,
                                "headline": placement.headline,
                                "note": placement.note,
                            },
                        ),
                        "move_form": form_for(
                            "move",
                            placement.pk,
                            MoveForm,
                            initial={"page": page.number, "order": placement.order},
                        ),
                    }
                )
            total = sum(row["view"].check.length for row in rows if row["view"].check)
            target = sum(row["view"].placement.target_length for row in rows)
            pages.append(
                {
                    "page": page,
                    "rows": rows,
                    "total_length": total,
                    "total_target": target,
                    "rename_form": form_for("rename", page.pk, RenameForm, initial={"name": page.name}),
                    "reopen_form": form_for("reopen", page.pk, ReopenForm),
                }
            )
        query = self.request.GET.get("q", "").strip()[:100]
        chosen = self.request.GET.get("story", "")
        place_form = form_for(
            "place",
            "new",
            PlaceForm,
            user=user,
            issue=self.issue,
            initial={"page": 1, "story": chosen if chosen.isdigit() else ""},
        )
        context.update(
            issue=self.issue,
            pages=pages,
            query=query,
            candidates=list(candidate_stories(user, query=query, issue=self.issue)[:CANDIDATES_SHOWN]),
            place_form=place_form,
            count_form=form_for(
                "count", self.issue.pk, PageCountForm, initial={"page_count": self.issue.page_count}
            ),
            can_plan=permissions.can_plan(user),
            can_advance=permissions.can_advance(user),
            can_sign_off=permissions.can_sign_off(user),
            State=PrintPage.State,
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        target = request.POST.get("target", "")
        handler = getattr(self, f"do_{action}", None)
        if handler is None or not target.isdigit() and target != "new":
            messages.error(request, _("Unknown action; nothing was changed."))
            return redirect("printing_issue", pk=self.issue.pk)
        try:
            form, done = handler(request, target)
        except services.PrintPermissionDenied as error:
            messages.error(request, error.message)
            return redirect("printing_issue", pk=self.issue.pk)
        if done is not None:
            messages.success(request, done)
            return redirect("printing_issue", pk=self.issue.pk)
        if not form.fields:
            # A button (state, removal): nothing typed to keep, the reason is the message.
            for reason in form.non_field_errors():
                messages.error(request, reason)
            return redirect("printing_issue", pk=self.issue.pk)
        messages.error(request, _("Nothing was changed; see the form below."))
        bound_target = (action, int(target) if target.isdigit() else target)
        context = self.get_context_data(bound=form, bound_target=bound_target)
        return self.render_to_response(context, status=400)

    # --- the acts: each returns (form, success message) or (bound form with errors, None) ---

    def _page(self, target):
        return get_object_or_404(PrintPage, pk=int(target), issue=self.issue)

    def _placement(self, target):
        return get_object_or_404(
            PagePlacement.objects.select_related("page", "story"), pk=int(target), issue=self.issue
        )

    def _run(self, form, act):
        """Validate ``form``, run ``act(cleaned_data)``; a refusal becomes the form's error."""
        if form.is_valid():
            try:
                return form, act(form.cleaned_data)
            except services.PrintPermissionDenied:
                raise
            except PrintError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        return form, None

    def do_place(self, request, target):
        form = PlaceForm(request.POST, prefix="place-new", user=request.user, issue=self.issue)

        def act(data):
            placement = services.place_story(
                self.issue,
                data["page"],
                data["story"],
                acting_user=request.user,
                target_length=data["target_length"],
                headline=data["headline"],
                note=data["note"],
            )
            return _("“%(title)s” placed on %(page)s (target %(n)d characters).") % {
                "title": placement.story.title,
                "page": placement.page.label,
                "n": placement.target_length,
            }

        return self._run(form, act)

    def do_edit(self, request, target):
        placement = self._placement(target)
        form = PlacementForm(request.POST, prefix=f"edit-{placement.pk}")

        def act(data):
            services.update_placement(
                placement,
                acting_user=request.user,
                target_length=data["target_length"],
                headline=data["headline"],
                note=data["note"],
            )
            return _("“%(title)s” changed.") % {"title": placement.story.title}

        return self._run(form, act)

    def do_move(self, request, target):
        placement = self._placement(target)
        form = MoveForm(request.POST, prefix=f"move-{placement.pk}")

        def act(data):
            moved = services.move_placement(
                placement, acting_user=request.user, page_number=data["page"], order=data["order"]
            )
            return _("“%(title)s” is now on %(page)s, position %(order)d.") % {
                "title": placement.story.title,
                "page": moved.page.label,
                "order": moved.order,
            }

        return self._run(form, act)

    def do_remove(self, request, target):
        placement = self._placement(target)
        form = NoFieldsForm(request.POST, prefix=f"remove-{placement.pk}")

        def act(data):
            services.remove_placement(placement, acting_user=request.user)
            return _("“%(title)s” was taken off %(page)s; it can be placed again.") % {
                "title": placement.story.title,
                "page": placement.page.label,
            }

        return self._run(form, act)

    def do_rename(self, request, target):
        page = self._page(target)
        form = RenameForm(request.POST, prefix=f"rename-{page.pk}")

        def act(data):
            renamed = services.rename_page(page, data["name"], acting_user=request.user)
            return _("Page renamed: %(page)s.") % {"page": renamed.label}

        return self._run(form, act)

    def do_count(self, request, target):
        form = PageCountForm(request.POST, prefix=f"count-{self.issue.pk}")

        def act(data):
            issue = services.set_page_count(self.issue, data["page_count"], acting_user=request.user)
            return _("The issue now has %(n)d pages.") % {"n": issue.page_count}

        return self._run(form, act)

    def _state_act(self, request, target, action, service, message):
        page = self._page(target)
        form = NoFieldsForm(request.POST, prefix=f"{action}-{page.pk}")

        def act(data):
            done = service(page, acting_user=request.user)
            return message % {"page": done.label}

        return self._run(form, act)

    def do_page_proof(self, request, target):
        return self._state_act(
            request,
            target,
            "page_proof",
            services.mark_page_proof,
            _("%(page)s is now 大样 (page proof): the duty editor can sign it off."),
        )

    def do_back_to_galley(self, request, target):
        return self._state_act(
            request,
            target,
            "back_to_galley",
            services.back_to_galley,
            _("%(page)s is back in 小样 (galley proof)."),
        )

    def do_sign_off(self, request, target):
        return self._state_act(
            request,
            target,
            "sign_off",
            services.sign_off,
            _(
                "%(page)s is signed off (审签) and locked; its stories show as printed. Export it for the printer."
            ),
        )

    def do_reopen(self, request, target):
        page = self._page(target)
        form = ReopenForm(request.POST, prefix=f"reopen-{page.pk}")

        def act(data):
            done = services.reopen(page, acting_user=request.user, reason=data["reason"])
            return _("%(page)s is reopened (back to 大样); it needs signing off again.") % {
                "page": done.label
            }

        return self._run(form, act)


class ExportPageView(View):
    """POST: the page's zip for the layout software (the export is logged, so it is not a GET)."""

    def post(self, request, pk):
        page = get_object_or_404(PrintPage.objects.select_related("issue", "issue__outlet"), pk=pk)
        try:
            handle, filename, _manifest = export.export_page(page, acting_user=request.user)
        except services.PrintPermissionDenied:
            raise PermissionDenied from None
        return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")


class StoryPrintView(StoryAdminPage):
    """A story's place in print: the pages it is on (or why it cannot be placed)."""

    template_name = "printing/story.html"
    page_title = _("Print (报纸)")
    header_icon = "doc-full"
    may_see = PrintAdminPage.may_see

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        placements = list(queries.placements_for_story(self.story))
        standing = queries.print_standing(self.story)
        context.update(
            rows=[queries.view_placement(p) for p in placements],
            standing=standing,
            refusal=services.refusal_to_place(self.story),
        )
        return context
