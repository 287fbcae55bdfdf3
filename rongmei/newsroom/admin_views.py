"""Wagtail admin views narrowed by the visibility rule (``visibility.py``) where Wagtail offers no hook.

The explorer, the page chooser and the admin API's explorer filter honour Wagtail's
``construct_*_queryset`` hooks (see ``wagtail_hooks.py``); the page search, the flat listing of a page
type, the admin API's plain listing and the site history report do not, so these subclasses narrow
their querysets and ``admin_urls.py`` puts them at Wagtail's own addresses.
"""

from django.conf import settings
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.views.chooser import BrowseView
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.views.pages.search import SearchView, page_filter_search
from wagtail.admin.views.pages.usage import ContentTypeUseView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page, PageLogEntry
from wagtail.permissions import page_permission_policy

from . import visibility


class VisiblePagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """``/admin/api/main/pages/``: listings, search and detail of the pages the user may see."""

    def get_base_queryset(self):
        return visibility.visible_pages_for(self.request.user, super().get_base_queryset())


class VisiblePageSearchView(SearchView):
    """``/admin/pages/search/``: Wagtail's page search over the pages the user may see.

    Wagtail's ``get_queryset`` starts from ``Page.objects.all()`` without a hook; this is the same
    method with the rule applied to that starting set (so the per-type counts follow it too).
    """

    # Wagtail's page search names no model, and its result header read "共 2 个None": name the
    # type searched for, or pages.
    @property
    def verbose_name(self):
        return self._searched_model()._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return self._searched_model()._meta.verbose_name_plural

    def _searched_model(self):
        content_type = getattr(self, "selected_content_type", None)
        return (content_type.model_class() if content_type else None) or Page

    def get_queryset(self):
        self.all_pages = visibility.visible_pages_for(self.request.user, Page.objects.all())
        if getattr(settings, "WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS", True):
            self.all_pages = self.all_pages.filter(
                pk__in=page_permission_policy.explorable_instances(self.request.user).values_list(
                    "pk", flat=True
                )
            )
        pages = self.all_pages
        if self.show_locale_labels:
            pages = pages.select_related("locale")
        if self.ordering:
            pages = pages.order_by(self.ordering)
        if self.selected_content_type:
            pages = pages.filter(content_type=self.selected_content_type)
        pages = self.annotate_queryset(pages)
        pages, self.all_pages = page_filter_search(self.search_query, pages, self.all_pages, self.ordering)
        if pages.supports_facet:
            from django.contrib.contenttypes.models import ContentType

            self.content_types = [
                (ContentType.objects.get_for_id(content_type_id), count)
                for content_type_id, count in self.all_pages.facet("content_type_id").items()
            ]
        return pages


class VisibleContentTypeUseView(ContentTypeUseView):
    """``/admin/pages/usage/<app>/<model>/``: every page of one type, narrowed by the rule."""

    def get_base_queryset(self):
        return visibility.visible_pages_for(self.request.user, super().get_base_queryset())


def _refuse_hidden_parent(request, parent_page_id):
    # The header and breadcrumbs of a listing below a page show that page's draft title.
    if parent_page_id is not None:
        parent = get_object_or_404(Page, pk=parent_page_id)
        if not visibility.user_can_see(request.user, parent):
            raise Http404


class VisibleExplorableIndexView(ExplorableIndexView):
    """The explorer below a page the user may see (its rows are narrowed by the
    ``construct_explorer_page_queryset`` hook)."""

    def get(self, request, parent_page_id=None):
        _refuse_hidden_parent(request, parent_page_id)
        return super().get(request, parent_page_id)


def newsroom_page_viewsets():
    """A viewset per newsroom page type, so exploring below any newsroom page and the flat
    listing of each type use the narrowed views (Wagtail picks a viewset by the parent's type)."""
    from .models import HomePage, SectionPage, StoryPage, TopicIndexPage, TopicPage

    # model -> the parent types whose explorer it answers (one viewset per parent type)
    parents = {
        HomePage: [HomePage],
        SectionPage: [],
        StoryPage: [SectionPage, StoryPage],
        TopicIndexPage: [],
        TopicPage: [TopicIndexPage, TopicPage],
    }
    return [
        PageViewSet(
            model=model,
            parent_models=parent_models,
            index_view_class=VisibleExplorableIndexView,
            content_type_use_view_class=VisibleContentTypeUseView,
        )
        for model, parent_models in parents.items()
    ]


class VisibleChooserBrowseView(BrowseView):
    """``/admin/choose-page/<id>/``: only below a page the user may see (rows: the chooser hook)."""

    def get(self, request, parent_page_id=None):
        _refuse_hidden_parent(request, parent_page_id)
        return super().get(request, parent_page_id)


class VisibleSiteHistoryView(LogEntriesView):
    """``/admin/reports/site-history/``: without the permission, the history of one's own work only.

    A page's log entries carry its headline at the time and the reviewers' comments, which are not
    public even once the story is live.
    """

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if issubclass(queryset.model, PageLogEntry) and not visibility.sees_others_work(self.request.user):
            readable = visibility.readable_work_for(self.request.user, Page.objects.all())
            queryset = queryset.filter(Q(page_id__in=readable.values("pk")))
        return queryset


class VisiblePageTypesUsageView(PageTypesUsageReportView):
    """``/admin/reports/page-types-usage/``: each type's "last edited page" among the pages the user
    may see (Wagtail picks it among all pages)."""

    def decorate_paginated_queryset(self, page_types):
        page_types = super().decorate_paginated_queryset(page_types)
        user = self.request.user
        if visibility.sees_others_work(user):
            return page_types
        for item in page_types:
            page = item.last_edited_page
            if page is not None and not visibility.user_can_see(user, page):
                item.last_edited_page = (
                    visibility.visible_pages_for(user, Page.objects.filter(content_type_id=item.pk))
                    .order_by(F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk")
                    .specific()
                    .first()
                )
        return page_types


class VisibleBulkActionMixin:
    """Page bulk actions (``/admin/bulk/wagtailcore/page/…/?id=…``) list the pages they would not
    touch by title; pages the user may not see are left out of both lists instead."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        user = self.request.user
        if not visibility.sees_others_work(user):
            objects = [page for page in objects if visibility.user_can_see(user, page)]
            extra["items_with_no_access"] = [
                page for page in extra["items_with_no_access"] if visibility.user_can_see(user, page)
            ]
        return objects, extra


def visible_page_bulk_actions():
    return [
        type(f"Visible{action.__name__}", (VisibleBulkActionMixin, action), {})
        for action in (DeleteBulkAction, MoveBulkAction, PublishBulkAction, UnpublishBulkAction)
    ]
