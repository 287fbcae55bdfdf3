"""Admin entries: sources, fetched items (read-only) and the source health view under one 舆情 menu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from rongmei.core.admin_columns import yes_no

from . import views
from .models import MonitoredItem, Source


@hooks.register("register_admin_urls")
def register_monitoring_urls():
    return [
        path("monitoring/health/", views.SourceHealthView.as_view(), name="monitoring_health"),
        path("monitoring/sources/import/", views.SourceImportView.as_view(), name="monitoring_source_import"),
        path("monitoring/sources/fetch/", views.FetchNowView.as_view(), name="monitoring_fetch_all"),
        path("monitoring/sources/<int:pk>/fetch/", views.FetchNowView.as_view(), name="monitoring_fetch_source"),
    ]


class SourceIndexView(IndexView):
    """The sources list, with “Import sources” beside “Add” (many sources at once, or an OPML file)."""

    @property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("monitoring.add_source"):
            buttons.append(
                HeaderButton(_("Import sources"), url=reverse("monitoring_source_import"), icon_name="upload")
            )
        return buttons


class SourceViewSet(SnippetViewSet):
    model = Source
    index_view_class = SourceIndexView
    icon = "site"
    menu_label = _("Sources")
    list_display = [
        "name",
        "kind",
        "category",
        "region",
        yes_no(Source, "enabled"),
        "last_success_at",
        "consecutive_failures",
    ]
    list_filter = ["kind", "category", "enabled", "authorised_to_reprint"]
    search_fields = ["name", "url"]
    list_export = ["name", "kind", "url", "category", "region", "fetch_interval_minutes", "enabled"]


class FetchedOnlyPolicy(ModelPermissionPolicy):
    """Items come from fetching only: people may look at them, not add or edit them."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "lock", "unlock", "publish"):
            return False
        return super().user_has_permission(user, action)


class MonitoredItemViewSet(SnippetViewSet):
    model = MonitoredItem
    icon = "doc-full"
    menu_label = _("Fetched items")
    inspect_view_enabled = True
    list_display = ["title", "source", "published_at", "fetched_at"]
    list_filter = ["source"]
    search_fields = ["title", "url"]
    inspect_view_fields = [
        "title",
        "url",
        "source",
        "author",
        "published_at",
        "fetched_at",
        "raw_encoding",
        "extraction",
        "body",
    ]

    @property
    def permission_policy(self):
        return FetchedOnlyPolicy(self.model)


class SourceHealthMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_see_sources(request.user)


# Each part of monitoring keeps its views, snippets and URLs in its own module under admin/.
from .admin import alerts_hooks, analysis_hooks, cases_hooks, reports_hooks  # noqa: E402,F401
from .admin.alerts_hooks import AlertRuleViewSet, AlertsMenuItem, CaseBoardMenuItem  # noqa: E402
from .admin.analysis_hooks import AnalysisMenuItem, ClientViewSet, WatchRuleViewSet  # noqa: E402
from .admin.reports_hooks import ReportsMenuItem  # noqa: E402
from .views_analysis import can_see_events, can_see_matches, can_see_reprints  # noqa: E402


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
        return [
            AnalysisMenuItem(
                _("Events"), reverse("monitoring_events"), name="monitoring-events",
                icon_name="pick", order=1, shown_to=can_see_events,
            ),
            AnalysisMenuItem(
                _("Matched items"), reverse("monitoring_matches"), name="monitoring-matches",
                icon_name="search", order=2, shown_to=can_see_matches,
            ),
            AlertsMenuItem(
                _("Alerts"), reverse("monitoring_alerts"), name="monitoring-alert-list",
                icon_name="warning", order=3,
            ),
            CaseBoardMenuItem(
                _("Case board"), reverse("monitoring_cases"), name="monitoring-cases",
                icon_name="tasks", order=4,
            ),
            ReportsMenuItem(
                _("Monitoring reports (舆情报告)"), reverse("monitoring_reports"), name="monitoring-reports",
                icon_name="doc-full", order=5,
            ),
            AnalysisMenuItem(
                _("Reprints of our stories"), reverse("monitoring_reprints"), name="monitoring-reprints",
                icon_name="doc-full", order=6, shown_to=can_see_reprints,
            ),
            clients,
            rules,
            alert_rules,
            sources,
            SourceHealthMenuItem(
                _("Source health"), reverse("monitoring_health"), name="monitoring-health",
                icon_name="pick", order=31,
            ),
            items,
        ]


register_snippet(MonitoringViewSetGroup)
