"""Read-only queries behind the public pages.

Every story list starts from ``public_stories()``: what ``StoryPage.objects.on_site()`` gives (live,
public, not retracted), with the privacy rule built by ``not_private`` from the restricted pages'
paths, read by plain SQL once per request, instead of Wagtail's ``public()``, which reads the view
restrictions with an ORM query each time it is called. Lists of teasers are read as plain values
(``for_list``, ``Teaser``) and rendered by templatetags/teasers.py.
"""

import threading

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Substr
from django.db.models.query import ValuesIterable
from wagtail.models import Page, PageViewRestriction, Site

from rongmei.newsroom.models import Region, SectionPage, StoryCredit, StoryPage, StoryTag, TopicPage

from . import memo


class _RequestMemo(threading.local):
    """What one request reads once: set up when a request starts, dropped when it finishes.

    Outside a request (a task, a command, a test calling these functions) nothing is kept. A
    request never sees a value read before it started: starting a request clears it.
    """

    active = False
    restricted_paths = None


_memo = _RequestMemo()


def _request_started(**kwargs):
    _memo.active, _memo.restricted_paths = True, None


def _request_finished(**kwargs):
    _memo.active, _memo.restricted_paths = False, None


request_started.connect(_request_started, dispatch_uid="website_queries_request_started")
request_finished.connect(_request_finished, dispatch_uid="website_queries_request_finished")


def _read_restricted_paths() -> tuple:
    restrictions = connection.ops.quote_name(PageViewRestriction._meta.db_table)
    pages = connection.ops.quote_name(Page._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.path FROM {restrictions} r INNER JOIN {pages} p ON p.id = r.page_id")
        return tuple(row[0] for row in cursor.fetchall())


def restricted_paths() -> tuple:
    """The paths of the pages with a view restriction: one plain SQL query, kept while the page
    cache's clock stands (memo.py), else once per request."""
    if memo.enabled():
        return memo.remembered("restricted_paths", _read_restricted_paths)
    if _memo.active and _memo.restricted_paths is not None:
        return _memo.restricted_paths
    paths = _read_restricted_paths()
    if _memo.active:
        _memo.restricted_paths = paths
    return paths


def not_private():
    """Pages under no view restriction: what Wagtail's ``public()`` keeps.

    ``public()`` builds the same condition (not the restricted page nor below it) from the
    restrictions read by an ORM query each time; this reads them with one plain SQL query, and with
    no restriction on the site (the usual case) adds nothing to the list's query. The paths are read
    once per request (``restricted_paths``), however many lists the page has.
    """
    condition = Q()
    for path in restricted_paths():
        condition &= ~Q(path__startswith=path)
    return condition


def public_stories():
    return StoryPage.objects.live().filter(not_private(), is_retracted=False)


# What a teaser (templatetags/teasers.py) shows and its cache key is made of.
TEASER_FIELDS = (
    "id",
    "title",
    "url_path",
    "path",
    "depth",
    "first_published_at",
    "last_published_at",
    "live_revision_id",
    "kicker",
    "subheadline",
    "lead",
    "cover_image_id",
    "is_headline",
)


def _section_title():
    parent_path = Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Page.steplen)
    return Subquery(Page.objects.filter(path=parent_path).values("title")[:1])


class PageLink:
    """A page as a link shows it (``id``, ``title``, ``url_path``, …) from a row of values.

    Lists are read as values, not page instances: making a Wagtail page instance (model and
    modelcluster initialisation, two signals) cost more than a home page's queries. A ``PageLink``
    is never changed once made, so one may be kept across requests (memo.py).
    """

    def __init__(self, row):
        self.__dict__.update(row)
        self.pk = row["id"]

    def __repr__(self):
        return f"<{type(self).__name__} {self.pk}: {self.title}>"

    def __eq__(self, other):
        return isinstance(other, PageLink | Page) and self.pk == other.pk

    def __hash__(self):
        return hash(self.pk)

    def get_url(self, request=None):
        """Wagtail's URL of the page (only asked for a page outside the request's site)."""
        page = Page.objects.filter(pk=self.pk).first()
        return page.get_url(request=request) if page is not None else None


class Teaser(PageLink):
    """A story as the public lists show it: its teaser's fields as plain attributes."""


def _read_titles(paths) -> dict:
    pages = connection.ops.quote_name(Page._meta.db_table)
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(paths))
        cursor.execute(f"SELECT path, title FROM {pages} WHERE path IN ({placeholders})", paths)
        return dict(cursor.fetchall())


def titles_by_path(paths):
    """``{path: title}`` of the pages at these paths (do not change it): one plain SQL query, kept
    while the page cache's clock stands (memo.py)."""
    if not paths:
        return {}
    paths = tuple(sorted(paths))
    return memo.remembered(("titles", paths), lambda: _read_titles(paths))


class TeaserIterable(ValuesIterable):
    """Rows as ``Teaser`` objects, each with its section's title (``section_title``).

    The titles are read for the whole list by one plain SQL query: a correlated subquery in the
    list's query gave the same titles but cost more to build than the rest of the query.
    """

    def __iter__(self):
        rows = list(super().__iter__())
        steplen = Page.steplen
        titles = titles_by_path({row["path"][:-steplen] for row in rows})
        for row in rows:
            row["section_title"] = titles.get(row["path"][:-steplen])
            yield Teaser(row)


def for_list(stories):
    """Stories ready for a list of teasers: newest first, as ``Teaser`` objects with the fields
    teasers show, the section's title (``TeaserIterable``) and what the cover image's renditions
    are made from (no image objects: a teaser in the cache needs none, and one that is not reads
    its images itself).
    """
    queryset = stories.newest_first().values(
        *TEASER_FIELDS,
        cover_file=F("cover_image__file"),
        cover_fx=F("cover_image__focal_point_x"),
        cover_fy=F("cover_image__focal_point_y"),
        cover_fw=F("cover_image__focal_point_width"),
        cover_fh=F("cover_image__focal_point_height"),
    )
    queryset._iterable_class = TeaserIterable
    return queryset


def share_cover_images(stories):
    """Let teasers not in the cache read the cover images of all these stories at once.

    The home page shows its stories in several lists, each rendered by its own ``teaser_list``;
    without this, each list whose teasers are missing would read its own images.
    """
    shared = {"stories": list(stories), "images": None}
    for story in shared["stories"]:
        story.cover_images_shared = shared


def for_feed(stories):
    credits = StoryCredit.objects.select_related("staff__staff_profile").order_by("sort_order")
    return (
        stories.newest_first()
        .defer("body", "retraction_reason")
        .annotate(section_title=_section_title())
        .prefetch_related(Prefetch("credits", queryset=credits))
    )


def site_for_request(request):
    site = Site.find_for_request(request)
    if site is None:
        site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
    return site


LINK_FIELDS = ("id", "title", "url_path", "path", "depth", "slug")


def nav_sections(home) -> tuple:
    """The home page's sections and topic index, in the order editors gave them in the page tree
    (``PageLink``s, kept while the page cache's clock stands: memo.py)."""
    from rongmei.newsroom.models import TopicIndexPage

    def read():
        rows = (
            Page.objects.live()
            .filter(not_private())
            .child_of(home)
            .type(SectionPage, TopicIndexPage)
            .order_by("path")
            .values(*LINK_FIELDS)
        )
        return tuple(PageLink(row) for row in rows)

    return memo.remembered(("nav", home.pk), read)


def section_stories(section, stories):
    """A section's own stories (its child pages) and the stories cross-listed into it."""
    cross_listed = StoryPage.other_sections.through.objects.filter(sectionpage_id=section.pk)
    return stories.filter(
        Q(path__startswith=section.path, depth=section.depth + 1)
        | Q(pk__in=cross_listed.values("storypage_id"))
    )


def home_sections(home):
    """The sections with a block on the home page, in the editors' order: read while the page
    cache's clock stands (memo.py), as rows, and handed out as fresh instances."""

    def read():
        sections = (
            SectionPage.objects.live()
            .filter(not_private())
            .child_of(home)
            .filter(show_on_home=True)
            .order_by("home_order", "path")
        )
        return tuple(memo.row_of(section) for section in sections)

    return [memo.instance_from(row) for row in memo.remembered(("home_sections", home.pk), read)]


HOME_WINDOW = 400


def home_lists(sections, stories, *, headline_count, latest_count, per_section):
    """The home page's headlines, latest list and section blocks in a fixed number of queries.

    One query reads the ids, paths and headline flags of the newest ``HOME_WINDOW`` stories, one
    their cross-listings; the lists are picked from that window in Python and all their stories are
    then read by one ``for_list`` query. A list the window cannot fill while there are older stories
    (a quiet section) is read by its own id query, so the result is what each list's own query gives.
    Returns ``(headlines, latest, [(section, [story, …]), …])``.
    """
    window = list(
        stories.newest_first().values_list("pk", "path", "depth", "is_headline", "first_published_at")[
            :HOME_WINDOW
        ]
    )
    window_is_whole_list = len(window) < HOME_WINDOW
    cross_listed = {}
    if window and sections:
        # The sections' cross-listings of stories published since the window's oldest (by the
        # indexed publication time, not a parameter per story), kept if the story is in the window.
        in_window = {row[0] for row in window}
        rows = StoryPage.other_sections.through.objects.filter(
            sectionpage_id__in=[section.pk for section in sections]
        )
        oldest = window[-1][4]
        if oldest is not None:
            rows = rows.filter(storypage__first_published_at__gte=oldest)
        for story_id, section_id in rows.values_list("storypage_id", "sectionpage_id"):
            if story_id in in_window:
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
    share_cover_images(by_id.values())

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
        .filter(not_private())
        .child_of(index_page)
        .select_related("cover_image")
        .prefetch_related("cover_image__renditions")
        .annotate(story_count=Count("stories", filter=on_site, distinct=True))
        .order_by("-first_published_at", "-pk")
    )


def _related_lists(story, stories, limit):
    """The two lists of ``related_stories`` as ``for_list`` querysets."""
    topics = StoryPage.topics.through.objects
    same_topic = topics.filter(topicpage_id__in=topics.filter(storypage_id=story.pk).values("topicpage_id"))
    same_tag = StoryTag.objects.filter(
        tag_id__in=StoryTag.objects.filter(content_object_id=story.pk).values("tag_id")
    )
    others = stories.exclude(pk=story.pk)
    by_topic_or_tag = for_list(
        others.filter(
            Q(pk__in=same_topic.values("storypage_id")) | Q(pk__in=same_tag.values("content_object_id"))
        )
    )[:limit]
    same_section = for_list(others.filter(path__startswith=story.path[: -Page.steplen], depth=story.depth))[
        :limit
    ]
    return by_topic_or_tag, same_section


class _Placeholder:
    """Stands for a story while the related lists' SQL is built once (``_prepared_related``)."""

    pk = 918273645  # within the fields' ranges: an out-of-range value makes an empty query
    path = "ZZPLACEHOLDERZZ" + "Z" * Page.steplen
    depth = 918273


_prepared = {}


def _prepared_related(limit):
    """The related lists' SQL built once per thread (per privacy rule and database) and run again
    with the story's values: building these two queries cost more CPU than the rest of the page.

    Returns ``[(compiler, sql, params, names), …]``; in ``params`` the placeholder story's values
    are marked to be replaced.
    """
    # Per thread: a compiler keeps its connection (the converters of the results ask it).
    key = (threading.get_ident(), connection.alias, connection.vendor, tuple(restricted_paths()), limit)
    prepared = _prepared.get(key)
    if prepared is None:
        prepared = []
        for queryset in _related_lists(_Placeholder, public_stories(), limit):
            query = queryset.query
            compiler = query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            prepared.append((compiler, sql, tuple(params), names))
        _prepared[key] = prepared
    return prepared


def _with_story(param, story):
    if param == _Placeholder.pk:
        return story.pk
    if param == _Placeholder.depth:
        return story.depth
    if isinstance(param, str) and _Placeholder.path[: -Page.steplen] in param:
        # ``path__startswith``: the parent's path (digits and capitals: nothing to escape for LIKE)
        return param.replace(_Placeholder.path[: -Page.steplen], story.path[: -Page.steplen])
    return param


def _run_prepared(prepared, story):
    compiler, sql, params, names = prepared
    with connection.cursor() as cursor:
        cursor.execute(sql, [_with_story(param, story) for param in params])
        rows = cursor.fetchall()
    rows = [dict(zip(names, row, strict=True)) for row in compiler.results_iter(results=[rows])]
    steplen = Page.steplen
    titles = titles_by_path({row["path"][:-steplen] for row in rows})
    teasers = []
    for row in rows:
        row["section_title"] = titles.get(row["path"][:-steplen])
        teasers.append(Teaser(row))
    return teasers


def related_stories(story, stories=None, limit=5):
    """Stories sharing a topic or tag with this one first, then the newest of its section.

    Two lists of teasers, newest first, merged here (always two queries), instead of one query
    ordered by a computed "is related" flag, which cost more to build than both to run. Taking the
    ``limit`` newest of the section is enough: at most the related ones are dropped from it.
    Without ``stories`` (the public stories: the article page), the two queries' SQL is built once
    per process and run with the story's values (``_prepared_related``).
    """
    if stories is None:
        by_topic_or_tag, same_section = (
            _run_prepared(prepared, story) for prepared in _prepared_related(limit)
        )
    else:
        by_topic_or_tag, same_section = (list(queryset) for queryset in _related_lists(story, stories, limit))
    related = list(by_topic_or_tag)
    shown = {other.pk for other in related}
    related += [other for other in same_section if other.pk not in shown]
    return related[:limit]


def story_section(story):
    """The section a story is filed in (a ``PageLink``; None when its parent is no section)."""
    parent_path = story.path[: -Page.steplen]

    def read():
        row = SectionPage.objects.filter(path=parent_path).values(*LINK_FIELDS).first()
        return PageLink(row) if row is not None else None

    return memo.remembered(("section", parent_path), read)


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
    if story.video_id:
        lookups.append("video__renditions")
    if story.audio_id:
        lookups.append("audio__renditions")
    prefetch_related_objects([story], *lookups)
