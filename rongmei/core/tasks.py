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
