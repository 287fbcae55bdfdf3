import csv
import io
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from rongmei.core.admin_views import AdminPage
from rongmei.newsroom.story_admin import StoryAdminPage

from . import permissions, services, story_checks
from .forms import ImportTermsForm, NotAnErrorForm
from .models import CATEGORY_LABELS, ProofFinding, WordList
from .spreadsheets import escape_cell
from .story_text import StoryText
from .templatetags.proofing_tags import annotate_groups


class ImportTermsView(AdminPage, FormView):
    """Upload a CSV/XLSX into one word list and show what was imported, skipped or rejected."""

    template_name = "proofing/import_terms.html"
    form_class = ImportTermsForm
    page_title = _("Import terms")
    header_icon = "upload"

    def may_see(self, user):
        return permissions.may_import_terms(user)

    @cached_property
    def word_list(self):
        # First asked after may_see: a refusal never says whether the list exists.
        return get_object_or_404(WordList, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.word_list.name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailsnippets_proofing_wordlist:list"), "label": _("Word lists")},
            {
                "url": reverse("wagtailsnippets_proofing_wordlist:edit", args=[self.word_list.pk]),
                "label": self.word_list.name,
            },
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            report = services.import_terms(
                self.word_list, upload, acting_user=self.request.user, filename=upload.name
            )
        except services.ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=ImportTermsForm(), report=report))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["word_list"] = self.word_list
        context["export_csv_url"] = reverse("proofing_export_terms", args=[self.word_list.pk, "csv"])
        context["export_xlsx_url"] = reverse("proofing_export_terms", args=[self.word_list.pk, "xlsx"])
        return context


def export_terms(request, pk, fmt):
    if not permissions.may_export_terms(request.user):
        raise PermissionDenied
    if fmt not in ("csv", "xlsx"):
        raise Http404
    word_list = get_object_or_404(WordList, pk=pk)
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(services.export_terms(word_list, fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="wordlist-{word_list.pk}.{fmt}"'
    return response


# --- a story's findings ---------------------------------------------------------------------------
def _segments(text: str, findings) -> list:
    """Paragraphs of ``text``, each a list of (text, finding or None), with findings highlighted.

    Overlapping findings keep the first highlight; every finding is still listed beside the text.
    """
    pieces, cursor = [], 0
    for finding in sorted(findings, key=lambda item: (item.start, -item.end)):
        if finding.start < cursor or finding.end > len(text):
            continue
        if finding.start > cursor:
            pieces.append((text[cursor : finding.start], None))
        pieces.append((text[finding.start : finding.end], finding))
        cursor = finding.end
    if cursor < len(text):
        pieces.append((text[cursor:], None))
    paragraphs = [[]]
    for piece, finding in pieces:
        if finding is not None:
            paragraphs[-1].append((piece, finding))
            continue
        lines = piece.split("\n")
        for index, line in enumerate(lines):
            if index:
                paragraphs.append([])
            if line:
                paragraphs[-1].append((line, None))
    return [paragraph for paragraph in paragraphs if paragraph]


FIELD_LABELS = {
    "kicker": _("kicker (引题)"),
    "title": _("headline (主题)"),
    "subheadline": _("subheadline (副题)"),
    "lead": _("lead (导语)"),
    "body": _("body"),
}


def field_label(name: str) -> str:
    """A finding's field as the proofreader knows it: 主题, or 微信公众号 · 标题 for a channel version."""
    from rongmei.distribution.models import Channel, StoryChannelVersion

    from .story_text import parse_channel_field

    parsed = parse_channel_field(name)
    if parsed is None:
        return str(FIELD_LABELS.get(name, name))
    channel = Channel.objects.filter(pk=parsed[0]).first()
    field = StoryChannelVersion._meta.get_field(parsed[1]).verbose_name
    return f"{channel.name if channel else parsed[0]} · {field}"


class StoryProofingView(StoryAdminPage):
    """审校: the story's text with findings highlighted in place, the findings beside it with
    one-click suggestions and "not an error", and the story's check report below."""

    template_name = "proofing/story.html"
    page_title = _("Proofreading (审校)")
    header_icon = "circle-check"

    def may_see_story(self, user, story):
        return permissions.may_see_findings(user, story)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        finding = None
        if action != "recheck":
            finding = get_object_or_404(
                ProofFinding, pk=request.POST.get("finding") or 0, check_run__story_id=self.story.pk
            )
        try:
            if action == "accept":
                story_checks.accept_suggestion(finding, acting_user=request.user)
                messages.success(
                    request,
                    _("“%(old)s” replaced with “%(new)s”; a new revision was saved.")
                    % {"old": finding.flagged_text, "new": finding.suggestion},
                )
            elif action == "not_error":
                form = NotAnErrorForm(request.POST)
                if not form.is_valid():
                    # Keep what was typed and show the message next to that finding's form.
                    return self.render_to_response(
                        self.get_context_data(error_finding=finding.pk, error_form=form)
                    )
                story_checks.mark_not_an_error(
                    finding, acting_user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("Marked “%(term)s” as not an error.") % {"term": finding.flagged_text}
                )
            elif action == "accept_all":
                result = story_checks.accept_group(finding, acting_user=request.user)
                message = _(
                    "Replaced %(count)s occurrences of “%(old)s” with “%(new)s” in one new revision."
                ) % {"count": result.replaced, "old": finding.flagged_text, "new": finding.suggestion}
                if finding.rule in story_checks.GROUP_BY_RULE:
                    message = _("Applied %(count)s suggestions of this kind in one new revision.") % {
                        "count": result.replaced
                    }
                messages.success(request, message)
                if result.skipped:
                    messages.warning(
                        request,
                        _(
                            "%(count)s places were left as they are (the text changed or runs across "
                            "formatting); change them in the editor."
                        )
                        % {"count": result.skipped},
                    )
            elif action == "not_error_all":
                form = NotAnErrorForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(error_group=finding.pk, error_form=form)
                    )
                decision = story_checks.mark_group_not_an_error(
                    finding, acting_user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("Marked %(count)s occurrences as not an error.") % {"count": decision.occurrences},
                )
            elif action == "reopen":
                story_checks.reopen_finding(finding, acting_user=request.user)
                messages.success(request, _("“%(term)s” counts again.") % {"term": finding.flagged_text})
            elif action == "recheck":
                story_checks.recheck(self.story, acting_user=request.user)
                messages.success(request, _("The story was checked again."))
            else:
                return HttpResponseBadRequest("unknown action")
        except story_checks.ProofingError as error:
            messages.error(request, error.message)
        return redirect(reverse("proofing_story", args=[self.story.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only what is stored: the checks run on save, submission, review steps and the worker.
        state = story_checks.check_state(self.story)
        check = state.current
        findings = list(check.findings.all()) if check is not None else []
        fields, by_field = [], {}
        if check is not None:
            text = StoryText.from_page(story_checks.page_for(self.story, check.revision))
            for finding in findings:
                by_field.setdefault(finding.field, []).append(finding)
            # One label per field (a channel version's label reads the channel), never one per finding.
            labels = {name: field_label(name) for name in {n for n, _o, _p in text.fields} | set(by_field)}
            for finding in findings:
                finding.field_label = labels[finding.field]
            fields = [
                {
                    "name": name,
                    "label": labels[name],
                    "paragraphs": _segments(plain, by_field.get(name, [])),
                }
                for name, _offset, plain in text.fields
            ]
        groups = story_checks.group_findings(findings)
        annotate_groups(groups)
        context.update(
            check=check,
            checking=state.pending,
            lists_changed=state.lists_changed,
            fields=fields,
            findings=findings,
            groups=groups,
            several_fields=len(by_field) > 1,
            can_edit=permissions.may_edit_now(self.story, self.request.user),
            in_review=self.story.workflow_in_progress,
            checks=self.story.proof_checks.select_related("requested_by")[:20],
            decisions=self.story.proof_decisions.select_related("decided_by").order_by("-decided_at", "-pk"),
            history_url=reverse("review_history", args=[self.story.pk]),
            not_error_form=NotAnErrorForm(),
            block_dismissal_barred=permissions.block_dismissal_barred_reason(self.story, self.request.user),
            error_finding=kwargs.get("error_finding"),
            error_group=kwargs.get("error_group"),
            error_form=kwargs.get("error_form"),
        )
        return context


# --- the newsroom's report ------------------------------------------------------------------------
class ProofingReportView(AdminPage):
    """Findings in submitted copy per category per month and per reporter, for training."""

    template_name = "proofing/report.html"
    page_title = _("Proofreading report (审校报告)")
    header_icon = "doc-full"

    def may_see(self, user):
        return permissions.may_see_report(user)

    def _month(self):
        raw = self.request.GET.get("month", "")
        try:
            year, month = (int(part) for part in raw.split("-"))
            if not 1900 <= year <= 2999:  # the report reaches months back and one ahead
                raise ValueError(raw)
            return date(year, month, 1), ""
        except ValueError:
            return None, (_("“%(value)s” is not a month like 2026-11.") % {"value": raw}) if raw else ""

    def get(self, request, *args, **kwargs):
        month, error = self._month()
        report = story_checks.monthly_report(month=month)
        if request.GET.get("format") == "csv":
            return self._csv(report)
        return self.render_to_response(self.get_context_data(report=report, month_error=error))

    def _csv(self, report):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["category", *[m.strftime("%Y-%m") for m in report.months]])
        for category in report.categories:
            writer.writerow([category, *[report.by_category[category].get(m, 0) for m in report.months]])
        writer.writerow([])
        writer.writerow([f"reporter {report.month:%Y-%m}", *report.categories, "total"])
        for _pk, name, counts, total in report.reporters:
            # a staff name is typed by people: never let a spreadsheet run it as a formula
            writer.writerow([escape_cell(name), *[counts.get(c, 0) for c in report.categories], total])
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="proofing-report-{report.month:%Y-%m}.csv"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = kwargs["report"]
        labels = dict(CATEGORY_LABELS)
        context["rows"] = [
            (labels.get(category, category), [report.by_category[category].get(m, 0) for m in report.months])
            for category in report.categories
        ]
        context["reporter_rows"] = [
            (name, [counts.get(c, 0) for c in report.categories], total)
            for _pk, name, counts, total in report.reporters
        ]
        context["category_labels"] = [labels.get(c, c) for c in report.categories]
        return context
