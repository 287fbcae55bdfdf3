"""What every 舆情 admin screen shares: the permission test, the breadcrumbs, pagination, and the
viewset that gives a feature's screens their URLs and menu entry."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

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


class MonitoringViewSet(ViewSet):
    """The screens of one 舆情 feature: their URLs under admin/monitoring/ (``<url_namespace>:<name>``)
    and their entry in the 舆情 menu, shown to whom ``shown_to(user)`` allows."""

    url_prefix = "monitoring"

    @staticmethod
    def shown_to(user) -> bool:
        raise NotImplementedError

    @cached_property
    def menu_item_class(self):
        shown_to = self.shown_to
        return type(
            f"{type(self).__name__}MenuItem",
            (MenuItem,),
            {"is_shown": lambda item, request: shown_to(request.user)},
        )
