from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .forms import ImportTermsForm
from .models import WordList


class ImportTermsView(WagtailAdminTemplateMixin, FormView):
    """Upload a CSV/XLSX into one word list and show what was imported, skipped or rejected."""

    template_name = "proofing/import_terms.html"
    form_class = ImportTermsForm
    page_title = _("Import terms")
    header_icon = "upload"

    def dispatch(self, request, pk, *args, **kwargs):
        if not request.user.has_perm("proofing.add_term"):
            raise PermissionDenied
        self.word_list = get_object_or_404(WordList, pk=pk)
        return super().dispatch(request, *args, **kwargs)

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
    if not (request.user.has_perm("proofing.view_term") or request.user.has_perm("proofing.change_term")):
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
