"""舆情 was rearranged by feature (issue 11): its tasks moved from ``monitoring.tasks*`` into
``monitoring.<feature>.tasks``. A task queued before the upgrade names its task by dotted path
(django_tasks_db's ``task_path``), so rewrite those rows, or the worker could not import them.
The periodic jobs are registered in memory at start-up (``MonitoringConfig.ready()``) and the
scheduler's ticks store only the job's name, so nothing else in the database names a task path."""

from django.db import migrations

TASK_TABLE = "django_tasks_database_dbtaskresult"

NEW_TASK_PATHS = {
    "rongmei.monitoring.tasks.fetch_due_sources": "rongmei.monitoring.sources.tasks.fetch_due_sources",
    "rongmei.monitoring.tasks.fetch_source": "rongmei.monitoring.sources.tasks.fetch_source",
    "rongmei.monitoring.tasks_analysis.analyse_new_items_task": (
        "rongmei.monitoring.analysis.tasks.analyse_new_items_task"
    ),
    "rongmei.monitoring.tasks_alerts.evaluate_alerts_task": "rongmei.monitoring.alerts.tasks.evaluate_alerts_task",
    "rongmei.monitoring.tasks_reports.send_due_reports": "rongmei.monitoring.reports.tasks.send_due_reports",
    "rongmei.monitoring.tasks_reports.generate_report_now": "rongmei.monitoring.reports.tasks.generate_report_now",
}


def rewrite_task_paths(connection, paths: dict) -> int:
    """Rename ``old -> new`` in the task table; nothing when the table is absent (another backend)."""
    if TASK_TABLE not in connection.introspection.table_names():
        return 0
    table = connection.ops.quote_name(TASK_TABLE)
    changed = 0
    with connection.cursor() as cursor:
        for old, new in paths.items():
            cursor.execute(f"UPDATE {table} SET task_path = %s WHERE task_path = %s", [new, old])
            changed += cursor.rowcount
    return changed


def forwards(apps, schema_editor):
    rewrite_task_paths(schema_editor.connection, NEW_TASK_PATHS)


def backwards(apps, schema_editor):
    rewrite_task_paths(schema_editor.connection, {new: old for old, new in NEW_TASK_PATHS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0007_labels_in_chinese"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
