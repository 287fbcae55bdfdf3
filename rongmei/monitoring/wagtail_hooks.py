"""Everything 舆情 adds to the admin: its URLs, the one 舆情 menu and the dashboard panel."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from . import permissions
from .alerts import views as alert_views
from .alerts.viewsets import AlertRuleViewSet
from .analysis import views as analysis_views
from .analysis.viewsets import WatchRuleViewSet
from .cases import views as case_views
from .clients.viewsets import ClientViewSet
from .events import views as event_views
from .reports import views as report_views
from .sources import views as source_views
from .sources.viewsets import MonitoredItemViewSet, SourceViewSet


@hooks.register("register_admin_urls")
def register_monitoring_urls():
    return [
        path("monitoring/health/", source_views.SourceHealthView.as_view(), name="monitoring_health"),
        path(
            "monitoring/sources/import/",
            source_views.SourceImportView.as_view(),
            name="monitoring_source_import",
        ),
        path("monitoring/sources/fetch/", source_views.FetchNowView.as_view(), name="monitoring_fetch_all"),
        path(
            "monitoring/sources/<int:pk>/fetch/",
            source_views.FetchNowView.as_view(),
            name="monitoring_fetch_source",
        ),
        path("monitoring/matches/", analysis_views.MatchedItemsView.as_view(), name="monitoring_matches"),
        path("monitoring/rules/try/", analysis_views.RuleTrialView.as_view(), name="monitoring_rule_trial"),
        path("monitoring/events/", event_views.EventsView.as_view(), name="monitoring_events"),
        path("monitoring/events/<int:pk>/", event_views.EventDetailView.as_view(), name="monitoring_event"),
        path("monitoring/reprints/", event_views.ReprintsView.as_view(), name="monitoring_reprints"),
        path("monitoring/alerts/", alert_views.AlertsView.as_view(), name="monitoring_alerts"),
        path(
            "monitoring/alerts/deliveries/<int:pk>/retry/",
            alert_views.RetryDeliveryView.as_view(),
            name="monitoring_alert_retry",
        ),
        path(
            "monitoring/notifications/read/",
            alert_views.MarkNotificationsReadView.as_view(),
            name="monitoring_notifications_read",
        ),
        path(
            "monitoring/alerts/<int:pk>/case/",
            case_views.OpenCaseView.as_view(),
            name="monitoring_alert_case",
        ),
        path("monitoring/cases/", case_views.CaseBoardView.as_view(), name="monitoring_cases"),
        path("monitoring/cases/<int:pk>/", case_views.CaseView.as_view(), name="monitoring_case"),
        path("monitoring/reports/", report_views.ReportsView.as_view(), name="monitoring_reports"),
        path("monitoring/reports/<int:pk>/", report_views.report_html, name="monitoring_report_html"),
        path("monitoring/reports/<int:pk>/pdf/", report_views.report_pdf, name="monitoring_report_pdf"),
        path(
            "monitoring/reports/<int:pk>/email/",
            report_views.EmailReportView.as_view(),
            name="monitoring_report_email",
        ),
    ]


@hooks.register("construct_homepage_panels")
def add_notifications_panel(request, panels):
    panels.append(alert_views.NotificationsPanel())


class ShownToMenuItem(MenuItem):
    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)


class MonitoringViewSetGroup(SnippetViewSetGroup):
    """One 舆情 menu, in the order an analyst's day goes: what is happening, what to do about it,
    what to send the client, then the set-up (clients, rules, sources)."""

    items = (ClientViewSet, WatchRuleViewSet, AlertRuleViewSet, SourceViewSet, MonitoredItemViewSet)
    menu_icon = "pick"
    menu_label = _("Monitoring (舆情)")
    menu_name = "monitoring"
    menu_order = 460

    def get_submenu_items(self):
        clients, rules, alert_rules, sources, items = (
            viewset.get_menu_item(order=order)
            for order, viewset in zip((20, 21, 22, 30, 32), self.registerables, strict=True)
        )
        entry = ShownToMenuItem
        return [
            entry(
                _("Events"),
                reverse("monitoring_events"),
                name="monitoring-events",
                icon_name="pick",
                order=1,
                shown_to=permissions.can_see_events,
            ),
            entry(
                _("Matched items"),
                reverse("monitoring_matches"),
                name="monitoring-matches",
                icon_name="search",
                order=2,
                shown_to=permissions.can_see_matches,
            ),
            entry(
                _("Alerts"),
                reverse("monitoring_alerts"),
                name="monitoring-alert-list",
                icon_name="warning",
                order=3,
                shown_to=permissions.can_see_alerts,
            ),
            entry(
                _("Case board"),
                reverse("monitoring_cases"),
                name="monitoring-cases",
                icon_name="tasks",
                order=4,
                shown_to=permissions.can_see_cases,
            ),
            entry(
                _("Monitoring reports (舆情报告)"),
                reverse("monitoring_reports"),
                name="monitoring-reports",
                icon_name="doc-full",
                order=5,
                shown_to=permissions.can_see_reports,
            ),
            entry(
                _("Reprints of our stories"),
                reverse("monitoring_reprints"),
                name="monitoring-reprints",
                icon_name="doc-full",
                order=6,
                shown_to=permissions.can_see_reprints,
            ),
            clients,
            rules,
            alert_rules,
            sources,
            entry(
                _("Source health"),
                reverse("monitoring_health"),
                name="monitoring-health",
                icon_name="pick",
                order=31,
                shown_to=permissions.can_see_sources,
            ),
            items,
        ]


register_snippet(MonitoringViewSetGroup)
