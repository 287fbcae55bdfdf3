"""ReviewEvent.data: what each kind of review event needs (review/events.py).

Existing rows get theirs back from the Wagtail audit-log entry each one was written with (its data
names the event's id and holds the go-live time, the findings passed over, the corrections, the
reason), the entry's revision, and, for a 突发 publication, its ``EmergencyPublication`` row. A row
whose log entry is gone (a log purged by hand) keeps only what its own columns say: the revision of
its review step, if it has one.
"""

from django.db import migrations, models

# The keys events.py writes, as the log entries have them.
DATA_KEYS = ("go_live_at", "findings", "emergency", "corrections", "reason")


def backfill_event_data(apps, schema_editor):
    ReviewEvent = apps.get_model("review", "ReviewEvent")
    PageLogEntry = apps.get_model("wagtailcore", "PageLogEntry")
    EmergencyPublication = apps.get_model("review", "EmergencyPublication")

    logged = {}
    entries = PageLogEntry.objects.filter(action__startswith="rongmei.").only("data", "revision_id")
    for entry in entries.iterator(chunk_size=2000):
        data = entry.data if isinstance(entry.data, dict) else {}
        event_id = data.get("review_event_id")
        if event_id is not None:
            logged[int(event_id)] = (data, entry.revision_id)

    changed = []
    events = ReviewEvent.objects.select_related("task_state").only("decision", "data", "task_state__revision_id")
    for event in events.iterator(chunk_size=2000):
        data = dict(event.data or {})
        log_data, revision_id = logged.get(event.pk, ({}, None))
        if revision_id is None and event.task_state is not None:
            revision_id = event.task_state.revision_id
        if revision_id is not None:
            data.setdefault("revision_id", revision_id)
        for key in DATA_KEYS:
            if key in log_data and key not in data:
                data[key] = log_data[key]
        if event.decision == "override" and revision_id is not None:
            emergency = EmergencyPublication.objects.filter(revision_id=revision_id).first()
            if emergency is not None:
                data.setdefault("emergency_publication_id", emergency.pk)
                data.setdefault("review_stage", emergency.review_stage)
                data.setdefault("findings", list(emergency.overridden_findings))
        if data != (event.data or {}):
            event.data = data
            changed.append(event)
    ReviewEvent.objects.bulk_update(changed, ["data"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0005_remove_wagtail_default_groups_and_workflow"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewevent",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
        migrations.RunPython(backfill_event_data, migrations.RunPython.noop, elidable=True),
    ]
