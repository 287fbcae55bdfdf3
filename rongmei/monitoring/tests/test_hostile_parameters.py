"""Every query parameter the 舆情 admin screens read, with hostile values: never a 500."""

import pytest
from django.urls import reverse

from rongmei.monitoring.models import Client, Report
from rongmei.testing import login
from rongmei.website.tests.hostile import HOSTILE_VALUES

pytestmark = pytest.mark.django_db

SCREENS = {
    "monitoring_matches:index": ["client", "sentiment", "date_from", "date_to", "p"],
    "monitoring_matches:rule_trial": ["days", "expression"],
    "monitoring_events:index": ["window", "spiking", "p"],
    "monitoring_reprints:index": ["authorised", "site", "p"],
    "monitoring_alerts:index": ["client", "alert", "p"],
    "monitoring_cases:index": ["client", "owner"],
    "monitoring_reports:index": ["client", "p"],
    "monitoring_sources:health": ["p"],
}


@pytest.fixture
def staff(client, newsroom):
    login(client, newsroom.admin)
    client.raise_request_exception = False
    return client


def test_hostile_query_values_never_give_a_server_error(staff):
    failures = []
    for name, parameters in SCREENS.items():
        url = reverse(name)
        for parameter in parameters:
            for value in HOSTILE_VALUES:
                params = {parameter: value}
                if name == "monitoring_matches:rule_trial" and parameter == "days":
                    params["expression"] = "淄博"
                status = staff.get(url, params).status_code
                if status >= 500:
                    failures.append((name, parameter, value[:30], status))
    assert failures == []


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_far_off_match_dates_are_refused_with_a_message(staff, value):
    for parameter in ("date_from", "date_to"):
        response = staff.get(reverse("monitoring_matches:index"), {parameter: value})
        assert response.status_code == 200
        assert parameter in response.context["form"].errors


def test_report_day_with_hostile_values_never_gives_a_server_error(staff):
    client_ = Client.objects.create(name="淄博市生态环境局")
    failures = []
    for period in (Report.Period.DAILY, Report.Period.WEEKLY):
        for value in [*HOSTILE_VALUES, "0001-01-01", "0001/01/01", "00010101", "1900-01-01"]:
            data = {"client": client_.pk, "period": period, "day": value}
            status = staff.post(reverse("monitoring_reports:index"), data).status_code
            if status >= 500:
                failures.append((period, value[:30], status))
    assert failures == []
