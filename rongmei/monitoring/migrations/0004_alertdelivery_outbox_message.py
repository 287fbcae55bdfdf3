import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outbox"),
        ("monitoring", "0003_private_report_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="alertdelivery",
            name="outbox_message",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="alert_delivery",
                to="core.outboxmessage",
            ),
        ),
    ]
