"""Admin screens of the 舆情预警: the alerts list, retrying a failed delivery, the dashboard panel of
the reader's unread notifications and marking them read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..cases.services import OPEN_STATES
from ..models import Alert, AlertDelivery, Case, Client
from ..permissions import can_open_cases, can_retry_deliveries, can_see_alerts
from . import services as alerts


def _back(request, default: str) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return default


def _int(value):
    """A database id from a query parameter, else None (a number past 64 bits is no id either)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


class AlertsView(WagtailAdminTemplateMixin, TemplateView):
    """Alerts, newest first: client, time, title, suppressed repeats, each channel's delivery state."""

    template_name = "monitoring/alerts/index.html"
    page_title = _("Alerts (舆情预警)")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_alerts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        client_id = _int(self.request.GET.get("client"))
        highlight = _int(self.request.GET.get("alert"))
        qs = (
            Alert.objects.select_related("client", "rule", "event", "item")
            .prefetch_related(
                Prefetch(
                    "deliveries",
                    queryset=AlertDelivery.objects.select_related("outbox_message").order_by("channel", "pk"),
                ),
                Prefetch("cases", queryset=Case.objects.order_by("-created_at")),
            )
            .order_by("-created_at", "-pk")
        )
        if client_id:
            qs = qs.filter(client_id=client_id)
        page = Paginator(qs, 50).get_page(self.request.GET.get("p"))
        for alert in page.object_list:
            alert.open_case = next((c for c in alert.cases.all() if c.state in OPEN_STATES), None)
        user = self.request.user
        context.update(
            page=page,
            clients=Client.objects.order_by("name"),
            client_id=client_id,
            highlight=highlight,
            can_open_case=can_open_cases(user),
            can_retry=can_retry_deliveries(user),
            max_attempts=alerts.MAX_ATTEMPTS,
        )
        return context


class RetryDeliveryView(View):
    """Try a failed delivery again now (after fixing a bot's address or secret)."""

    def post(self, request, pk):
        if not can_retry_deliveries(request.user):
            raise PermissionDenied
        delivery = get_object_or_404(AlertDelivery.objects.select_related("alert", "outbox_message"), pk=pk)
        try:
            alerts.retry_now(delivery, acting_user=request.user)
        except alerts.AlertError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The %(channel)s message of “%(alert)s” will be sent again now.")
                % {"channel": delivery.get_channel_display(), "alert": delivery.alert.title},
            )
        return redirect(_back(request, reverse("monitoring_alerts:index")))


class MarkNotificationsReadView(View):
    """Mark one of the reader's notifications read (``notification``), or all of them."""

    def post(self, request):
        notification_id = _int(request.POST.get("notification"))
        alerts.mark_read(request.user, [notification_id] if notification_id else None)
        return redirect(_back(request, reverse("wagtailadmin_home")))


class NotificationsPanel(Component):
    """The dashboard panel: the reader's unread alert notifications, newest first."""

    name = "monitoring_notifications"
    template_name = "monitoring/alerts/notifications_panel.html"
    order = 50
    LIMIT = 10

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        unread = alerts.unread_notifications(request.user)
        return {
            "notifications": list(unread[: self.LIMIT]),
            "unread_count": unread.count(),
            "request": request,
            "csrf_token": parent_context["csrf_token"],
        }
