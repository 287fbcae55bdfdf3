"""Fetching sources: the rules the task worker, the `fetch_sources` command and the admin share.

- `claim_due_sources()` picks sources whose time has come; each is claimed with a conditional
  UPDATE of `next_fetch_at`, so several schedulers/workers never fetch one source twice.
- `fetch_source()` runs one source: fetch (conditional GET), skip unchanged content, parse, fetch
  and extract new articles, store items. Any error ends up on the source in plain words; items
  stored before the error stay; nothing is raised to the worker.
"""

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from datetime import timedelta

import opencc
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongmei.core.weburls import normalize_url

from ..analysis.tasks import analyse_after_fetch
from ..messages import render_notes
from ..permissions import can_fetch_sources, require
from .fetching.charset import decode
from .fetching.errors import FetchError
from .fetching.extract import extract_article
from .fetching.http import PoliteClient
from .fetching.parsers import Entry, Parsed, find_links, parse_feed, parse_ninjs, parse_sitemap
from .fetching.urls import MAX_URL_LENGTH
from .models import MonitoredItem, Source

logger = logging.getLogger(__name__)

MAX_FAILURE_BACKOFF = timedelta(days=1)
HOST_BUSY_RETRY = timedelta(minutes=2)

_converter = None


def to_simplified(text):
    """Traditional → Simplified (OpenCC's offline t2s tables), for matching only."""
    global _converter
    if not text:
        return ""
    if _converter is None:
        _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def content_hash(text):
    compact = "".join((text or "").split())
    return hashlib.sha256(compact.encode("utf-8")).hexdigest() if compact else ""


@dataclass
class FetchReport:
    source_id: int
    source_name: str
    ok: bool
    new_items: int = 0
    error_code: str = ""
    error_message: str = ""
    notes: list[dict] = field(default_factory=list)

    @property
    def note_messages(self):
        return render_notes(self.notes)

    def as_dict(self):
        return {**asdict(self), "error_message": str(self.error_message), "note_messages": self.note_messages}


# -- scheduling -----------------------------------------------------------------------------------


def due_sources(now=None):
    now = now or timezone.now()
    return Source.objects.filter(enabled=True).filter(
        Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now)
    )


def claim_source(source_id, seen_next_fetch_at, interval_minutes, now):
    """Move `next_fetch_at` on, only if nobody else did since we read it. True if we won."""
    rows = Source.objects.filter(pk=source_id, enabled=True)
    if seen_next_fetch_at is None:
        rows = rows.filter(next_fetch_at__isnull=True)
    else:
        rows = rows.filter(next_fetch_at=seen_next_fetch_at)
    return rows.update(next_fetch_at=now + timedelta(minutes=interval_minutes)) == 1


def claim_due_sources(now=None, limit=200):
    """Claim every due source (oldest first); return the ids this caller won."""
    now = now or timezone.now()
    rows = due_sources(now).order_by(F("next_fetch_at").asc(nulls_first=True), "pk")
    rows = rows.values_list("pk", "next_fetch_at", "fetch_interval_minutes")[:limit]
    return [pk for pk, seen, minutes in rows if claim_source(pk, seen, minutes, now)]


# -- one source -----------------------------------------------------------------------------------


def fetch_source(source_id, *, client=None, now=None):
    """Fetch one source now and record the outcome on it. Never raises for a source's problem."""
    source = Source.objects.get(pk=source_id)
    own_client = client is None
    client = client or PoliteClient()
    started = now or timezone.now()
    notes = []
    created = 0
    try:
        state = _fetch_and_store(source, client, started, notes)
        created = state["created"]
    except FetchError as exc:
        _record_failure(source, exc, notes, started)
        return FetchReport(source.pk, source.name, False, 0, exc.code, exc.message, notes)
    except Exception as exc:  # the worker must go on with the other sources
        logger.exception("fetching source %s failed", source.pk)
        error = FetchError("unexpected", detail=type(exc).__name__, debug=repr(exc))
        _record_failure(source, error, notes, started)
        return FetchReport(source.pk, source.name, False, 0, error.code, error.message, notes)
    finally:
        if own_client:
            client.close()
    _record_success(source, state, notes, started)
    analyse_after_fetch(created)
    return FetchReport(source.pk, source.name, True, created, notes=notes)


def _fetch_and_store(source, client, now, notes):
    state = {
        "created": 0,
        "etag": source.etag,
        "last_modified": source.last_modified,
        "hash": source.content_hash,
    }
    conditional = {}
    if source.etag:
        conditional["If-None-Match"] = source.etag
    if source.last_modified:
        conditional["If-Modified-Since"] = source.last_modified
    response = client.get(source.url, headers=conditional)
    if response.not_modified:
        notes.append({"code": "not_modified"})
        return state
    digest = hashlib.sha256(response.content).hexdigest()
    if digest == source.content_hash:
        notes.append({"code": "unchanged"})
        state.update(
            etag=response.headers.get("etag", ""), last_modified=response.headers.get("last-modified", "")
        )
        return state

    parsed = _parse(source, client, response, notes)
    notes.extend(parsed.notes)
    complete = _store_entries(source, parsed.entries, client, now, notes, state)
    # Remember the version only when every new entry was handled; else the next run must look again.
    if complete:
        state.update(
            etag=response.headers.get("etag", "")[:300],
            last_modified=response.headers.get("last-modified", "")[:100],
            hash=digest,
        )
    else:
        state.update(etag="", last_modified="", hash="")
    return state


def _parse(source, client, response, notes):
    kind = source.kind
    if kind == Source.Kind.FEED:
        return parse_feed(response.content, content_type=response.content_type, base_url=response.url)
    if kind == Source.Kind.NINJS:
        return parse_ninjs(response.content)
    if kind == Source.Kind.LIST_PAGE:
        text, _encoding = decode(response.content, response.content_type)
        return find_links(text, base_url=response.url, selector=source.link_selector)
    if kind == Source.Kind.SITEMAP:
        parsed = parse_sitemap(response.content, max_bytes=client.policy.max_bytes)
        if not parsed.child_sitemaps:
            return parsed
        merged = Parsed()
        limit = client.policy.max_child_sitemaps
        for child_url in parsed.child_sitemaps[:limit]:
            child = parse_sitemap(client.get(child_url).content, max_bytes=client.policy.max_bytes)
            merged.entries.extend(child.entries)
        if len(parsed.child_sitemaps) > limit:
            notes.append(
                {
                    "code": "sitemap_children_skipped",
                    "params": {"count": len(parsed.child_sitemaps) - limit, "limit": limit},
                }
            )
        return merged
    raise FetchError("unexpected", detail=f"unknown source type {kind}")


def _new_entries(entries):
    """Entries whose URL is not stored yet, first occurrence of each, in the source's order."""
    keyed = {}
    for entry in entries:
        if len(entry.url) > MAX_URL_LENGTH:
            continue
        keyed.setdefault(normalize_url(entry.url), entry)
    known = set()
    keys = list(keyed)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        known.update(
            MonitoredItem.objects.filter(normalized_url__in=chunk).values_list("normalized_url", flat=True)
        )
    return [(key, entry) for key, entry in keyed.items() if key not in known]


def _store_entries(source, entries, client, now, notes, state):
    new = _new_entries(entries)
    limit = client.policy.max_articles_per_run
    failed_with_summary, skipped, first_skip, without_text = 0, 0, "", 0
    for key, entry in new[:limit]:
        encoding, method = "", "ninjs" if entry.complete else "feed"
        if not entry.complete:
            try:
                article, encoding = _fetch_article(client, entry.url)
            except FetchError as exc:
                if entry.body:
                    failed_with_summary += 1
                else:
                    skipped += 1
                    first_skip = first_skip or f"{entry.url} — {exc.message}"
                    continue
            else:
                method = article.method
                entry = Entry(
                    url=entry.url,
                    # the source's own title and time are more reliable than what a page suggests
                    title=entry.title or article.title,
                    author=entry.author or article.author,
                    published_at=entry.published_at or article.published_at,
                    body=article.body or entry.body,
                )
                without_text += 0 if article.body else 1
        if _create_item(source, key, entry, now, encoding, method, client.policy.future_tolerance, notes):
            state["created"] += 1
    if failed_with_summary:
        notes.append({"code": "article_failed", "params": {"count": failed_with_summary}})
    if without_text:
        notes.append({"code": "no_text", "params": {"count": without_text}})
    if skipped:
        notes.append({"code": "article_skipped", "params": {"count": skipped, "first": first_skip[:300]}})
    pending = max(0, len(new) - limit)
    if pending:
        notes.append({"code": "more_pending", "params": {"count": pending}})
    return pending == 0


def _fetch_article(client, url):
    response = client.get(url)
    text, encoding = decode(response.content, response.content_type)
    return extract_article(text, response.url), encoding


def _create_item(source, key, entry, now, encoding, method, tolerance, run_notes):
    item_notes = []
    published = entry.published_at
    if published and published > now + tolerance:
        given = published.isoformat()
        item_notes.append({"code": "future_date", "params": {"given": given}})
        if not any(n["code"] == "future_date" for n in run_notes):
            run_notes.append({"code": "future_date", "params": {"given": given}})
        published = now
    body_simplified = to_simplified(entry.body)
    try:
        with transaction.atomic():
            MonitoredItem.objects.create(
                source=source,
                url=entry.url,
                normalized_url=key,
                title=entry.title[:500],
                title_simplified=to_simplified(entry.title[:500]),
                author=entry.author[:200],
                published_at=published,
                fetched_at=now,
                body=entry.body,
                body_simplified=body_simplified,
                content_hash=content_hash(body_simplified),
                raw_encoding=encoding[:40],
                extraction=method,
                notes=item_notes,
            )
    except IntegrityError:
        return False  # another worker stored the same URL from another source a moment ago
    return True


# -- outcome --------------------------------------------------------------------------------------


def _record_success(source, state, notes, now):
    Source.objects.filter(pk=source.pk).update(
        last_fetched_at=now,
        last_success_at=now,
        consecutive_failures=0,
        last_run_new_items=state["created"],
        last_run_notes=notes,
        etag=state["etag"],
        last_modified=state["last_modified"],
        content_hash=state["hash"],
    )


def _record_failure(source, error, notes, now):
    updates = {
        "last_fetched_at": now,
        "last_run_new_items": 0,
        "last_run_notes": notes,
    }
    if error.code == "host_busy":
        # Not the source's fault: come back soon, count nothing.
        updates["next_fetch_at"] = now + HOST_BUSY_RETRY
    else:
        failures = source.consecutive_failures + 1
        backoff = min(source.fetch_interval * 2 ** min(failures - 1, 6), MAX_FAILURE_BACKOFF)
        updates.update(
            consecutive_failures=F("consecutive_failures") + 1,
            last_error_at=now,
            last_error_code=error.code,
            last_error_params=error.params,
            last_error_detail=error.debug,
            next_fetch_at=now + backoff,
        )
    Source.objects.filter(pk=source.pk).update(**updates)


def fetch_source_now(source_id, *, client=None):
    """Fetch one source outside its schedule (the command's --source, the admin's "fetch now")."""
    source = Source.objects.get(pk=source_id)
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(next_fetch_at=now + source.fetch_interval)
    return fetch_source(source.pk, client=client)


def fetch_due_sources_inline(*, client=None, now=None):
    """Claim and fetch every due source in this process (the command; the worker uses tasks)."""
    return [fetch_source(pk, client=client) for pk in claim_due_sources(now)]


def queue_fetch_now(sources, *, acting_user, now=None) -> list[int]:
    """The admin's "fetch now": one fetch task per source, queued once this transaction commits.

    The next scheduled fetch moves one interval ahead first, so the periodic job does not claim
    the same source while the queued fetch waits for a worker.
    """
    from .tasks import fetch_source as fetch_source_task

    require(acting_user, can_fetch_sources, _("You may not fetch sources."))
    now = now or timezone.now()
    ids = []
    for source in sources:
        Source.objects.filter(pk=source.pk).update(next_fetch_at=now + source.fetch_interval)
        transaction.on_commit(lambda source_id=source.pk: fetch_source_task.enqueue(source_id))
        ids.append(source.pk)
    return ids
