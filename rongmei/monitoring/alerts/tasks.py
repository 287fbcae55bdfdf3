"""Tasks of the 舆情预警: the every-minute evaluation. Sending and retrying the alerts' e-mail and bot
messages is the core outbox's (`rongmei.core.tasks.deliver_outbox_message`, `outbox_retry_due`)."""

from django_tasks import task

from . import services as alerts


@task()
def evaluate_alerts_task() -> dict:
    """Periodic (every minute): evaluate the alert rules; new alerts' messages go out on commit."""
    return {"alerts": alerts.evaluate_alerts()}
