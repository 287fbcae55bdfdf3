"""Periodic jobs: a clock that enqueues django_tasks tasks; the task worker runs them.

This is not a queue: it only decides *when* to enqueue. Every minute-slot is claimed through a
unique row (SchedulerTick), so several scheduler processes on one database enqueue each job once.
Each app names its own jobs with `register_periodic_job()` from its `AppConfig.ready()`.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every_minutes: int = 1


_JOBS: dict[str, PeriodicJob] = {}


def register_periodic_job(name: str, task_path: str, *, every_minutes: int = 1) -> PeriodicJob:
    """Let the scheduler enqueue ``task_path`` (a django_tasks task) every ``every_minutes``.

    Each app registers its own jobs from its ``AppConfig.ready()``; registering a name again
    replaces it (ready() may run twice in tests), so core never names another app's tasks.
    """
    if every_minutes < 1 or 1440 % every_minutes:
        raise ValueError(f"{name}: every_minutes must divide a day, not {every_minutes}")
    job = PeriodicJob(name, task_path, every_minutes)
    _JOBS[name] = job
    return job


def registered_jobs() -> tuple[PeriodicJob, ...]:
    return tuple(_JOBS.values())


def register_core_jobs() -> None:
    register_periodic_job("publish_scheduled", "rongmei.core.tasks.publish_scheduled_pages")
    register_periodic_job("worker_heartbeat", "rongmei.core.tasks.worker_heartbeat")
    register_periodic_job("outbox_retry_due", "rongmei.core.tasks.outbox_retry_due")


def slot_for(job: PeriodicJob, now: datetime) -> datetime:
    minute_of_day = now.hour * 60 + now.minute
    start = minute_of_day - minute_of_day % job.every_minutes
    return now.replace(hour=start // 60, minute=start % 60, second=0, microsecond=0)


def run_due_jobs(now: datetime | None = None, jobs=None) -> list[str]:
    """Enqueue every registered job whose current slot nobody has claimed yet; return the names enqueued."""
    from .models import SchedulerTick

    now = now or timezone.now()
    jobs = registered_jobs() if jobs is None else jobs
    enqueued = []
    for job in jobs:
        slot = slot_for(job, now)
        try:
            with transaction.atomic():
                tick = SchedulerTick.objects.create(job=job.name, slot=slot)
                result = import_string(job.task_path).enqueue()
                tick.task_result_id = str(result.id)
                tick.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another scheduler claimed this slot
        enqueued.append(job.name)
    # Keep a day of ticks: enough to see what ran, small enough never to matter.
    SchedulerTick.objects.filter(slot__lt=now - timedelta(days=1)).delete()
    return enqueued
