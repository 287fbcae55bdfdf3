"""Tasks of the 舆情预警: the every-minute evaluation (which also re-sends due failed deliveries)
and the sending of one delivery."""

from django_tasks import task

from .services import alerts


@task()
def evaluate_alerts_task() -> dict:
    """Periodic (every minute): evaluate the alert rules, then retry deliveries whose pause is over."""
    created = alerts.evaluate_alerts()
    retried = alerts.retry_due_deliveries()
    return {"alerts": created, "retried": retried}


@task()
def deliver_alert_task(delivery_id: int) -> str | None:
    """Send one alert delivery once; a failure is kept on the row and tried again later."""
    delivery = alerts.deliver(delivery_id)
    return delivery.status if delivery is not None else None
