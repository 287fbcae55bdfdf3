"""Read-only queries and the opaque list cursor of the content API.

Lists start from ``StoryPage.objects.on_site()`` (live, public, not retracted), like every public
page; the item endpoint also answers a retracted story that was public, as "canceled". A draft, a
story in review that never went live, or a story behind a privacy restriction is never found.
"""

import base64
import binascii
import json
import re
from datetime import UTC, datetime

from django.db.models import Prefetch, Q
from wagtail.models import Page

from rongmei.distribution.models import StoryChannelVersion
from rongmei.newsroom.models import Region, SectionPage, StoryCredit, StoryPage, TopicPage
from rongmei.website import queries as site_queries

MAX_LIMIT = 50
DEFAULT_LIMIT = 20
MAX_ID = 2**63 - 1  # a database id fits a signed 64-bit integer


class BadCursor(ValueError):
    pass


def encode_cursor(story) -> str:
    raw = json.dumps([story.first_published_at.astimezone(UTC).isoformat(), story.pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """(first_published_at, id) of the last story of the previous page; BadCursor if it is not ours."""
    try:
        if len(cursor) > 200 or not cursor.isascii():
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        published, pk = json.loads(raw.decode())
        when = datetime.fromisoformat(published)
        if when.tzinfo is None or type(pk) is not int or not 0 < pk <= MAX_ID:
            raise ValueError
        return when, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise BadCursor(cursor) from None


def after_cursor(stories, cursor: str | None):
    if not cursor:
        return stories
    when, pk = decode_cursor(cursor)
    return stories.filter(Q(first_published_at__lt=when) | Q(first_published_at=when, pk__lt=pk))


def page_of(stories, cursor, limit):
    """([story, …], next cursor or None), newest first, with what the items need loaded."""
    credits = StoryCredit.objects.select_related("staff__staff_profile").order_by("sort_order", "pk")
    window = list(
        after_cursor(stories, cursor)
        .newest_first()
        .select_related("cover_image", "outlet", "video")
        .prefetch_related(
            "cover_image__renditions",
            # the app thumbnail is the app_thumbnail channel crop (rongmei.media.channels)
            "cover_image__channel_crops",
            # the story's transcoded video (ninjs featurevideo)
            "video__renditions",
            Prefetch("credits", queryset=credits),
            "corrections",
            "regions__parent__parent",
            "tags",
            # The app's channel version (list title, thumbnail): ninjs.app_version().
            Prefetch(
                "channel_versions",
                queryset=StoryChannelVersion.objects.filter(channel__kind="app")
                .select_related("image")
                .prefetch_related("image__channel_crops"),
                to_attr="app_versions",
            ),
        )[: limit + 1]
    )
    more = len(window) > limit
    window = window[:limit]
    return window, (encode_cursor(window[-1]) if more and window else None)


def public_stories():
    return StoryPage.objects.on_site()


def story_for_item(story_id: int):
    """A story the public sees, or a retracted one that was public; None for anything else."""
    if not 0 < story_id <= MAX_ID:
        return None
    candidates = (
        StoryPage.objects.public()
        .filter(pk=story_id)
        .filter(Q(live=True, is_retracted=False) | Q(is_retracted=True, first_published_at__isnull=False))
    )
    return page_of(candidates, None, 1)[0][0] if candidates.exists() else None


def sections_for(site):
    if site is None:
        return []
    return list(SectionPage.objects.live().public().child_of(site.root_page).order_by("path"))


def section_by_id(section_id: int):
    if not 0 < section_id <= MAX_ID:
        return None
    return SectionPage.objects.live().public().filter(pk=section_id).first()


def topics_for(site):
    if site is None:
        return []
    return list(
        TopicPage.objects.live().public().descendant_of(site.root_page).order_by("-first_published_at", "-pk")
    )


def topic_by_id(topic_id: int):
    if not 0 < topic_id <= MAX_ID:
        return None
    return TopicPage.objects.live().public().filter(pk=topic_id).first()


def region_tree():
    """Provinces with their cities with their districts, in the editors' order."""
    regions = list(Region.objects.order_by("level", "sort_order", "name"))
    children: dict[int | None, list[Region]] = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    return children


# A region's slug is letters, digits, "-" and "_"; anything else (a NUL byte, which PostgreSQL
# refuses in a query) names no region.
REGION_SLUG = re.compile(r"[-\w]{1,60}")


def region_by_slug(slug: str):
    return site_queries.region_by_slug(slug) if slug and REGION_SLUG.fullmatch(slug) else None


section_stories = site_queries.section_stories
region_stories = site_queries.region_stories
topic_stories = site_queries.topic_stories


def item_sections(stories):
    """{story id: [its section, cross-listed sections]} for the stories of one answer."""
    stories = list(stories)
    if not stories:
        return {}
    parent_paths = {story.path[: -Page.steplen] for story in stories}
    parents = {s.path: s for s in SectionPage.objects.filter(path__in=parent_paths)}
    through = StoryPage.other_sections.through.objects.filter(
        storypage_id__in=[s.pk for s in stories]
    ).select_related("sectionpage")
    cross: dict[int, list] = {}
    for row in through:
        if row.sectionpage.live:
            cross.setdefault(row.storypage_id, []).append(row.sectionpage)
    result = {}
    for story in stories:
        own = parents.get(story.path[: -Page.steplen])
        result[story.pk] = ([own] if own else []) + cross.get(story.pk, [])
    return result


def item_topics(stories):
    ids = [s.pk for s in stories]
    through = StoryPage.topics.through.objects.filter(storypage_id__in=ids, topicpage__live=True)
    result: dict[int, list] = {}
    for row in through.select_related("topicpage"):
        result.setdefault(row.storypage_id, []).append(row.topicpage)
    return result
