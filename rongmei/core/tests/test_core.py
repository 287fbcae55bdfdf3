from datetime import UTC, datetime

import pytest

from rongmei.core.models import SchedulerTick
from rongmei.core.scheduler import registered_jobs, run_due_jobs


@pytest.mark.django_db
def test_healthz_names_database_cache_and_worker(client, settings):
    settings.HEALTHZ_TOKEN = "monitor"  # the details are for monitoring and staff only
    response = client.get("/healthz", headers={"X-Healthz-Token": "monitor"})
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert body["cache"]["ok"] is True
    assert body["worker"]["state"] in {"never-seen", "stale", "running"}


@pytest.mark.django_db
def test_each_slot_is_enqueued_once_even_with_two_schedulers():
    now = datetime(2026, 11, 26, 8, 30, 15, tzinfo=UTC)
    first = run_due_jobs(now=now)
    second = run_due_jobs(now=now.replace(second=45))  # a second scheduler, same minute
    assert sorted(first) == sorted(job.name for job in registered_jobs())
    assert second == []
    assert SchedulerTick.objects.count() == len(registered_jobs())
    assert run_due_jobs(now=now.replace(minute=31)) != []


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_running_after_a_worker_ran_the_heartbeat(client):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    client.force_login(User.objects.create_user("ops", is_staff=True))

    from rongmei.core.tasks import worker_heartbeat

    assert client.get("/healthz").json()["worker"]["state"] == "never-seen"
    result = worker_heartbeat.using(backend="database").enqueue()
    assert client.get("/healthz").json()["worker"]["tasks_waiting"] == 1
    call_command("db_worker", "--backend", "database", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    body = client.get("/healthz").json()
    assert body["worker"]["state"] == "running"
    assert body["worker"]["tasks_waiting"] == 0
