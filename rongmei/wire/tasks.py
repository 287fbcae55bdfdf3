from django_tasks import task

from . import services


@task()
def fetch_due_sources() -> list[int]:
    """Periodic: claim every due polled wire source and enqueue one fetch task for each."""
    claimed = services.claim_due_sources()
    for source_id in claimed:
        fetch_source.enqueue(source_id)
    return claimed


@task()
def fetch_source(source_id: int) -> dict:
    """Fetch one wire source; the outcome is recorded on the source (see the sources list)."""
    return services.fetch_source(source_id).as_dict()
