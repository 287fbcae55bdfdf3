"""The public page cache: whole responses for anonymous GET requests, keyed by a site-wide generation.

See docs/decisions/0004-public-page-cache.md. In short:

* ``PublicPageCacheMiddleware`` looks a request up before any view runs and stores the response
  afterwards, but only if a public view marked the request (``mark_public``): Wagtail pages are
  marked by an ``on_serve_page`` hook, the region, feed, sitemap and robots views by ``public_page``.
* Every key contains the generation kept in the database (``CacheGeneration``), read once per
  request. Publishing, unpublishing, moving or deleting a page bumps it on commit, in whichever
  process does it, so every web process stops reading the old entries at once.
"""

import functools
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.http import HttpResponse
from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)

CACHE_HEADER = "X-Cache"
# Query parameters a public page understands; any other parameter skips the cache, so made-up
# query strings can't fill it.
CACHEABLE_QUERY_PARAMETERS = frozenset({"page"})
_MARK = "_rongmei_public_page"
_GENERATION = "_rongmei_cache_generation"


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


def _serves_public_pages(request) -> bool:
    """Whether the URL goes to Wagtail's page serving or a ``public_page`` view.

    Other views (admin, search, health check, …) never touch the cache, not even the generation.
    """
    from wagtail.views import serve as wagtail_serve

    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    return view is wagtail_serve or getattr(view, "serves_public_pages", False)


# --- The generation -----------------------------------------------------------------------------


def _create_generation_row() -> tuple[str, int]:
    from .models import CacheGeneration

    try:
        with transaction.atomic():
            row = CacheGeneration.objects.create(pk=1, token=secrets.token_hex(4), number=1)
    except IntegrityError:  # another process created it first
        row = CacheGeneration.objects.get(pk=1)
    return row.token, row.number


def current_generation() -> str:
    """The generation as it is in the database now (one query)."""
    from .models import CacheGeneration

    # Plain SQL: this runs on every cacheable request, and the ORM's query building would cost
    # more than the query itself.
    table = connection.ops.quote_name(CacheGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token, number FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        row = _create_generation_row()
    return f"{row[0]}.{row[1]}"


def request_generation(request) -> str:
    """The generation for this request, read at most once per request."""
    generation = getattr(request, _GENERATION, None)
    if generation is None:
        generation = current_generation()
        setattr(request, _GENERATION, generation)
    return generation


def bump_generation() -> None:
    """Invalidate every cached public page, in every process, now."""
    from .models import CacheGeneration

    updated = CacheGeneration.objects.filter(pk=1).update(number=F("number") + 1, bumped_at=Now())
    if not updated:
        # No row yet: a new one has a new token, which no cached entry can match.
        _create_generation_row()


def bump_generation_on_commit() -> None:
    """Invalidate once the current transaction commits (immediately outside a transaction).

    After commit, because a process that re-rendered a page between the bump and the commit would
    cache the old content under the new generation.
    """
    transaction.on_commit(bump_generation, robust=True)


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
    return _query_is_cacheable(request) and _serves_public_pages(request)


def cache_key(request) -> str:
    query = "&".join(f"{key}={request.GET[key]}" for key in sorted(request.GET))
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}|{language}"
    digest = hashlib.sha256(url.encode()).hexdigest()[:40]
    return f"rongmei:page:{request_generation(request)}:{digest}"


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


def _freeze(response) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = [(name, value) for name, value in response.items() if name.lower() != CACHE_HEADER.lower()]
    return response.status_code, response.content, headers


def _thaw(frozen) -> HttpResponse:
    status, content, headers = frozen
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class PublicPageCacheMiddleware:
    """Serve and store whole public pages for anonymous visitors; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        key = cache_key(request)
        frozen = cache.get(key)
        if frozen is not None:
            response = _thaw(frozen)
            response[CACHE_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if getattr(request, _MARK, False):
            if response_is_storable(request, response):
                cache.set(key, _freeze(response), settings.PUBLIC_PAGE_CACHE_SECONDS)
            response[CACHE_HEADER] = "miss"
        return response
