"""The demo's print edition: tomorrow's issue of one outlet with four pages (要闻, 时政, 社会, 副刊),
stories placed through the real services, and each page state on show: 副刊 signed off (审签) by
the chief editor, 要闻 in 大样, the other two in 小样. Some target lengths are set so the plan shows
stories over and under length.

Idempotent like the rest of the demo: it does nothing once the outlet has tomorrow's issue.
Called from the demo loader after the stories exist: ``load_demo(outlet, stories, users)`` with
the outlet, candidate stories (the unprintable ones are skipped) and the demo users by username.
"""

import datetime

from django.db import transaction
from django.utils import timezone

PAGES = ("要闻", "时政", "社会", "副刊")
# Stories per page, in page order, and the factor of each target against the story's length
# (1.0 fits, below 1 the story runs over, above 1.15 it runs short).
PER_PAGE = (3, 2, 2, 1)
TARGET_FACTORS = (1.0, 0.85, 1.0, 1.3, 1.0, 1.05, 0.9, 1.0)


def load_demo(outlet, stories, users, *, issue_date=None) -> bool:
    """Plan the outlet's issue of ``issue_date`` (tomorrow); False if it exists already."""
    from . import permissions, queries, services
    from .models import PrintIssue
    from .text import print_text

    issue_date = issue_date or timezone.localdate() + datetime.timedelta(days=1)
    if PrintIssue.objects.filter(outlet=outlet, issue_date=issue_date).exists():
        return False
    permissions.grant_role_permissions()
    editor, chief = users["editor"], users["chief"]
    printable = []
    for story in stories:
        story = story.specific if hasattr(story, "specific") else story
        printed = queries.printable_story(story)
        if printed is not None:
            printable.append((story, print_text(printed).length))
    with transaction.atomic():
        channel = services.ensure_print_channel()
        # The demo newsroom prints: its stories' print status shows with the other channels'.
        type(channel).objects.filter(pk=channel.pk).update(enabled=True)
        issue = services.create_issue(outlet, issue_date, len(PAGES), page_names=PAGES, acting_user=editor)
        position = 0
        for number, count in enumerate(PER_PAGE, start=1):
            for _n in range(count):
                if position >= len(printable):
                    break
                story, length = printable[position]
                factor = TARGET_FACTORS[position % len(TARGET_FACTORS)]
                target = max(round(length * factor, -1), 10)
                services.place_story(issue, number, story, acting_user=editor, target_length=target)
                position += 1
        pages = {page.number: page for page in issue.pages.all()}
        services.mark_page_proof(pages[1], acting_user=editor)
        services.sign_off(services.mark_page_proof(pages[4], acting_user=editor), acting_user=chief)
    return True
