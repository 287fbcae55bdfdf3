"""The public page cache: whole responses for anonymous GET requests, invalidated per story.

See docs/decisions/0029-page-cache-by-story.md. In short:

* ``PublicPageCacheMiddleware`` looks a request up before any view runs and stores the response
  afterwards, but only if a public view marked the request (``mark_public``): Wagtail pages are
  marked by an ``on_serve_page`` hook, the region, feed, sitemap and robots views by ``public_page``.
* While a page renders, the views ``record()`` the tags of what it shows (``story:12`` for each
  story, ``home``, ``section:3``, ``region:5``, ``topic:9``, ``topics``, ``feed:latest``,
  ``feed:section:3``, ``sitemap``; every page also gets ``site``). The entry keeps each tag's
  version at render time. A lookup reads the current versions of the entry's tags, and the
  database's token and clock, with one query (``CacheTag`` and ``CacheGeneration``), so every web
  process and the task worker agree on what is current.
* Publishing a story advances ``story:<id>`` and the lists it now appears in, on commit
  (``bump_story_on_commit``); taking it off the site does so *hard*: pages showing it are never
  served again. A page made stale by a soft bump is served stale to concurrent readers while one
  of them re-renders it; a missing or hard-stale page is rendered by one request while the others
  wait for it (a lock taken with ``cache.add``).
"""

import contextvars
import functools
import hashlib
import logging
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)

CACHE_HEADER = "X-Cache"
# Query parameters a public page understands; any other parameter skips the cache, so made-up
# query strings can't fill it.
CACHEABLE_QUERY_PARAMETERS = frozenset({"page"})
_MARK = "_rongmei_public_page"
SITE_TAG = "site"

# Entry states.
FRESH, SOFT_STALE, HARD_STALE, MISSING = "fresh", "soft", "hard", "missing"


def lock_seconds() -> float:
    """How long one request may hold a page's render lock (then others render it themselves)."""
    return float(getattr(settings, "PUBLIC_PAGE_CACHE_LOCK_SECONDS", 5))


def clock_seconds() -> float:
    """How long a process trusts the clock it last read (PUBLIC_PAGE_CACHE_CLOCK_SECONDS).

    Within that time a hit on an entry checked at that clock needs no query at all; a bump made by
    another process is seen at most this late (bumps made in this process are seen at once).
    """
    return float(getattr(settings, "PUBLIC_PAGE_CACHE_CLOCK_SECONDS", 0.25))


def poll_seconds() -> float:
    """How often a request waiting for another's render looks again."""
    return float(getattr(settings, "PUBLIC_PAGE_CACHE_POLL_SECONDS", 0.02))


def mark_public(request) -> None:
    """Say that this request's response is a public page that may be cached."""
    setattr(request, _MARK, True)


def public_page(view):
    """Decorator for plain Django views that render public pages."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        mark_public(request)
        return view(request, *args, **kwargs)

    wrapper.serves_public_pages = True
    return wrapper


_SERVES_PUBLIC = "_rongmei_serves_public_pages"


def serves_public_pages(request) -> bool:
    """Whether the URL goes to Wagtail's page serving or a ``public_page`` view (kept on the request).

    Other views (admin, search, health check, …) never touch the cache, not even the tag query.
    """
    answer = getattr(request, _SERVES_PUBLIC, None)
    if answer is None:
        from wagtail.views import serve as wagtail_serve

        try:
            view = resolve(request.path_info).func
        except Resolver404:
            answer = False
        else:
            answer = view is wagtail_serve or getattr(view, "serves_public_pages", False)
        setattr(request, _SERVES_PUBLIC, answer)
    return answer


# --- Recording what a page shows ------------------------------------------------------------

_collector: contextvars.ContextVar[set | None] = contextvars.ContextVar("rongmei_page_tags", default=None)


def record(*tags: str) -> None:
    """Say that the page being rendered shows these things (no-op outside a cacheable request)."""
    collected = _collector.get()
    if collected is not None:
        collected.update(tags)


def story_tag(story_id) -> str:
    return f"story:{story_id}"


def record_stories(stories: Iterable) -> None:
    """Record a ``story:<id>`` tag for each story (teaser, related story, feed item) shown."""
    collected = _collector.get()
    if collected is not None:
        collected.update(story_tag(story.pk) for story in stories)


# --- Token, clock and tag versions in the database ------------------------------------------


def _create_generation_row() -> tuple[str, int]:
    from .models import CacheGeneration

    try:
        with transaction.atomic():
            row = CacheGeneration.objects.create(pk=1, token=secrets.token_hex(4), number=1)
    except IntegrityError:  # another process created it first
        row = CacheGeneration.objects.get(pk=1)
    return row.token, row.number


@dataclass(frozen=True)
class Versions:
    token: str
    clock: int
    tags: dict  # name -> (version, hard_version); a tag without a row is absent (version 0)

    def of(self, name) -> tuple[int, int]:
        return self.tags.get(name, (0, 0))


class _ClockMemo:
    """The token and clock this process read last, and when (monotonic seconds)."""

    __slots__ = ("token", "clock", "read_at")

    def __init__(self):
        self.forget()

    def forget(self) -> None:
        self.token, self.clock, self.read_at = None, 0, float("-inf")

    def remember(self, versions) -> None:
        self.token, self.clock, self.read_at = versions.token, versions.clock, time.monotonic()

    def recent(self) -> tuple[str, int] | None:
        if self.token is None or time.monotonic() - self.read_at >= clock_seconds():
            return None
        return self.token, self.clock


_clock_memo = _ClockMemo()


def read_versions(tags: Iterable[str] = ()) -> Versions:
    """The token, the clock and the current versions of ``tags``: one query."""
    from .models import CacheGeneration, CacheTag

    tags = list(tags)
    # Plain SQL: this runs on every cacheable request, and the ORM's query building would cost
    # more than the query itself. The generation row comes back as a row whose third column is -1.
    generation = connection.ops.quote_name(CacheGeneration._meta.db_table)
    sql = f"SELECT token, number, -1 FROM {generation} WHERE id = 1"
    if tags:
        table = connection.ops.quote_name(CacheTag._meta.db_table)
        placeholders = ", ".join(["%s"] * len(tags))
        sql = (
            f"SELECT name, version, hard_version FROM {table} WHERE name IN ({placeholders}) UNION ALL {sql}"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, tags)
        rows = cursor.fetchall()
    token, clock, versions = None, 0, {}
    for name, version, hard in rows:
        if hard == -1:
            token, clock = name, version
        else:
            versions[name] = (version, hard)
    if token is None:
        token, clock = _create_generation_row()
    result = Versions(token, clock, versions)
    _clock_memo.remember(result)
    return result


def clock_stamp() -> tuple[str, int]:
    """The token and clock this process may take as current: the last read within the clock window
    (``clock_seconds``), else read now (one query)."""
    recent = _clock_memo.recent()
    if recent is None:
        versions = read_versions()
        recent = (versions.token, versions.clock)
    return recent


def current_generation() -> str:
    """The token and clock as they are in the database now (``token.number``)."""
    versions = read_versions()
    return f"{versions.token}.{versions.clock}"


def bump_tags(soft: Iterable[str] = (), hard: Iterable[str] = ()) -> None:
    """Invalidate these tags now, in every process: cached pages showing them are re-rendered.

    ``hard`` tags are never served stale (a story taken off the site); ``soft`` ones may be, to
    concurrent readers, while one request re-renders the page. One short transaction: the clock
    row is updated first, so concurrent bumps queue on it and can't deadlock on tag rows.
    """
    hard = set(hard)
    soft = set(soft) - hard
    if not soft and not hard:
        return
    try:
        _bump_in_transaction(soft, hard)
    finally:
        # This process sees its own bump at once; the others within clock_seconds().
        _clock_memo.forget()


def _bump_in_transaction(soft: set[str], hard: set[str]) -> None:
    from django.db.models import F
    from django.db.models.functions import Now

    from .models import CacheGeneration, CacheTag

    with transaction.atomic():
        updated = CacheGeneration.objects.filter(pk=1).update(number=F("number") + 1, bumped_at=Now())
        if not updated:
            # No row yet: a new one has a new token, which no cached entry can match.
            _create_generation_row()
            return
        clock = CacheGeneration.objects.values_list("number", flat=True).get(pk=1)
        for names, fields in ((soft, {"version": clock}), (hard, {"version": clock, "hard_version": clock})):
            if not names:
                continue
            CacheTag.objects.bulk_create([CacheTag(name=name) for name in names], ignore_conflicts=True)
            CacheTag.objects.filter(name__in=names).update(**fields)


class _PendingBumps:
    """What one transaction invalidates, bumped together once it commits.

    A publish saves the page, publishes the revision and may save it again: each sends a signal,
    and one bump per signal would let a page re-rendered between two of them be rendered again
    after the next. One pending set per transaction makes one bump (one re-render) per act.
    """

    def __init__(self):
        self.soft: set[str] = set()
        self.hard: set[str] = set()
        self.stories: dict = {}  # story id -> (hard, extra list tags)
        self.done = False

    def add_story(self, story_id, hard, extra):
        was_hard, was_extra = self.stories.get(story_id, (False, ()))
        self.stories[story_id] = (was_hard or hard, (*was_extra, *extra))

    def run(self):
        if self.done:
            return
        self.done = True
        soft, hard = set(self.soft), set(self.hard)
        for story_id, (story_hard, extra) in self.stories.items():
            lists = story_list_tags(story_id) | set(extra)
            soft |= lists
            if story_hard:
                hard |= {story_tag(story_id), "sitemap"}
            else:
                soft.add(story_tag(story_id))
        bump_tags(soft - hard, hard)


_PENDING = "_rongmei_page_cache_pending"


def _pending() -> _PendingBumps:
    """The connection's open set of pending bumps (call inside an atomic block).

    Every call registers an ``on_commit`` callback; the first to run after the commit bumps the
    whole set and closes it, the others find it done. A rolled-back transaction's callbacks are
    dropped, so its tags wait in the set for the next commit (an extra bump, never a missing one).
    """
    pending = getattr(connection, _PENDING, None)
    if pending is None or pending.done:
        pending = _PendingBumps()
        setattr(connection, _PENDING, pending)
    transaction.on_commit(pending.run, robust=True)
    return pending


def bump_tags_on_commit(soft: Iterable[str] = (), hard: Iterable[str] = ()) -> None:
    """``bump_tags`` once the current transaction commits (at once outside a transaction).

    After commit, because a process that re-rendered a page between the bump and the commit would
    cache the old content under the new versions. All bumps of one transaction are made together.
    """
    soft, hard = tuple(soft), tuple(hard)
    if not connection.in_atomic_block:
        bump_tags(soft, hard)
        return
    pending = _pending()
    pending.soft.update(soft)
    pending.hard.update(hard)


def bump_site(*, hard: bool = False) -> None:
    """Invalidate every cached public page, in every process (a structure change)."""
    bump_tags(hard=[SITE_TAG]) if hard else bump_tags(soft=[SITE_TAG])


def bump_site_on_commit(*, hard: bool = False) -> None:
    bump_tags_on_commit(hard=[SITE_TAG]) if hard else bump_tags_on_commit(soft=[SITE_TAG])


# Kept for callers of the old site-wide generation: invalidates every page (soft: pages are
# re-rendered one at a time, served stale meanwhile).
def bump_generation() -> None:
    bump_site()


def bump_generation_on_commit() -> None:
    bump_site_on_commit()


def story_list_tags(story_id) -> set[str]:
    """The list tags of every page a live story appears on now (besides its own ``story:<id>``).

    The home page, latest feed and sitemap; its section and the sections it is cross-listed in
    (page and feed); its regions and every region above them; its topics and the topic index.
    """
    from wagtail.models import Page

    from rongmei.newsroom.models import Region, StoryPage

    tags = {"home", "feed:latest", "sitemap"}
    story = StoryPage.objects.filter(pk=story_id).only("path", "depth").first()
    if story is None:
        return tags
    sections = set(story.other_sections.values_list("pk", flat=True))
    if story.depth > 1:
        parent = Page.objects.filter(path=story.path[: -Page.steplen]).values_list("pk", flat=True).first()
        if parent is not None:
            sections.add(parent)
    for section in sections:
        tags.update({f"section:{section}", f"feed:section:{section}"})
    regions = set(story.regions.values_list("pk", flat=True))
    wanted = set(regions)
    while wanted:  # the regions above (a district's story shows on its city and province)
        parents = set(
            Region.objects.filter(pk__in=wanted, parent__isnull=False).values_list("parent_id", flat=True)
        )
        wanted = parents - regions
        regions |= parents
    tags.update(f"region:{region}" for region in regions)
    topics = list(story.topics.values_list("pk", flat=True))
    tags.update(f"topic:{topic}" for topic in topics)
    if topics:
        tags.add("topics")
    return tags


def bump_story(story_id, *, hard: bool = False, extra: Iterable[str] = ()) -> None:
    """A story was published, corrected, or (``hard``) taken off the site or moved: invalidate it.

    Every page showing the story carries ``story:<id>``; the lists it now appears in are bumped
    too, so they pick it up. ``hard`` makes ``story:<id>`` and the sitemap hard: no page showing
    the story is served again, not even stale. ``extra``: list tags of where it was before (a move,
    a deletion), bumped softly.
    """
    lists = story_list_tags(story_id) | set(extra)
    own = {story_tag(story_id)}
    if hard:
        bump_tags(soft=lists - {"sitemap"}, hard=own | {"sitemap"})
    else:
        bump_tags(soft=lists | own)


def bump_story_on_commit(story_id, *, hard: bool = False, extra: Iterable[str] = ()) -> None:
    """``bump_story`` once the current transaction commits: the lists are read as committed."""
    if not connection.in_atomic_block:
        bump_story(story_id, hard=hard, extra=extra)
        return
    _pending().add_story(story_id, hard, tuple(extra))


# --- Keys and stored responses --------------------------------------------------------------


def _query_is_cacheable(request) -> bool:
    return all(
        key in CACHEABLE_QUERY_PARAMETERS and len(request.GET.getlist(key)) == 1 for key in request.GET
    )


def request_is_cacheable(request) -> bool:
    """Whether the cache may answer this request at all (before any view runs)."""
    if not settings.PUBLIC_PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
        return False
    # A session cookie means a logged-in user (or a passed page password): never the shared copy.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    return _query_is_cacheable(request) and serves_public_pages(request)


def cache_key(request) -> str:
    query = "&".join(f"{key}={request.GET[key]}" for key in sorted(request.GET))
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}|{language}"
    digest = hashlib.sha256(url.encode()).hexdigest()[:40]
    return f"rongmei:page:{digest}"


def response_is_storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.method != "GET" or getattr(request, "is_preview", False):
        return False
    # A page that used the CSRF token or wrote to the session belongs to one visitor.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


@dataclass(frozen=True)
class Entry:
    """A stored page: the response, the token it was rendered under, its tags' versions then."""

    status: int
    content: bytes
    headers: tuple
    token: str
    tags: dict  # name -> version
    # The clock at which every tag was last seen current (-1: not known); while the process's
    # recent clock reads the same, the entry is fresh without a query.
    checked_clock: int = -1
    stored_at: float = 0.0  # time.time(), so a re-checked entry keeps its expiry

    def fresh_without_query(self) -> bool:
        return _clock_memo.recent() == (self.token, self.checked_clock)

    def checked_at(self, clock: int) -> "Entry":
        return replace(self, checked_clock=clock)

    def seconds_left(self) -> float:
        return settings.PUBLIC_PAGE_CACHE_SECONDS - (time.time() - self.stored_at)

    def state(self, versions: Versions) -> str:
        if self.token != versions.token:
            return HARD_STALE
        state = FRESH
        for name, stored in self.tags.items():
            version, hard = versions.of(name)
            if version == stored:
                continue
            if hard > stored or version < stored:
                return HARD_STALE
            state = SOFT_STALE
        return state

    def response(self, how: str) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        response[CACHE_HEADER] = how
        return response


def _entry(response, versions: Versions, tags: set[str], rendered_at_clock: int) -> Entry:
    headers = tuple((name, value) for name, value in response.items() if name.lower() != CACHE_HEADER.lower())
    # A tag bumped after this render began (its version is past the clock read before it) may
    # have changed what the page shows: store the page as already stale for it.
    stored = {name: min(versions.of(name)[0], rendered_at_clock) for name in tags}
    current = all(versions.of(name)[0] <= rendered_at_clock for name in tags)
    return Entry(
        response.status_code,
        response.content,
        headers,
        versions.token,
        stored,
        checked_clock=rendered_at_clock if current else -1,
        stored_at=time.time(),
    )


class PublicPageCacheMiddleware:
    """Serve and store whole public pages for anonymous visitors; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        key = cache_key(request)
        entry = cache.get(key)
        if entry is not None and not isinstance(entry, Entry):
            entry = None  # something else under our key (an older format): render
        if entry is not None and entry.fresh_without_query():
            return entry.response("hit")
        versions = read_versions(entry.tags if entry is not None else ())
        state = MISSING if entry is None else entry.state(versions)
        if state == FRESH:
            if entry.checked_clock != versions.clock and entry.seconds_left() > 1:
                # Nothing it shows changed since: the next hits in this window need no query.
                cache.set(key, entry.checked_at(versions.clock), entry.seconds_left())
            return entry.response("hit")
        lock_key = f"{key}:lock"
        lock = uuid.uuid4().hex
        if cache.add(lock_key, lock, lock_seconds()):
            try:
                # The request that rendered it may have stored it and let go of the lock between
                # our lookup and our lock: look once more before rendering it again.
                latest = cache.get(key)
                if isinstance(latest, Entry) and (entry is None or latest.stored_at != entry.stored_at):
                    versions = read_versions(latest.tags)
                    if latest.state(versions) == FRESH:
                        return latest.response("hit")
                return self.render(request, key, versions.clock)
            finally:
                if cache.get(lock_key) == lock:
                    cache.delete(lock_key)
        if state == SOFT_STALE:
            # Another request is re-rendering it: this one gets the copy from before the bump.
            return entry.response("stale")
        # Missing, or showing something that must not be served: wait for the render under way.
        deadline = time.monotonic() + lock_seconds()
        while time.monotonic() < deadline and cache.get(lock_key) is not None:
            time.sleep(poll_seconds())
        entry = cache.get(key)
        versions = read_versions(entry.tags if isinstance(entry, Entry) else ())
        if isinstance(entry, Entry):
            state = entry.state(versions)
            if state == FRESH:
                return entry.response("hit")
            if state == SOFT_STALE:  # rendered after what made us wait, bumped again since
                return entry.response("stale")
        # The render failed, was not storable, or its holder died: render it here.
        return self.render(request, key, versions.clock)

    def render(self, request, key, clock):
        tags = {SITE_TAG}
        reset = _collector.set(tags)
        try:
            response = self.get_response(request)
        finally:
            _collector.reset(reset)
        if getattr(request, _MARK, False):
            if response_is_storable(request, response):
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                entry = _entry(response, read_versions(tags), tags, clock)
                cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
            elif response.status_code != 200:
                cache.delete(key)  # a stale copy of what is now an error must not be served either
            response[CACHE_HEADER] = "miss"
        return response
