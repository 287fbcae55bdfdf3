"""Analysis tasks: after each fetch that found new items, and every minute as a safety net."""

from django.db import transaction
from django_tasks import task

from . import services as analysis


@task()
def analyse_new_items_task() -> int:
    """Analyse every item without an analysis (groups, watch rules, sentiment, events, reprints),
    then evaluate the alert rules at once: a spike is told seconds after its items arrive, not at
    the next minute's evaluation (which stays as the safety net and the retry of deliveries)."""
    from ..alerts.tasks import evaluate_alerts_task

    done = analysis.analyse_new_items()
    if done:
        transaction.on_commit(evaluate_alerts_task.enqueue)
    return done


def analyse_after_fetch(new_items: int) -> None:
    """Called by the fetching service: queue an analysis run once the new items are committed."""
    if new_items:
        transaction.on_commit(analyse_new_items_task.enqueue)
