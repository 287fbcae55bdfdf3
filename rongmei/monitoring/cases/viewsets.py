"""The case board, the case page and opening a case from an alert: their URLs and 舆情 menu entry."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..permissions import can_see_cases
from ..views import MonitoringViewSet
from . import views


class CasesViewSet(MonitoringViewSet):
    name = "monitoring_cases"
    menu_label = _("Case board")
    menu_name = "monitoring-cases"
    icon = "tasks"
    shown_to = staticmethod(can_see_cases)

    def get_urlpatterns(self):
        return [
            path("cases/", views.CaseBoardView.as_view(), name="index"),
            path("cases/<int:pk>/", views.CaseView.as_view(), name="case"),
            path("alerts/<int:pk>/case/", views.OpenCaseView.as_view(), name="open_from_alert"),
        ]
