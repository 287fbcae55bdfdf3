"""Read-only figures for the source health view: state, last success and error, items per day."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import MonitoredItem, Source


@dataclass
class SourceHealth:
    source: Source
    per_day: list[int]
    week_total: int
    state: str  # ok, failing, never, disabled

    @property
    def max_per_day(self):
        return max(self.per_day) if self.per_day else 0


def source_health(*, now=None, days=7):
    """Every source with its items per day over the last `days` days (today last); failing first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_list = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    start = timezone.make_aware(datetime.combine(day_list[0], time()))
    counts = defaultdict(dict)
    rows = (
        MonitoredItem.objects.filter(fetched_at__gte=start)
        .annotate(day=TruncDate("fetched_at", tzinfo=timezone.get_current_timezone()))
        .values("source_id", "day")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["source_id"]][row["day"]] = row["n"]
    result = []
    for source in Source.objects.select_related("region").order_by("-consecutive_failures", "name"):
        per_day = [counts[source.pk].get(day, 0) for day in day_list]
        if not source.enabled:
            state = "disabled"
        elif source.consecutive_failures:
            state = "failing"
        elif source.last_success_at is None:
            state = "never"
        else:
            state = "ok"
        result.append(SourceHealth(source, per_day, sum(per_day), state))
    return day_list, result
