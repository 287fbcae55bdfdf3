"""Admin screens of the 舆情预警: the alerts list, retrying a failed delivery, the dashboard panel of
the reader's unread notifications and marking them read."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.ui.components import Component

from rongmei.core.admin_views import next_url, page_of

from ..cases.services import OPEN_STATES
from ..models import Alert, AlertDelivery, Case
from ..permissions import can_open_cases, can_retry_deliveries, can_see_alerts
from ..views import ClientListView, MonitoringAct, id_param
from . import services as alerts


class AlertsView(ClientListView):
    """Alerts, newest first: client, time, title, suppressed repeats, each channel's delivery state."""

    template_name = "monitoring/alerts/index.html"
    page_title = _("Alerts (舆情预警)")
    header_icon = "warning"
    may_see = staticmethod(can_see_alerts)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        highlight = id_param(self.request.GET.get("alert"))
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
        page = page_of(self.request, self.for_client(qs))
        for alert in page.object_list:
            alert.open_case = next((c for c in alert.cases.all() if c.state in OPEN_STATES), None)
        user = self.request.user
        context.update(
            page=page,
            highlight=highlight,
            can_open_case=can_open_cases(user),
            can_retry=can_retry_deliveries(user),
            max_attempts=alerts.MAX_ATTEMPTS,
        )
        return context


class RetryDeliveryView(MonitoringAct):
    """Try a failed delivery again now (after fixing a bot's address or secret)."""

    may_act = staticmethod(can_retry_deliveries)
    errors = (alerts.AlertError,)

    def get_object(self, pk):
        return get_object_or_404(AlertDelivery.objects.select_related("alert", "outbox_message"), pk=pk)

    def act(self, delivery):
        alerts.retry_now(delivery, acting_user=self.request.user)
        return _("The %(channel)s message of “%(alert)s” will be sent again now.") % {
            "channel": delivery.get_channel_display(),
            "alert": delivery.alert.title,
        }

    def default_next(self, delivery):
        return reverse("monitoring_alerts:index")


class MarkNotificationsReadView(View):
    """Mark one of the reader's notifications read (``notification``), or all of them."""

    def post(self, request):
        notification_id = id_param(request.POST.get("notification"))
        alerts.mark_read(request.user, [notification_id] if notification_id else None)
        return redirect(next_url(request, reverse("wagtailadmin_home")))


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
