from django_tasks import task


@task()
def check_revision_task(revision_id: int, trigger: str) -> int | None:
    """Check a long story's saved revision on the worker; returns the check's id."""
    from wagtail.models import Revision

    from .story_checks import run_check

    revision = Revision.objects.filter(pk=revision_id).first()
    if revision is None:
        return None  # the revision was deleted (its story too) before the worker got to it
    return run_check(revision.content_object, revision, trigger=trigger, acting_user=revision.user).pk
