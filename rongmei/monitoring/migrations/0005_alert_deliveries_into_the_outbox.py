"""Existing alert deliveries move into the core outbox: a pending one stays pending (and is sent by
the next sweep), a failed one keeps its error, attempts and next try, a sent one stays sent."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    AlertDelivery = apps.get_model("monitoring", "AlertDelivery")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = AlertDelivery.objects.exclude(channel="in_app").filter(outbox_message__isnull=True)
    if not rows.exists():
        return
    alert_type, _ = ContentType.objects.get_or_create(app_label="monitoring", model="alert")
    now = timezone.now()
    for delivery in rows.order_by("pk").iterator():
        key = f"monitoring.alert:{delivery.alert_id}:{delivery.channel}"
        if OutboxMessage.objects.filter(idempotency_key=key).exists():
            key = f"{key}:delivery:{delivery.pk}"
        next_attempt_at = delivery.next_attempt_at
        if delivery.status == "pending" and next_attempt_at is None:
            next_attempt_at = now
        message = OutboxMessage.objects.create(
            target=f"monitoring.{delivery.channel}",
            payload={"alert": delivery.alert_id, "channel": delivery.channel},
            idempotency_key=key,
            status=delivery.status,  # pending, sent and failed mean the same in the outbox
            attempts=delivery.attempts,
            next_attempt_at=None if delivery.status == "sent" else next_attempt_at,
            last_error=delivery.error,
            sent_at=delivery.sent_at,
            content_type=alert_type,
            object_id=delivery.alert_id,
        )
        AlertDelivery.objects.filter(pk=delivery.pk).update(outbox_message=message)


def backwards(apps, schema_editor):
    AlertDelivery = apps.get_model("monitoring", "AlertDelivery")
    for delivery in AlertDelivery.objects.filter(outbox_message__isnull=False).select_related("outbox_message"):
        message = delivery.outbox_message
        AlertDelivery.objects.filter(pk=delivery.pk).update(
            status=message.status if message.status in ("pending", "sent", "failed") else "failed",
            attempts=message.attempts,
            error=message.last_error,
            sent_at=message.sent_at,
            next_attempt_at=message.next_attempt_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("monitoring", "0004_alertdelivery_outbox_message"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
