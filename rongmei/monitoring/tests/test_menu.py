"""The one 舆情 menu, built from the features' viewsets: same entries, order and addresses as before."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.admin.menu import admin_menu

from rongmei.organisation import roles
from rongmei.testing import make_user

pytestmark = pytest.mark.django_db

ENTRIES = [
    ("Events", "/admin/monitoring/events/"),
    ("Matched items", "/admin/monitoring/matches/"),
    ("Alerts", "/admin/monitoring/alerts/"),
    ("Case board", "/admin/monitoring/cases/"),
    ("Monitoring reports (舆情报告)", "/admin/monitoring/reports/"),
    ("Reprints of our stories", "/admin/monitoring/reprints/"),
    ("Clients", "/admin/snippets/monitoring/client/"),
    ("Watch rules", "/admin/snippets/monitoring/watchrule/"),
    ("Alert rules", "/admin/snippets/monitoring/alertrule/"),
    ("Sources", "/admin/snippets/monitoring/source/"),
    ("Source health", "/admin/monitoring/health/"),
    ("Fetched items", "/admin/snippets/monitoring/monitoreditem/"),
]


def monitoring_entries(rf, user):
    request = rf.get("/admin/")
    request.user = user
    with translation.override("en"):
        groups = [item for item in admin_menu.menu_items_for_request(request) if item.name == "monitoring"]
        if not groups:
            return []
        return [(str(item.label), item.url) for item in groups[0].menu.menu_items_for_request(request)]


def test_an_analyst_sees_every_entry_in_the_order_of_the_day(rf, newsroom):
    assert monitoring_entries(rf, make_user("analyst", roles.ANALYST)) == ENTRIES


def test_someone_without_monitoring_rights_sees_no_monitoring_menu(rf, newsroom):
    assert monitoring_entries(rf, newsroom.reporter) == []


def test_the_screens_keep_their_addresses():
    assert [
        reverse("monitoring_sources:import"),
        reverse("monitoring_sources:fetch", args=[3]),
        reverse("monitoring_matches:rule_trial"),
        reverse("monitoring_events:detail", args=[3]),
        reverse("monitoring_alerts:retry", args=[3]),
        reverse("monitoring_alerts:notifications_read"),
        reverse("monitoring_cases:open_from_alert", args=[3]),
        reverse("monitoring_cases:case", args=[3]),
        reverse("monitoring_reports:pdf", args=[3]),
        reverse("monitoring_reports:email", args=[3]),
    ] == [
        "/admin/monitoring/sources/import/",
        "/admin/monitoring/sources/3/fetch/",
        "/admin/monitoring/rules/try/",
        "/admin/monitoring/events/3/",
        "/admin/monitoring/alerts/deliveries/3/retry/",
        "/admin/monitoring/notifications/read/",
        "/admin/monitoring/alerts/3/case/",
        "/admin/monitoring/cases/3/",
        "/admin/monitoring/reports/3/pdf/",
        "/admin/monitoring/reports/3/email/",
    ]
