"""What every 舆情 admin screen shares: the permission test, the breadcrumbs, pagination."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

PER_PAGE = 50


class MonitoringView(WagtailAdminTemplateMixin, TemplateView):
    """A read-only 舆情 screen; ``permission_test(user)`` says who may open it."""

    header_icon = "pick"

    @staticmethod
    def permission_test(user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_test(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def page(self, queryset):
        return Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("p"))
