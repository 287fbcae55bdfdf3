"""Admin screens of events and reprints: events by heat, one event's volume and items, the reprints of
our stories."""

from collections import defaultdict
from datetime import timedelta

from django import forms
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from rongmei.core.admin_views import page_of

from ..models import Event, EventVolume, MonitoredItem, Reprint, Source
from ..permissions import can_see_events, can_see_reprints
from ..views import MonitoringPage
from . import charts
from .services import HOUR, hour_of

SPARKLINE_HOURS = 48


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


class EventsView(MonitoringPage):
    """Events by heat: volume over the last 48 hours, spikes, keywords, sources."""

    template_name = "monitoring/events/index.html"
    page_title = _("Events")
    may_see = staticmethod(can_see_events)

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
        page = page_of(self.request, events)
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


class EventDetailView(MonitoringPage):
    """One event: its volume over time and its items, by source."""

    template_name = "monitoring/events/detail.html"
    may_see = staticmethod(can_see_events)
    parent = ("monitoring_events:index", EventsView.page_title)
    MAX_ITEMS = 500

    def load_object(self, pk):
        self.event = get_object_or_404(Event, pk=pk)

    def get_page_title(self):
        return self.event.title

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


class ReprintsView(MonitoringPage):
    """Where our stories were reprinted: site, when, how close, with or without permission."""

    template_name = "monitoring/events/reprints.html"
    page_title = _("Reprints of our stories")
    may_see = staticmethod(can_see_reprints)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ReprintFilterForm(self.request.GET or None)
        reprints = Reprint.objects.select_related("story", "item__source").order_by("-found_at", "-pk")
        if form.is_valid():
            if form.cleaned_data["authorised"]:
                reprints = reprints.filter(authorised=form.cleaned_data["authorised"] == "yes")
            if form.cleaned_data["site"]:
                reprints = reprints.filter(site__icontains=form.cleaned_data["site"].strip())
        context.update(form=form, page=page_of(self.request, reprints))
        return context
