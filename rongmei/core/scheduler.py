"""Periodic jobs: a clock that enqueues django_tasks tasks; the task worker runs them.

This is not a queue: it only decides *when* to enqueue. Every minute-slot is claimed through a
unique row (SchedulerTick), so several scheduler processes on one database enqueue each job once.
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


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("publish_scheduled", "rongmei.core.tasks.publish_scheduled_pages"),
    PeriodicJob("worker_heartbeat", "rongmei.core.tasks.worker_heartbeat"),
    PeriodicJob("monitoring_fetch_due_sources", "rongmei.monitoring.tasks.fetch_due_sources"),
    PeriodicJob("monitoring_alerts", "rongmei.monitoring.tasks_alerts.evaluate_alerts_task"),
    PeriodicJob("monitoring_analyse", "rongmei.monitoring.tasks_analysis.analyse_new_items_task"),
    PeriodicJob("monitoring_reports", "rongmei.monitoring.tasks_reports.send_due_reports", every_minutes=60),
)


def slot_for(job: PeriodicJob, now: datetime) -> datetime:
    minute_of_day = now.hour * 60 + now.minute
    start = minute_of_day - minute_of_day % job.every_minutes
    return now.replace(hour=start // 60, minute=start % 60, second=0, microsecond=0)


def run_due_jobs(now: datetime | None = None, jobs=JOBS) -> list[str]:
    """Enqueue every job whose current slot nobody has claimed yet; return the names enqueued."""
    from .models import SchedulerTick

    now = now or timezone.now()
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
