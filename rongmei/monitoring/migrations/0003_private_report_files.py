"""Clients' reports become private: the field uses the private storage, and the PDFs already made
move out of MEDIA_ROOT (where anyone could fetch them by a guessable name) into PRIVATE_ROOT."""

from django.db import migrations, models

import rongmei.core.storage


def move_report_files(apps, schema_editor):
    from django.core.files.storage import default_storage

    from rongmei.core.storage import move_to_private

    Report = apps.get_model("monitoring", "Report")
    names = list(Report.objects.exclude(pdf="").values_list("pdf", flat=True))
    # Also the files of earlier regenerations that no row names any more: private all the same.
    names += [name for name in _files_under(default_storage, "monitoring") if name not in names]
    for old, new in move_to_private(names).items():
        if new != old:
            Report.objects.filter(pdf=old).update(pdf=new)


def _files_under(storage, folder):
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = [f"{folder}/{name}" for name in files]
    for directory in directories:
        found += _files_under(storage, f"{folder}/{directory}")
    return found


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_analysis_alerts_cases_reports"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="pdf",
            field=models.FileField(
                blank=True, storage=rongmei.core.storage.private_storage, upload_to="monitoring/reports/%Y/%m/"
            ),
        ),
        # Moving back would publish the reports again: the reverse leaves the files where they are.
        migrations.RunPython(move_report_files, migrations.RunPython.noop, elidable=False),
    ]
