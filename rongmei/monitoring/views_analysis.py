"""Admin screens of the analysis: matched items per client, events, one event, reprints of our stories."""

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import Client, Event, EventVolume, ItemAnalysis, MonitoredItem, Reprint, RuleMatch, Source
from .services import analysis, charts
from .services.events import HOUR, hour_of

PER_PAGE = 50
SPARKLINE_HOURS = 48


def can_see_matches(user) -> bool:
    return user.is_active and user.has_perm("monitoring.view_watchrule")


def can_see_events(user) -> bool:
    return user.is_active and user.has_perm("monitoring.view_event")


def can_see_reprints(user) -> bool:
    return user.is_active and user.has_perm("monitoring.view_reprint")


class _AnalysisView(WagtailAdminTemplateMixin, TemplateView):
    permission_test = staticmethod(can_see_matches)
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_test(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def page(self, queryset):
        return Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("p"))


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


# --- matched items ----------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def highlight_spans(text: str, spans, *, context: int = 40) -> list[tuple[str, bool]]:
    """An excerpt of ``text`` around the matched spans, as (piece, is_match) pairs for the template.

    From a little before the first span to a little after the last; long stretches between spans
    are cut to "…" and runs of whitespace become one space.
    """
    spans = sorted((int(s[0]), int(s[1])) for s in spans if int(s[1]) > int(s[0]))
    if not spans:
        return [(_SPACE.sub(" ", text[: 2 * context]), False)]
    start = max(0, spans[0][0] - context)
    pieces: list[tuple[str, bool]] = [("…", False)] if start else []
    pos = start
    for s_start, s_end in spans:
        if s_end <= pos:
            continue
        if s_start < pos:  # overlaps the previous highlight: extend it
            pieces[-1] = (pieces[-1][0] + text[pos:s_end], True)
        else:
            gap = text[pos:s_start]
            if len(gap) > 2 * context:
                gap = f"{gap[:context]} … {gap[-context:]}"
            if gap:
                pieces.append((_SPACE.sub(" ", gap), False))
            pieces.append((text[s_start:s_end], True))
        pos = s_end
    if text[pos : pos + context]:
        pieces.append((_SPACE.sub(" ", text[pos : pos + context]), False))
    if pos + context < len(text):
        pieces.append(("…", False))
    return pieces


def _day_in_range(day):
    # Far-off days (0001-01-01, 9999-12-31) have no day boundary that fits a datetime.
    if not date(1900, 1, 1) <= day <= date(2999, 12, 31):
        raise forms.ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s; this date was not applied."),
            params={"earliest": "1900-01-01", "latest": "2999-12-31"},
        )


class MatchFilterForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.order_by("name"),
        required=False,
        empty_label=_("All clients"),
    )
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), choices=[("", _("Any"))] + ItemAnalysis.Sentiment.choices, required=False
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[_day_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"), required=False, validators=[_day_in_range], widget=forms.DateInput(attrs={"type": "date"})
    )


class MatchedItemsView(_AnalysisView):
    """Items that matched a client's watch rules, with the matched words highlighted."""

    template_name = "monitoring/analysis/matches.html"
    page_title = _("Matched items")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MatchFilterForm(self.request.GET or None)
        matches = (
            RuleMatch.objects.select_related("rule", "client", "item__source", "item__analysis__group")
            .annotate(at=Coalesce("item__published_at", "item__fetched_at"))
            .order_by("-at", "-pk")
        )
        if form.is_valid():
            data = form.cleaned_data
            if data["client"]:
                matches = matches.filter(client=data["client"])
            if data["sentiment"]:
                matches = matches.filter(item__analysis__sentiment=data["sentiment"])
            if data["date_from"]:
                matches = matches.filter(at__gte=_day_start(data["date_from"]))
            if data["date_to"]:
                matches = matches.filter(at__lt=_day_start(data["date_to"] + timedelta(days=1)))
        page = self.page(matches)
        for match in page.object_list:
            match.title_pieces, match.body_pieces = item_pieces(match.item, match.spans or [])
            match.analysis = getattr(match.item, "analysis", None)
        context.update(form=form, page=page)
        return context


def item_pieces(item, spans):
    """The title and a body excerpt cut into (text, is_match) pieces; spans are offsets into
    title + newline + body, as the engine matched them."""
    title_end = len(item.title)
    title_spans = [s for s in spans if s[1] <= title_end]
    title_pieces = highlight_spans(item.title, title_spans, context=len(item.title))
    body_spans = [(s[0] - title_end - 1, s[1] - title_end - 1) for s in spans if s[0] > title_end]
    body_pieces = highlight_spans(item.body, body_spans) if body_spans else []
    return title_pieces, body_pieces


class RuleTrialForm(forms.Form):
    expression = forms.CharField(
        label=_("Rule"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the rule to try.")},
    )
    days = forms.TypedChoiceField(
        label=_("Fetched in the last"),
        coerce=int,
        initial=7,
        choices=[(1, _("1 day")), (3, _("3 days")), (7, _("7 days")), (30, _("30 days"))],
    )


class RuleTrialView(_AnalysisView):
    """Try a watch rule on recent items before saving it: what it catches, what it misses."""

    template_name = "monitoring/analysis/rule_trial.html"
    page_title = _("Try a watch rule")
    header_icon = "search"
    LIMIT = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RuleTrialForm(self.request.GET or None)
        trial = None
        if form.is_valid():
            trial = analysis.try_rule(
                form.cleaned_data["expression"], days=form.cleaned_data["days"], limit=self.LIMIT
            )
            if trial.error:
                form.add_error("expression", trial.error)
            for hit in trial.hits:
                hit.title_pieces, hit.body_pieces = item_pieces(hit.item, hit.spans)
                hit.analysis = getattr(hit.item, "analysis", None)
        context.update(form=form, trial=trial, limit=self.LIMIT)
        return context


# --- events -----------------------------------------------------------------------------------------


def sparkline(values: list[int], *, width: int = 120, height: int = 28) -> str:
    """Inline SVG polyline of hourly volumes (numbers only, so safe to mark safe)."""
    top = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (height - 4) * v / top:.1f}" for i, v in enumerate(values)
    )
    last_x, last_y = points.rsplit(" ", 1)[-1].split(",") if points else ("0", str(height - 2))
    return mark_safe(
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-hidden="true"><polyline fill="none" stroke="#2e86c1" stroke-width="1.5" points="{points}"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2" fill="#2e86c1"/></svg>'
    )


def _hourly(volumes: dict, end_hour, hours: int) -> list[int]:
    return [volumes.get(end_hour - (hours - 1 - i) * HOUR, 0) for i in range(hours)]


class EventFilterForm(forms.Form):
    WINDOWS = {
        "24h": timedelta(hours=24),
        "72h": timedelta(hours=72),
        "7d": timedelta(days=7),
        "30d": timedelta(days=30),
    }

    window = forms.ChoiceField(
        label=_("Active in the last"),
        required=False,
        initial="7d",
        choices=[
            ("24h", _("24 hours")),
            ("72h", _("72 hours")),
            ("7d", _("7 days")),
            ("30d", _("30 days")),
            ("all", _("any time")),
        ],
    )
    spiking = forms.BooleanField(label=_("Spiking only"), required=False)


class EventsView(_AnalysisView):
    """Events by heat: volume over the last 48 hours, spikes, keywords, sources."""

    template_name = "monitoring/analysis/events.html"
    page_title = _("Events")
    permission_test = staticmethod(can_see_events)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = EventFilterForm(self.request.GET or None)
        window, spiking_only = "7d", False
        if form.is_valid():
            window = form.cleaned_data["window"] or window
            spiking_only = form.cleaned_data["spiking"]
        now = timezone.now()
        events = Event.objects.order_by("-heat", "-last_seen_at", "pk")
        if window in EventFilterForm.WINDOWS:
            events = events.filter(last_seen_at__gte=now - EventFilterForm.WINDOWS[window])
        if spiking_only:
            events = events.filter(spiking_since__isnull=False)
        page = self.page(events)
        end = hour_of(now)
        volumes = defaultdict(dict)
        rows = EventVolume.objects.filter(
            event__in=list(page.object_list), hour__gt=end - SPARKLINE_HOURS * HOUR
        ).values_list("event_id", "hour", "items")
        for event_id, hour, items in rows:
            volumes[event_id][hour] = items
        for event in page.object_list:
            event.sparkline = sparkline(_hourly(volumes[event.pk], end, SPARKLINE_HOURS))
        context.update(form=form, page=page, window=window)
        return context


class EventDetailView(_AnalysisView):
    """One event: its volume over time and its items, by source."""

    template_name = "monitoring/analysis/event_detail.html"
    permission_test = staticmethod(can_see_events)
    MAX_ITEMS = 500

    def get_page_title(self):
        return self.event.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("monitoring_events"), "label": _("Events")},
            {"url": "", "label": self.event.title},
        ]

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.event
        volumes = dict(event.volumes.values_list("hour", "items"))
        first, last = hour_of(event.first_seen_at), hour_of(event.last_seen_at)
        hours = int((last - first) / HOUR) + 1
        local = timezone.localtime
        if hours <= 72:
            bars = []
            for hour in (first + i * HOUR for i in range(hours)):
                at, n = local(hour), volumes.get(hour, 0)
                # a label every six hours keeps the axis readable
                bars.append(charts.Bar(f"{at:%H}" if at.hour % 6 == 0 else "", n, f"{at:%m-%d %H:00}: {n}"))
            x_label = _("hour")
        else:
            per_day = defaultdict(int)
            for hour, n in volumes.items():
                per_day[local(hour).date()] += n
            days = sorted(per_day)
            span = (days[-1] - days[0]).days + 1 if days else 0
            bars = [
                charts.Bar(f"{d:%m-%d}", per_day.get(d, 0))
                for d in (days[0] + timedelta(days=i) for i in range(span))
            ]
            x_label = _("day")
        chart = charts.bar_chart(
            bars, title=str(_("Items over time")), x_label=str(x_label), y_label=str(_("items"))
        )
        items = (
            MonitoredItem.objects.filter(analysis__group__event=event)
            .select_related("source", "analysis__group")
            .annotate(at=Coalesce("published_at", "fetched_at"))
            .order_by("source__name", "source_id", "-at")[: self.MAX_ITEMS]
        )
        by_source = defaultdict(list)
        for item in items:
            by_source[item.source].append(item)
        labels = dict(Source.Category.choices)
        categories = [
            (labels.get(category, category), n)
            for category, n in MonitoredItem.objects.filter(analysis__group__event=event)
            .values_list("source__category")
            .annotate(n=Count("source_id", distinct=True))
            .order_by("-n", "source__category")
        ]
        context.update(
            event=event,
            chart=mark_safe(chart),
            by_source=sorted(by_source.items(), key=lambda kv: (-len(kv[1]), kv[0].name)),
            truncated=event.item_count > self.MAX_ITEMS,
            max_items=self.MAX_ITEMS,
            categories=categories,
        )
        return context


# --- reprints ---------------------------------------------------------------------------------------


class ReprintFilterForm(forms.Form):
    authorised = forms.ChoiceField(
        label=_("Permission"),
        required=False,
        choices=[("", _("All")), ("no", _("Not authorised")), ("yes", _("Authorised"))],
    )
    site = forms.CharField(label=_("Site"), required=False, max_length=255)


class ReprintsView(_AnalysisView):
    """Where our stories were reprinted: site, when, how close, with or without permission."""

    template_name = "monitoring/analysis/reprints.html"
    page_title = _("Reprints of our stories")
    permission_test = staticmethod(can_see_reprints)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ReprintFilterForm(self.request.GET or None)
        reprints = Reprint.objects.select_related("story", "item__source").order_by("-found_at", "-pk")
        if form.is_valid():
            if form.cleaned_data["authorised"]:
                reprints = reprints.filter(authorised=form.cleaned_data["authorised"] == "yes")
            if form.cleaned_data["site"]:
                reprints = reprints.filter(site__icontains=form.cleaned_data["site"].strip())
        context.update(form=form, page=self.page(reprints))
        return context
