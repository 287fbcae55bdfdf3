"""Wagtail admin addresses answered by the newsroom's narrowed views (see ``admin_views.py``).

Included in ``rongmei/urls.py`` just before Wagtail's admin, so the same paths (and Wagtail's URL
names, which still resolve to these paths) reach the narrowed views. Wagtail's own admin checks
apply as on its URLs: admin access required, nothing cached.
"""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from .admin_views import (
    VisibleChooserBrowseView,
    VisiblePageSearchView,
    VisiblePageTypesUsageView,
    VisibleSiteHistoryView,
)

urlpatterns = [
    path("pages/search/", VisiblePageSearchView.as_view()),
    path("pages/search/results/", VisiblePageSearchView.as_view(results_only=True)),
    path("choose-page/<int:parent_page_id>/", VisibleChooserBrowseView.as_view()),
    path("reports/site-history/", VisibleSiteHistoryView.as_view()),
    path("reports/site-history/results/", VisibleSiteHistoryView.as_view(results_only=True)),
    path("reports/page-types-usage/", VisiblePageTypesUsageView.as_view()),
    path("reports/page-types-usage/results/", VisiblePageTypesUsageView.as_view(results_only=True)),
]
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)
