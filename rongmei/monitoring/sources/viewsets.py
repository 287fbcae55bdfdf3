"""Admin of the sources (snippets, with “Import sources” beside “Add”), of the fetched items
(read-only: they come from fetching) and the source health screen with import and “fetch now”."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from rongmei.core.admin_columns import yes_no

from ..models import MonitoredItem, Source
from ..permissions import can_import_sources, can_see_sources
from ..views import MonitoringViewSet
from . import views


class SourceIndexView(IndexView):
    """The sources list, with “Import sources” beside “Add” (many sources at once, or an OPML file)."""

    @property
    def header_buttons(self):
        buttons = super().header_buttons
        if can_import_sources(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Import sources"), url=reverse("monitoring_sources:import"), icon_name="upload"
                )
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


class SourceHealthViewSet(MonitoringViewSet):
    name = "monitoring_sources"
    menu_label = _("Source health")
    menu_name = "monitoring-health"
    icon = "pick"
    shown_to = staticmethod(can_see_sources)

    def get_urlpatterns(self):
        return [
            path("health/", views.SourceHealthView.as_view(), name="health"),
            path("sources/import/", views.SourceImportView.as_view(), name="import"),
            path("sources/fetch/", views.FetchAllNowView.as_view(), name="fetch_all"),
            path("sources/<int:pk>/fetch/", views.FetchSourceNowView.as_view(), name="fetch"),
        ]
