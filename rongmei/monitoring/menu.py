"""The one 舆情 menu: each feature's viewsets in one group, in the order an analyst's day goes: what is
happening, what to do about it, what to send the client, then the set-up (clients, rules, sources)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .alerts.viewsets import AlertRuleViewSet, AlertsViewSet
from .analysis.viewsets import MatchedItemsViewSet, WatchRuleViewSet
from .cases.viewsets import CasesViewSet
from .clients.viewsets import ClientViewSet
from .events.viewsets import EventsViewSet, ReprintsViewSet
from .reports.viewsets import ReportsViewSet
from .sources.viewsets import MonitoredItemViewSet, SourceHealthViewSet, SourceViewSet


class MonitoringViewSetGroup(SnippetViewSetGroup):
    items = (
        EventsViewSet,
        MatchedItemsViewSet,
        AlertsViewSet,
        CasesViewSet,
        ReportsViewSet,
        ReprintsViewSet,
        ClientViewSet,
        WatchRuleViewSet,
        AlertRuleViewSet,
        SourceViewSet,
        SourceHealthViewSet,
        MonitoredItemViewSet,
    )
    menu_icon = "pick"
    menu_label = _("Monitoring (舆情)")
    menu_name = "monitoring"
    menu_order = 460
