"""Admin screens of the sources: their health, adding many at once, and fetching now."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView

from ..permissions import can_fetch_sources, can_import_sources, can_see_sources
from ..views import MonitoringAct, MonitoringPage
from . import imports as source_import
from . import services as fetching
from .health import source_health
from .models import Source


class SourceHealthView(MonitoringPage):
    """Is each source being fetched? Last success, last error in plain words, items per day."""

    template_name = "monitoring/sources/health.html"
    page_title = _("Source health")
    may_see = staticmethod(can_see_sources)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["days"], context["rows"] = source_health()
        context["failing"] = sum(1 for row in context["rows"] if row.state == "failing")
        context["can_fetch"] = can_fetch_sources(self.request.user)
        context["can_import"] = can_import_sources(self.request.user)
        return context


class SourceImportForm(forms.Form):
    """One address per line (a name before or after it), or an OPML file; the settings below apply
    to every source of the import and can be changed per source afterwards."""

    addresses = forms.CharField(
        label=_("Addresses"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 12, "placeholder": "人民网山东频道 http://sd.people.com.cn/rss/zibo.xml\n…"}
        ),
        help_text=_(
            "One source per line: a name and its address, e.g. “大众网 https://www.dzwww.com/rss.xml”. "
            "Without a name the site's host name is used. Lines starting with # are skipped."
        ),
    )
    opml = forms.FileField(
        label=_("Or an OPML file"),
        required=False,
        help_text=_("The list of feeds a feed reader exports. Its feeds are added to the lines above."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Source.Kind.choices, initial=Source.Kind.FEED)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", "---------"), *Source.Category.choices],
        error_messages={"required": _("Choose a category for these sources.")},
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    fetch_interval_minutes = forms.IntegerField(
        label=_("Fetch interval (minutes)"), initial=30, min_value=Source.MIN_INTERVAL_MINUTES
    )
    enabled = forms.BooleanField(label=_("Start fetching now"), required=False, initial=True)
    authorised_to_reprint = forms.BooleanField(label=_("Authorised to reprint"), required=False)

    def __init__(self, *args, **kwargs):
        from rongmei.newsroom.models import Region

        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        self.plan = None

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("addresses", "")
        upload = cleaned.get("opml")
        if upload:
            try:
                opml_text = source_import.opml_to_text(upload.read(source_import.MAX_OPML_BYTES + 1))
            except source_import.OPMLError as error:
                self.add_error("opml", str(error))
                return cleaned
            # The file's feeds join the text box, so a bad one can be corrected there.
            text = f"{text.rstrip()}\n{opml_text}" if text.strip() else opml_text
            cleaned["addresses"] = text
            self.data = self.data.copy()
            self.data["addresses"] = text
        self.plan = source_import.plan_import(text)
        if self.plan.errors:
            self.add_error("addresses", list(self.plan.errors))
        return cleaned


class SourceImportView(MonitoringPage, FormView):
    template_name = "monitoring/sources/import.html"
    page_title = _("Import sources")
    header_icon = "site"
    form_class = SourceImportForm
    may_see = staticmethod(can_import_sources)
    parent = ("wagtailsnippets_monitoring_source:list", Source._meta.verbose_name_plural)

    def form_valid(self, form):
        plan, data = form.plan, form.cleaned_data
        created = source_import.import_sources(
            plan,
            kind=data["kind"],
            category=data["category"],
            region=data["region"],
            fetch_interval_minutes=data["fetch_interval_minutes"],
            enabled=data["enabled"],
            authorised_to_reprint=data["authorised_to_reprint"],
            acting_user=self.request.user,
        )
        if created:
            messages.success(
                self.request,
                ngettext("Added %(count)d source.", "Added %(count)d sources.", len(created))
                % {"count": len(created)},
            )
        skipped = [source.name for _line, source in plan.already_watched]
        if skipped:
            messages.info(
                self.request,
                ngettext(
                    "Skipped %(count)d address already watched: %(names)s.",
                    "Skipped %(count)d addresses already watched: %(names)s.",
                    len(skipped),
                )
                % {
                    "count": len(skipped),
                    "names": "、".join(skipped[:10]) + ("…" if len(skipped) > 10 else ""),
                },
            )
        if plan.repeated:
            messages.info(
                self.request,
                ngettext(
                    "%(count)d address appeared twice in the list and was added once.",
                    "%(count)d addresses appeared twice in the list and were added once.",
                    len(plan.repeated),
                )
                % {"count": len(plan.repeated)},
            )
        return redirect("monitoring_sources:health")


class FetchSourceNowView(MonitoringAct):
    """Fetch one source on the worker now rather than at its next turn (enabled or not: trying a
    source before switching it on is the point)."""

    may_act = staticmethod(can_fetch_sources)

    def get_object(self, pk):
        return get_object_or_404(Source, pk=pk)

    def act(self, source):
        fetching.queue_fetch_now([source], acting_user=self.request.user)
        return _("“%(name)s” is being fetched; its row below shows the outcome once the worker is done.") % {
            "name": source.name
        }

    def default_next(self, source):
        return reverse("monitoring_sources:health")


class FetchAllNowView(View):
    """Fetch every enabled source on the worker now."""

    def post(self, request):
        if not can_fetch_sources(request.user):
            raise PermissionDenied
        queued = fetching.queue_fetch_now(Source.objects.filter(enabled=True), acting_user=request.user)
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(count)d source is being fetched; the rows below show the outcome once the worker is done.",
                    "%(count)d sources are being fetched; the rows below show the outcome once the worker is done.",
                    len(queued),
                )
                % {"count": len(queued)},
            )
        else:
            messages.warning(request, _("No source is enabled: there is nothing to fetch."))
        return redirect("monitoring_sources:health")
