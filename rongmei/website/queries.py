"""Read-only queries behind the public pages.

Every story list starts from ``StoryPage.objects.on_site()`` (live, public, not retracted). Callers
build that base once per request and pass it in: ``public()`` costs a query each time it is called.
"""

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Substr
from wagtail.models import Page, Site

from rongmei.newsroom.models import Region, SectionPage, StoryCredit, StoryPage, StoryTag, TopicPage


def public_stories():
    return StoryPage.objects.on_site()


def for_list(stories):
    """Stories ready for a list: newest first, cover image and its renditions, section title."""
    parent_path = Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Page.steplen)
    return (
        stories.newest_first()
        .defer("body", "retraction_reason")
        .select_related("cover_image")
        .prefetch_related("cover_image__renditions")
        .annotate(section_title=Subquery(Page.objects.filter(path=parent_path).values("title")[:1]))
    )


def for_feed(stories):
    credits = StoryCredit.objects.select_related("staff__staff_profile").order_by("sort_order")
    return for_list(stories).prefetch_related(Prefetch("credits", queryset=credits))


def site_for_request(request):
    site = Site.find_for_request(request)
    if site is None:
        site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
    return site


def nav_sections(home):
    """The home page's sections and topic index, in the order editors gave them in the page tree."""
    from rongmei.newsroom.models import TopicIndexPage

    return list(
        Page.objects.live().public().child_of(home).type(SectionPage, TopicIndexPage).order_by("path")
    )


def section_stories(section, stories):
    """A section's own stories (its child pages) and the stories cross-listed into it."""
    cross_listed = StoryPage.other_sections.through.objects.filter(sectionpage_id=section.pk)
    return stories.filter(
        Q(path__startswith=section.path, depth=section.depth + 1)
        | Q(pk__in=cross_listed.values("storypage_id"))
    )


def home_sections(home):
    return list(
        SectionPage.objects.live()
        .public()
        .child_of(home)
        .filter(show_on_home=True)
        .order_by("home_order", "path")
    )


HOME_WINDOW = 400


def home_lists(sections, stories, *, headline_count, latest_count, per_section):
    """The home page's headlines, latest list and section blocks in a fixed number of queries.

    One query reads the ids, paths and headline flags of the newest ``HOME_WINDOW`` stories, one
    their cross-listings; the lists are picked from that window in Python and all their stories are
    then read by one ``for_list`` query. A list the window cannot fill while there are older stories
    (a quiet section) is read by its own id query, so the result is what each list's own query gives.
    Returns ``(headlines, latest, [(section, [story, …]), …])``.
    """
    window = list(stories.newest_first().values_list("pk", "path", "depth", "is_headline")[:HOME_WINDOW])
    window_is_whole_list = len(window) < HOME_WINDOW
    cross_listed = {}
    if window and sections:
        rows = StoryPage.other_sections.through.objects.filter(
            storypage_id__in=[row[0] for row in window],
            sectionpage_id__in=[section.pk for section in sections],
        ).values_list("storypage_id", "sectionpage_id")
        for story_id, section_id in rows:
            cross_listed.setdefault(section_id, set()).add(story_id)

    def pick(wanted, count, fallback):
        ids = [row[0] for row in window if wanted(row)][:count]
        if len(ids) < count and not window_is_whole_list:
            ids = list(fallback().newest_first().values_list("pk", flat=True)[:count])
        return ids

    headline_ids = pick(lambda row: row[3], headline_count, lambda: stories.filter(is_headline=True))
    excluded = set(headline_ids)
    latest_ids = pick(
        lambda row: row[0] not in excluded, latest_count, lambda: stories.exclude(pk__in=headline_ids)
    )

    def section_ids(section):
        prefix, depth = section.path, section.depth + 1
        listed = cross_listed.get(section.pk, ())
        return pick(
            lambda row: (row[2] == depth and row[1].startswith(prefix)) or row[0] in listed,
            per_section,
            lambda: section_stories(section, stories),
        )

    ids_by_section = {section.pk: section_ids(section) for section in sections}
    wanted = {*headline_ids, *latest_ids, *(pk for ids in ids_by_section.values() for pk in ids)}
    by_id = {story.pk: story for story in for_list(stories.filter(pk__in=wanted))} if wanted else {}

    def stories_for(ids):
        return [by_id[pk] for pk in ids if pk in by_id]

    blocks = [(section, stories_for(ids_by_section[section.pk])) for section in sections]
    return stories_for(headline_ids), stories_for(latest_ids), blocks


def region_stories(region, stories):
    """Stories tagged with this region or any region below it."""
    tagged = StoryPage.regions.through.objects.filter(region_id__in=region.descendant_ids())
    return stories.filter(pk__in=tagged.values("storypage_id"))


def region_by_slug(slug):
    return Region.objects.select_related("parent__parent").filter(slug=slug).first()


REGION_CHANNELS_KEY = "rongmei:website:region-channels"


def region_channels():
    """The home page's 区县 channels: each city that has districts, then its districts.

    Kept in the cache (deleted when a region changes, signal_handlers.py) so the home page costs no
    query for it: regions change a few times a year, the home page is read all day.
    """
    channels = cache.get(REGION_CHANNELS_KEY)
    if channels is None:
        regions = list(
            Region.objects.filter(
                Q(level=Region.Level.DISTRICT) | Q(level=Region.Level.CITY, children__isnull=False)
            )
            .distinct()
            .order_by("level", "sort_order", "name")
        )
        channels = [(region.slug, region.name) for region in regions]
        cache.set(REGION_CHANNELS_KEY, channels, 3600)
    return channels


def child_regions(region):
    return list(Region.objects.filter(parent=region))


def topic_stories(topic, stories):
    return stories.filter(topics=topic)


def topics_for_index(index_page):
    on_site = Q(stories__live=True, stories__is_retracted=False)
    return list(
        TopicPage.objects.live()
        .public()
        .child_of(index_page)
        .select_related("cover_image")
        .prefetch_related("cover_image__renditions")
        .annotate(story_count=Count("stories", filter=on_site, distinct=True))
        .order_by("-first_published_at", "-pk")
    )


def related_stories(story, stories, limit=5):
    """Stories sharing a topic or tag with this one first, then the newest of its section."""
    topics = StoryPage.topics.through.objects
    same_topic = topics.filter(topicpage_id__in=topics.filter(storypage_id=story.pk).values("topicpage_id"))
    same_tag = StoryTag.objects.filter(
        tag_id__in=StoryTag.objects.filter(content_object_id=story.pk).values("tag_id")
    )
    related = Q(pk__in=same_topic.values("storypage_id")) | Q(pk__in=same_tag.values("content_object_id"))
    same_section = Q(path__startswith=story.path[: -Page.steplen], depth=story.depth)
    candidates = (
        stories.exclude(pk=story.pk)
        .filter(related | same_section)
        .annotate(
            is_related=Case(When(related, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
    )
    return list(for_list(candidates).order_by("-is_related", "-first_published_at", "-pk")[:limit])


def story_section(story):
    return SectionPage.objects.filter(path=story.path[: -Page.steplen]).first()


def story_topics(story):
    return list(TopicPage.objects.live().filter(stories=story).order_by("-first_published_at"))


def prefetch_story(story):
    """Load what the article page shows of a story in a fixed number of queries."""
    credits = StoryCredit.objects.select_related("staff__staff_profile").order_by("sort_order")
    lookups = [Prefetch("credits", queryset=credits), "corrections", "regions"]
    if story.cover_image_id:
        lookups.append("cover_image__renditions")
    if story.outlet_id:
        lookups.append("outlet")
    prefetch_related_objects([story], *lookups)
