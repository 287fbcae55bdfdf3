"""Admin screens of the 舆情报告: the list per client, generate now, the HTML, the PDF, e-mail it."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongmei.core.admin_views import page_of

from ..models import Client, Report
from ..permissions import can_see_reports
from ..views import ClientListView, MonitoringAct
from . import services as reports

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


class GenerateReportForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.order_by("name"),
        error_messages={"required": _("Choose a client.")},
    )
    period = forms.ChoiceField(label=_("Period"), choices=Report.Period.choices, initial=Report.Period.DAILY)
    # Typed as text so a wrong date comes back with its own message and stays in the field.
    day = forms.CharField(
        label=_("Date"),
        required=False,
        max_length=20,
        help_text=_(
            "A day of the period (for a weekly report, any day of that week). Empty: yesterday for a "
            "daily report, this week so far for a weekly one."
        ),
    )
    email = forms.BooleanField(label=_("Also send it to the client's report recipients"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Today, in the form the field reads: an example that is also a likely answer.
        self.fields["day"].widget.attrs["placeholder"] = f"{timezone.localdate():%Y-%m-%d}"

    def clean_day(self):
        raw = self.cleaned_data["day"].strip()
        if not raw:
            return None
        for fmt in DATE_FORMATS:
            try:
                day = datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise forms.ValidationError(
                _("“%(value)s” is not a date. Write it like %(example)s."),
                params={"value": raw, "example": f"{timezone.localdate():%Y-%m-%d}"},
            )
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("%(value)s is in the future; there is nothing to report yet."), params={"value": raw}
            )
        if day.year < 1900:  # a week's Monday before 0001-01-01 does not exist
            raise forms.ValidationError(
                _("%(value)s is too long ago; give a day from 1900 on."), params={"value": raw}
            )
        return day

    def clean(self):
        cleaned = super().clean()
        client = cleaned.get("client")
        if cleaned.get("email") and client is not None and not reports.recipients(client)[0]:
            self.add_error(
                "email",
                _("%(client)s has no valid report recipients; add e-mail addresses to the client first.")
                % {"client": client.name},
            )
        return cleaned


class ReportsView(ClientListView):
    """Every generated report (optionally one client's), and the form to generate one now."""

    template_name = "monitoring/reports/index.html"
    page_title = _("Monitoring reports (舆情报告)")
    header_icon = "doc-full"
    may_see = staticmethod(can_see_reports)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = Report.objects.select_related("client", "generated_by").order_by(
            "-starts_at", "client__name", "period"
        )
        page = page_of(self.request, self.for_client(qs))
        for report in page.object_list:
            report.last_day = timezone.localdate(report.ends_at) - timedelta(days=1)
        context.update(
            page=page,
            form=kwargs.get("form") or GenerateReportForm(initial={"client": self.client_id}),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = GenerateReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The report was not generated; see the form below."))
            return self.render_to_response(self.get_context_data(form=form))
        client, period = form.cleaned_data["client"], form.cleaned_data["period"]
        try:
            report = reports.generate_report(
                client,
                period,
                form.cleaned_data["day"] or reports.default_day(period),
                acting_user=request.user,
            )
            if form.cleaned_data["email"]:
                sent_to = reports.email_report(report, acting_user=request.user)
                messages.success(
                    request,
                    _("%(report)s was generated and sent to %(count)d recipients.")
                    % {"report": report, "count": len(sent_to)},
                )
            else:
                messages.success(request, _("%(report)s was generated.") % {"report": report})
        except reports.ReportError as error:
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data(form=form))
        return redirect(f"{reverse('monitoring_reports:index')}?client={client.pk}")


def _report_or_404(request, pk) -> Report:
    if not can_see_reports(request.user):
        raise PermissionDenied
    return get_object_or_404(Report.objects.select_related("client"), pk=pk)


def report_html(request, pk):
    """The stored report as its own page (print it from the browser, or read it on screen)."""
    report = _report_or_404(request, pk)
    if not report.html:
        messages.warning(request, _("This report is still being generated; try again in a minute."))
        return redirect("monitoring_reports:index")
    response = HttpResponse(report.html, content_type="text/html; charset=utf-8")
    # The report quotes outside titles and links: no scripts, nothing loaded from elsewhere.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response


def report_pdf(request, pk):
    """The client's confidential PDF, from the private storage, as a download (never a public URL)."""
    report = _report_or_404(request, pk)
    if not report.pdf:
        messages.warning(request, _("This report is still being generated; try again in a minute."))
        return redirect("monitoring_reports:index")
    try:
        return reports.report_pdf_download(report, request.user)
    except FileNotFoundError:
        messages.error(request, _("The PDF file of this report is missing; generate the report again."))
        return redirect("monitoring_reports:index")


class EmailReportView(MonitoringAct):
    """Send one report's PDF to its client's recipients (a button on the list)."""

    may_act = staticmethod(can_see_reports)
    errors = (reports.ReportError,)

    def get_object(self, pk):
        return get_object_or_404(Report.objects.select_related("client"), pk=pk)

    def act(self, report):
        sent_to = reports.email_report(report, acting_user=self.request.user)
        return _("%(report)s was sent to %(recipients)s.") % {
            "report": report,
            "recipients": ", ".join(sent_to),
        }

    def default_next(self, report):
        return reverse("monitoring_reports:index")
