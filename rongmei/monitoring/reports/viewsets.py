"""The reports screens (list and generate, the HTML, the PDF, e-mail it): URLs and 舆情 menu entry."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..permissions import can_see_reports
from ..views import MonitoringViewSet
from . import views


class ReportsViewSet(MonitoringViewSet):
    name = "monitoring_reports"
    menu_label = _("Monitoring reports (舆情报告)")
    menu_name = "monitoring-reports"
    icon = "doc-full"
    shown_to = staticmethod(can_see_reports)

    def get_urlpatterns(self):
        return [
            path("reports/", views.ReportsView.as_view(), name="index"),
            path("reports/<int:pk>/", views.report_html, name="html"),
            path("reports/<int:pk>/pdf/", views.report_pdf, name="pdf"),
            path("reports/<int:pk>/email/", views.EmailReportView.as_view(), name="email"),
        ]
