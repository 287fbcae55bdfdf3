import pytest

from rongmei.planning.demo import load_planning_demo
from rongmei.planning.models import Assignment, PlannedEvent, Topic

pytestmark = pytest.mark.django_db


def test_the_demo_week(newsroom):
    summary = load_planning_demo()
    assert summary.startswith("planning demo:")
    states = set(Topic.objects.values_list("state", flat=True))
    assert {"proposed", "approved", "in_progress", "changes_requested", "declined"} <= states
    overdue = list(Assignment.objects.overdue())
    assert [a.assignee.username for a in overdue] == ["reporter"]
    assert PlannedEvent.objects.count() == 5
    assert Topic.objects.exclude(event=None).exists()
    assert load_planning_demo() == "planning demo already loaded"


def test_the_demo_skips_without_its_users(db):
    assert "skipped" in load_planning_demo()
    assert not Topic.objects.exists()
