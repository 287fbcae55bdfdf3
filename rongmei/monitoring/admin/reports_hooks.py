"""Admin hooks for monitoring reports (imported by wagtail_hooks.py)."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .. import views_reports


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("monitoring/reports/", views_reports.ReportsView.as_view(), name="monitoring_reports"),
        path("monitoring/reports/<int:pk>/", views_reports.report_html, name="monitoring_report_html"),
        path("monitoring/reports/<int:pk>/pdf/", views_reports.report_pdf, name="monitoring_report_pdf"),
        path(
            "monitoring/reports/<int:pk>/email/",
            views_reports.EmailReportView.as_view(),
            name="monitoring_report_email",
        ),
    ]


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return views_reports.can_see_reports(request.user)
