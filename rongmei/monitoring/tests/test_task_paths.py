"""Tasks queued before 舆情 was arranged by feature still run: migration 0008 renames their paths."""

import importlib

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from rongmei.core.scheduler import registered_jobs

migration = importlib.import_module("rongmei.monitoring.migrations.0008_task_paths_by_feature")

pytestmark = pytest.mark.django_db


def queued(task_path):
    return DBTaskResult.objects.create(
        task_path=task_path,
        args_kwargs={"args": [3], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )


def test_queued_tasks_with_old_paths_get_the_new_ones():
    old = {path: queued(path) for path in migration.NEW_TASK_PATHS}
    unrelated = queued("rongmei.core.tasks.worker_heartbeat")

    assert migration.rewrite_task_paths(connection, migration.NEW_TASK_PATHS) == len(old)

    for old_path, row in old.items():
        row.refresh_from_db()
        assert row.task_path == migration.NEW_TASK_PATHS[old_path]
        assert isinstance(import_string(row.task_path), Task)  # the worker can import it again
    unrelated.refresh_from_db()
    assert unrelated.task_path == "rongmei.core.tasks.worker_heartbeat"


def test_every_new_path_is_a_task_and_the_periodic_jobs_use_them():
    for new_path in migration.NEW_TASK_PATHS.values():
        assert isinstance(import_string(new_path), Task), new_path
    monitoring_jobs = {job.task_path for job in registered_jobs() if job.name.startswith("monitoring_")}
    assert monitoring_jobs and monitoring_jobs <= set(migration.NEW_TASK_PATHS.values())


def test_without_the_task_table_the_migration_does_nothing(monkeypatch):
    monkeypatch.setattr(migration, "TASK_TABLE", "no_such_table")
    assert migration.rewrite_task_paths(connection, migration.NEW_TASK_PATHS) == 0
