"""Every model of 舆情, gathered from its feature so the app label, table names and migrations stay
those of the one ``monitoring`` app. Each feature's models live in ``<feature>/models.py``."""

from ..sources.models import HostThrottle, MonitoredItem, RobotsCache, Source  # isort: skip
from ..clients.models import Client  # isort: skip
from ..events.models import Event, EventVolume, Reprint  # isort: skip
from ..analysis.models import ItemAnalysis, ItemGroup, RuleMatch, WatchRule  # isort: skip
from ..alerts.models import Alert, AlertDelivery, AlertRule, Notification  # isort: skip
from ..cases.models import Case, CaseEntry  # isort: skip
from ..reports.models import Report  # isort: skip

__all__ = [
    "Alert",
    "AlertDelivery",
    "AlertRule",
    "Case",
    "CaseEntry",
    "Client",
    "Event",
    "EventVolume",
    "HostThrottle",
    "ItemAnalysis",
    "ItemGroup",
    "MonitoredItem",
    "Notification",
    "Report",
    "Reprint",
    "RobotsCache",
    "RuleMatch",
    "Source",
    "WatchRule",
]
