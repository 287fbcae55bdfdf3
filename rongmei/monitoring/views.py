"""What the 舆情 admin screens add to core's (``rongmei.core.admin_views``): the breadcrumbs through
the list a detail page belongs to, a detail page's row found once the right is checked, the client
filter of a list, a POST act refused before its object is looked up, and the viewset that gives a
feature's screens their URLs and menu entry."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from rongmei.core.admin_views import ActView, AdminPage

from .models import Client


def id_param(value):
    """A database id from a query or form parameter, else None (a number past 64 bits is no id either)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


class MonitoringPage(AdminPage):
    """A 舆情 admin screen: ``may_see(user)`` as core's (each screen names its right); ``parent``
    (URL name, label) is the list a detail page belongs to, for the breadcrumbs; ``load_object``
    finds a detail page's row."""

    header_icon = "pick"
    parent = None

    def may_see(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        # Core's setup has asked the right: a person without it learns nothing of which rows exist.
        self.load_object(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_object(self, **kwargs) -> None:
        """A detail page looks up its row here, once the right is checked."""

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if self.parent:
            url_name, label = self.parent
            items.insert(-1, {"url": reverse(url_name), "label": label})
        return items


class ClientListView(MonitoringPage):
    """A list of all clients' rows or one client's (``?client=<id>``), with the client choice."""

    @cached_property
    def client_id(self):
        # Not core's choice_of: an unknown client shows an empty list, not every client's rows.
        return id_param(self.request.GET.get("client"))

    def for_client(self, queryset):
        return queryset.filter(client_id=self.client_id) if self.client_id else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            client_id=self.client_id,
            client_choices=list(Client.objects.order_by("name").values_list("pk", "name")),
        )
        return context


class MonitoringAct(ActView):
    """Core's POST-only act, with ``may_act(user)`` asked before the object is looked up (as the
    pages ask theirs); the service checks again."""

    def may_act(self, user) -> bool:
        raise NotImplementedError

    def post(self, request, **kwargs):
        if not self.may_act(request.user):
            raise PermissionDenied
        return super().post(request, **kwargs)


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
