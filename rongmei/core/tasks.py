from django.core.management import call_command
from django.utils import timezone
from django_tasks import task


@task()
def publish_scheduled_pages() -> str:
    """Publish approved revisions whose go-live (or embargo) time has come; unpublish expired ones."""
    call_command("publish_scheduled", verbosity=0)
    return timezone.now().isoformat()


@task()
def worker_heartbeat() -> str:
    """A no-op the scheduler enqueues each minute; /healthz reads when a worker last ran one."""
    return timezone.now().isoformat()


@task()
def deliver_outbox_message(message_id: int) -> str | None:
    """Send one outbox message once (queued on commit by `outbox.enqueue`); None if not due or taken."""
    from . import outbox

    message = outbox.deliver(message_id)
    return message.status if message is not None else None


@task()
def outbox_retry_due() -> list[int]:
    """Periodic (every minute): queue the retries whose pause is over and any message whose task was lost."""
    from . import outbox

    return outbox.retry_due()
