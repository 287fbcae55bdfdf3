from django_tasks import task


@task()
def maintain_recent_search_index() -> str:
    """The scheduler's hourly upkeep of PostgreSQL's recent-entries search index
    (postgres_backend.maintain_recent_gin_index): made again over the newest entries as they grow.
    Nothing to do on other databases or with another search backend."""
    from django.db import connections, router
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    from .postgres_backend import ChinesePostgresSearchBackend, maintain_recent_gin_index

    if not isinstance(get_search_backend(), ChinesePostgresSearchBackend):
        return "skipped: not the PostgreSQL search backend"
    done = maintain_recent_gin_index(connections[router.db_for_write(IndexEntry)])
    if done["busy"]:
        return "skipped: another upkeep is running"
    return f"dropped={','.join(done['dropped'])} created={','.join(done['created'])}"
