from django_tasks import task

from . import services as fetching


@task()
def fetch_due_sources() -> list[int]:
    """Periodic: claim every due source and enqueue one fetch task for each (workers run them)."""
    claimed = fetching.claim_due_sources()
    for source_id in claimed:
        fetch_source.enqueue(source_id)
    return claimed


@task()
def fetch_source(source_id: int) -> dict:
    """Fetch one claimed source; its outcome is recorded on the source (see the health view)."""
    return fetching.fetch_source(source_id).as_dict()
