"""What every public page reads before its own content, kept in each process while nothing changes.

Every page reads the same few things first: the site for the request's host name and its home page,
the navigation, the home page's sections, whether any page has a view restriction, the section a story
is in. They change only when a page, a site or a view restriction changes, and every such change moves
the page cache's clock (cache.py; signal_handlers.py bumps on commit). So each process keeps them
with the clock they were read at (``remembered``) and reads them again once the clock has moved. The
clock is trusted for ``PUBLIC_PAGE_CACHE_CLOCK_SECONDS`` (0.25 s), as for cached pages: a change made by
another process is seen that late at most, one made by this process at once. The clock's own read is one plain query,
made at most once per window, and is the one the page cache makes anyway.

Values kept here are shared by the process's threads: plain values and immutable objects only, never
model instances (a request gets its own instances, built from the values). ``PUBLIC_MEMO_ENABLED``
turns it off (the test settings do: their transactions never commit, so the clock never moves).
"""

import threading

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http.request import split_domain_port

from .cache import clock_stamp, serves_public_pages

# More keys than a site ever needs (its sections, its host names): past this, start again.
MAX_KEYS = 1000

_lock = threading.Lock()
_held: tuple = (None, {})  # (clock stamp, {key: value})


def enabled() -> bool:
    return getattr(settings, "PUBLIC_MEMO_ENABLED", True)


def remembered(key, compute):
    """``compute()``'s value, read again only after the clock moved (or always, when disabled)."""
    if not enabled():
        return compute()
    stamp = clock_stamp()
    held_stamp, values = _held
    if held_stamp == stamp and key in values:
        return values[key]
    # Computed after the stamp was read: the value is at least as new as the stamp says.
    value = compute()
    with _lock:
        _store(stamp, key, value)
    return value


def _store(stamp, key, value):
    global _held
    held_stamp, values = _held
    if held_stamp != stamp or len(values) >= MAX_KEYS:
        values = {}
        _held = (stamp, values)
    values[key] = value


def forget() -> None:
    """Drop everything (tests)."""
    global _held
    with _lock:
        _held = (None, {})


# --- Rows kept as values, handed out as fresh instances --------------------------------------


def row_of(instance) -> tuple:
    """An instance's concrete field values, with its model, to make an equal instance later."""
    model = type(instance)
    return model, tuple(getattr(instance, field.attname) for field in model._meta.concrete_fields)


def instance_from(row):
    model, values = row
    return model.from_db(DEFAULT_DB_ALIAS, [field.attname for field in model._meta.concrete_fields], values)


# --- The site for a request ---------------------------------------------------------------------


def _site_rows(hostname, port):
    from wagtail.models import Site
    from wagtail.models.sites import get_site_for_hostname

    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    return row_of(site), row_of(site.root_page.specific)


def site_for(request):
    """What Wagtail's ``Site.find_for_request`` answers, with its home page already specific."""
    from wagtail.models import Site

    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    rows = remembered(("site", hostname, port), lambda: _site_rows(hostname, port))
    if rows is None:
        return None
    site = instance_from(rows[0])
    Site.root_page.field.set_cached_value(site, instance_from(rows[1]))
    return site


class KnownSiteMiddleware:
    """Give each public page request its site (``request._wagtail_site``, where Wagtail looks first)
    from the memo, so routing the page and building its links read no site or home page row. Other
    requests (admin, API, health check) go on as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if enabled() and not hasattr(request, "_wagtail_site") and serves_public_pages(request):
            request._wagtail_site = site_for(request)
        return self.get_response(request)
