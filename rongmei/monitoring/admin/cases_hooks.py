"""Admin hooks for monitoring cases (imported by wagtail_hooks.py): open a case from an alert, the
case board and the case page. The menu entry sits in the alerts menu (alerts_hooks)."""

from django.urls import path
from wagtail import hooks

from .. import views_cases


@hooks.register("register_admin_urls")
def register_case_urls():
    return [
        path(
            "monitoring/alerts/<int:pk>/case/",
            views_cases.OpenCaseView.as_view(),
            name="monitoring_alert_case",
        ),
        path("monitoring/cases/", views_cases.CaseBoardView.as_view(), name="monitoring_cases"),
        path("monitoring/cases/<int:pk>/", views_cases.CaseView.as_view(), name="monitoring_case"),
    ]
