"""Read-only helpers for the public story search."""

import datetime

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from rongmei.newsroom.models import SectionPage, StoryPage
from rongmei.website.queries import public_stories


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_stories(*, section=None, region=None, date_from=None, date_to=None):
    """Stories the public may see (live, public, not retracted), narrowed by the search filters.

    ``section``: its own stories and those cross-listed into it; ``region``: stories tagged with it
    or any region below it; ``date_from``/``date_to``: first publication date, both days included,
    in the site's time zone.
    """
    # What on_site() keeps, with the view restrictions read once while nothing public changes
    # (website.memo) rather than by an ORM query on every search.
    stories = public_stories()
    if section is not None:
        cross_listed = StoryPage.other_sections.through.objects.filter(sectionpage_id=section.pk)
        stories = stories.filter(
            Q(path__startswith=section.path, depth=section.depth + 1)
            | Q(pk__in=cross_listed.values("storypage_id"))
        )
    if region is not None:
        tagged = StoryPage.regions.through.objects.filter(region_id__in=region.descendant_ids())
        stories = stories.filter(pk__in=tagged.values("storypage_id"))
    # The form refuses far-off dates; these guards keep other callers from an OverflowError at the
    # ends of the calendar, where a bound would filter nothing anyway.
    if date_from is not None and date_from > datetime.date.min:
        stories = stories.filter(first_published_at__gte=_local_midnight(date_from))
    if date_to is not None and date_to < datetime.date.max:
        stories = stories.filter(first_published_at__lt=_local_midnight(date_to + datetime.timedelta(days=1)))
    return stories


def search_stories(query: str, **filters):
    """Ranked search results (best first) among ``filtered_stories(**filters)``.

    The filters go to the backend as they are (every field they use is a FilterField or the page
    id): on SQLite the ranked path then checks them per matched story with two index lookups.
    Wrapped as ``id__in`` (an earlier version) SQLite built the whole list of visible stories for
    every search, ~290 ms at 100,000 stories even for a word found in ten (bench/RESULTS.md).
    """
    return filtered_stories(**filters).search(query, operator="and")


def attach_sections(stories):
    """Set ``search_section`` (the parent SectionPage, or None) on each story, in one query."""
    stories = list(stories)
    parent_paths = {story.path[: -Page.steplen] for story in stories}
    sections = {section.path: section for section in SectionPage.objects.filter(path__in=parent_paths)}
    for story in stories:
        story.search_section = sections.get(story.path[: -Page.steplen])
    return stories
