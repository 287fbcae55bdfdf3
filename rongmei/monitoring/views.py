"""What every 舆情 admin screen shares: the permission test, the breadcrumbs, pagination, and the
viewset that gives a feature's screens their URLs and menu entry."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from .models import Client

PER_PAGE = 50


def id_param(value):
    """A database id from a query or form parameter, else None (a number past 64 bits is no id either)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def back_to(request, default: str) -> str:
    """Where a posted form returns: its ``next`` when that is on this site, else ``default``."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return default


class MonitoringScreen(WagtailAdminTemplateMixin):
    """A 舆情 admin screen: ``permission_test(user)`` says who may open it; ``parent`` (URL name,
    label) is the list a detail page belongs to, for the breadcrumbs."""

    header_icon = "pick"
    parent = None

    @staticmethod
    def permission_test(user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_test(request.user):
            raise PermissionDenied
        self.load_object(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_object(self, **kwargs) -> None:
        """A detail page looks up its row here, once the permission is checked."""

    def get_breadcrumbs_items(self):
        parent = [{"url": reverse(self.parent[0]), "label": self.parent[1]}] if self.parent else []
        return self.breadcrumbs_items + parent + [{"url": "", "label": self.get_page_title()}]

    def page(self, queryset):
        return Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("p"))


class MonitoringView(MonitoringScreen, TemplateView):
    """A 舆情 screen that shows a page (its forms post to their own views or to ``post``)."""


class ClientListView(MonitoringView):
    """A list of all clients' rows or one client's (``?client=<id>``), with the client choice."""

    @cached_property
    def client_id(self):
        return id_param(self.request.GET.get("client"))

    def for_client(self, queryset):
        return queryset.filter(client_id=self.client_id) if self.client_id else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(client_id=self.client_id, clients=Client.objects.order_by("name"))
        return context


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
