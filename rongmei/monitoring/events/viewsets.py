"""The events and reprints screens: their URLs and 舆情 menu entries."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..permissions import can_see_events, can_see_reprints
from ..views import MonitoringViewSet
from . import views


class EventsViewSet(MonitoringViewSet):
    name = "monitoring_events"
    menu_label = _("Events")
    menu_name = "monitoring-events"
    icon = "pick"
    shown_to = staticmethod(can_see_events)

    def get_urlpatterns(self):
        return [
            path("events/", views.EventsView.as_view(), name="index"),
            path("events/<int:pk>/", views.EventDetailView.as_view(), name="detail"),
        ]


class ReprintsViewSet(MonitoringViewSet):
    name = "monitoring_reprints"
    menu_label = _("Reprints of our stories")
    menu_name = "monitoring-reprints"
    icon = "doc-full"
    shown_to = staticmethod(can_see_reprints)

    def get_urlpatterns(self):
        return [path("reprints/", views.ReprintsView.as_view(), name="index")]
