from django_tasks import task


@task()
def check_revision_task(revision_id: int, trigger: str, user_id: int | None = None) -> int | None:
    """Check a long story's revision on the worker; returns the check's id.

    A revision already checked against today's lists (an act that needed the answer at once ran the
    check itself) is not checked twice; a submission's check is always its own (the report counts it).
    """
    from django.contrib.auth import get_user_model
    from wagtail.models import Revision

    from .models import ProofCheck
    from .services import lists_version
    from .story_checks import run_check

    revision = Revision.objects.filter(pk=revision_id).first()
    if revision is None:
        return None  # the revision was deleted (its story too) before the worker got to it
    done = ProofCheck.objects.filter(revision_id=revision.pk, lists_version=lists_version())
    if trigger == ProofCheck.Trigger.SUBMIT:
        done = done.filter(trigger=trigger)
    existing = done.order_by("-checked_at", "-pk").values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else revision.user
    return run_check(revision.content_object, revision, trigger=trigger, acting_user=user).pk


@task()
def recheck_stories_in_review_task() -> int:
    """The word lists changed: check the stories in review against them (see story_checks)."""
    from django.core.cache import cache

    from .story_checks import recheck_stories_in_review

    cache.delete(RECHECK_QUEUED_KEY)
    return recheck_stories_in_review()


# Set while a recheck is queued, so a burst of list edits queues one recheck, not one per term.
RECHECK_QUEUED_KEY = "rongmei-proofing-recheck-queued"


def queue_recheck_of_stories_in_review() -> None:
    """After the commit that changed the lists, once for a burst of changes."""
    from django.core.cache import cache
    from django.db import transaction

    def enqueue():
        if cache.add(RECHECK_QUEUED_KEY, True, timeout=300):
            recheck_stories_in_review_task.enqueue()

    transaction.on_commit(enqueue)
