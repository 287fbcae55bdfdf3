"""Admin entries: sources, fetched items (read-only) and the source health view under one 舆情 menu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import views
from .models import MonitoredItem, Source


@hooks.register("register_admin_urls")
def register_monitoring_urls():
    return [path("monitoring/health/", views.SourceHealthView.as_view(), name="monitoring_health")]


class SourceViewSet(SnippetViewSet):
    model = Source
    icon = "site"
    menu_label = _("Sources")
    list_display = [
        "name",
        "kind",
        "category",
        "region",
        "enabled",
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


class MonitoringViewSetGroup(SnippetViewSetGroup):
    items = (SourceViewSet, MonitoredItemViewSet)
    menu_icon = "pick"
    menu_label = _("Monitoring (舆情)")
    menu_name = "monitoring"
    menu_order = 460

    def get_submenu_items(self):
        return [
            *super().get_submenu_items(),
            SourceHealthMenuItem(
                _("Source health"),
                reverse("monitoring_health"),
                name="monitoring-health",
                icon_name="pick",
                order=3,
            ),
        ]


register_snippet(MonitoringViewSetGroup)

# Each part of monitoring registers its own admin hooks in its own module.
from .admin import alerts_hooks, analysis_hooks, cases_hooks, reports_hooks  # noqa: E402,F401
