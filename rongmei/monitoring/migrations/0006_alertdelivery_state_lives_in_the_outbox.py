from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_alert_deliveries_into_the_outbox"),
    ]

    operations = [
        migrations.RemoveField(model_name="alertdelivery", name="attempts"),
        migrations.RemoveField(model_name="alertdelivery", name="error"),
        migrations.RemoveField(model_name="alertdelivery", name="next_attempt_at"),
        migrations.RemoveField(model_name="alertdelivery", name="sent_at"),
        migrations.RemoveField(model_name="alertdelivery", name="status"),
    ]
