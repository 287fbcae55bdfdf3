"""Partners' documents into ``Incoming`` items, each checked on its own.

``parse_ninjs_document`` reads a ninjs feed (a JSON list, or an object with ``items``), ``parse_ninjs_item``
one pushed item, ``parse_feed_document`` RSS or Atom through feedparser. Each returns the good items
and, per refused item, its errors by field (``{"headlines": [{"code": "required", "params": {}}]}``,
codes in ``messages.MESSAGES``), so one bad item never costs the others.
"""

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser

from rongmei.core.weburls import is_http_url
from rongmei.monitoring.sources.fetching.dates import parse_datetime_text
from rongmei.monitoring.sources.fetching.errors import FetchError
from rongmei.monitoring.sources.fetching.parsers import html_to_text

from . import sanitise

MAX_GUID = 1000
MAX_HEADLINE = 500
MAX_BYLINE = 200
MAX_BODY = 500_000
MAX_URL = 1000
PUBSTATUSES = ("usable", "withheld", "canceled")


@dataclass
class Incoming:
    guid: str
    headline: str
    version: str
    body_html: str = ""
    lead: str = ""
    byline: str = ""
    published_at: datetime | None = None
    version_created_at: datetime | None = None
    original_url: str = ""
    rights: str = ""
    pubstatus: str = "usable"
    language: str = ""
    raw: dict = field(default_factory=dict)


@dataclass
class Problem:
    ref: str  # what the editor can find the item by: its id, its headline or its position
    errors: dict[str, list[dict]]

    def as_dict(self):
        return {"ref": self.ref, "errors": self.errors}


@dataclass
class ParseResult:
    items: list[Incoming] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Errors:
    def __init__(self):
        self.by_field: dict[str, list[dict]] = {}

    def add(self, field_name, code, **params):
        self.by_field.setdefault(field_name, []).append({"code": code, "params": params})

    def __bool__(self):
        return bool(self.by_field)


# --- ninjs ----------------------------------------------------------------------------------------


def _text(item, name, errors, *, max_length=None, required=False):
    value = item.get(name)
    if value is None or value == "":
        if required:
            errors.add(name, "required")
        return ""
    if not isinstance(value, str):
        errors.add(name, "not_a_string")
        return ""
    value = value.strip()
    if max_length and len(value) > max_length:
        errors.add(name, "too_long", max=max_length)
    return value


def _time(item, name, errors):
    value = item.get(name)
    if value in (None, ""):
        return None
    parsed = parse_datetime_text(value) if isinstance(value, str) else None
    if parsed is None:
        errors.add(name, "bad_date")
    return parsed


def _objects(item, name, errors):
    value = item.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(name, "not_a_list_field")
        return []
    good = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            errors.add(f"{name}[{index}]", "not_an_object_field")
        else:
            good.append((index, entry))
    return good


def _entry_value(name, index, entry, errors, key="value"):
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(f"{name}[{index}].{key}", "not_a_string")
        return ""
    return value


def _headline(item, errors):
    candidates = []
    for index, entry in _objects(item, "headlines", errors):
        value = _entry_value("headlines", index, entry, errors).strip()
        if value:
            candidates.append((entry.get("role") not in ("main", None), value))
    if candidates:
        return sorted(candidates, key=lambda c: c[0])[0][1]
    for legacy in ("headline", "title"):  # ninjs 1.x
        value = item.get(legacy)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _body(item, errors):
    by_role: list[tuple[bool, str, str]] = []
    for index, entry in _objects(item, "bodies", errors):
        value = _entry_value("bodies", index, entry, errors)
        if value.strip():
            contenttype = entry.get("contenttype") if isinstance(entry.get("contenttype"), str) else ""
            by_role.append((entry.get("role") not in ("main", None), contenttype or "text/html", value))
    if by_role:
        _not_main, contenttype, value = sorted(by_role, key=lambda b: b[0])[0]
    elif isinstance(item.get("body_html"), str) and item["body_html"].strip():  # ninjs 1.x
        contenttype, value = "text/html", item["body_html"]
    elif isinstance(item.get("body_text"), str) and item["body_text"].strip():
        contenttype, value = "text/plain", item["body_text"]
    else:
        return ""
    if len(value) > MAX_BODY:
        errors.add("bodies", "body_too_long", max=MAX_BODY)
        return ""
    if "html" in contenttype:
        return sanitise.clean_body(value)
    return sanitise.plain_to_html(value)


def _lead(item, errors):
    for index, entry in _objects(item, "descriptions", errors):
        value = _entry_value("descriptions", index, entry, errors).strip()
        if value and entry.get("role") in ("lead", "summary", "abstract", None):
            contenttype = entry.get("contenttype") or "text/plain"
            return html_to_text(value) if "html" in str(contenttype) else value
    legacy = item.get("description_text")
    return legacy.strip() if isinstance(legacy, str) else ""


def _original_url(item, errors):
    for index, entry in _objects(item, "renditions", errors):
        href = entry.get("href")
        if not isinstance(href, str) or not href.strip():
            continue
        if entry.get("name") == "web" or "html" in str(entry.get("contenttype") or ""):
            if not is_http_url(href.strip()) or len(href) > MAX_URL:
                errors.add(f"renditions[{index}].href", "bad_url")
                return ""
            return href.strip()
    return ""


def _rights(item, errors):
    parts = []
    for name in ("copyrightholder", "copyrightnotice", "usageterms"):
        value = _text(item, name, errors, max_length=2000)
        if value:
            parts.append(value)
    return "\n".join(parts)


def parse_ninjs_item(item) -> tuple[Incoming | None, dict[str, list[dict]]]:
    """One ninjs 2.x (or 1.x) item: (Incoming, {}) or (None, errors by field)."""
    errors = _Errors()
    if not isinstance(item, dict):
        errors.add("item", "not_an_object")
        return None, errors.by_field
    guid = _text(item, "uri", errors, max_length=MAX_GUID, required=True)
    version = item.get("version")
    if isinstance(version, int) and not isinstance(version, bool):
        version = str(version)
    elif version is not None and not isinstance(version, str):
        errors.add("version", "not_a_string")
        version = ""
    version = (version or "").strip()[:100]
    pubstatus = item.get("pubstatus") or "usable"
    if pubstatus not in PUBSTATUSES:
        errors.add("pubstatus", "bad_choice", choices=", ".join(PUBSTATUSES))
    headline = _headline(item, errors)
    if not headline and pubstatus != "canceled":
        errors.add("headlines", "required")
    if len(headline) > MAX_HEADLINE:
        errors.add("headlines", "too_long", max=MAX_HEADLINE)
    byline = _text(item, "by", errors, max_length=MAX_BYLINE)
    language = _text(item, "language", errors, max_length=20)
    versioncreated = _time(item, "versioncreated", errors)
    firstcreated = _time(item, "firstcreated", errors)
    contentcreated = _time(item, "contentcreated", errors)
    body = _body(item, errors)
    lead = _lead(item, errors)
    original_url = _original_url(item, errors)
    rights = _rights(item, errors)
    if errors:
        return None, errors.by_field
    if not version:
        version = (versioncreated.isoformat() if versioncreated else "") or _digest(headline, body)
    return (
        Incoming(
            guid=guid,
            headline=headline,
            version=version,
            body_html=body,
            lead=lead[:1000],
            byline=byline,
            published_at=firstcreated or contentcreated or versioncreated,
            version_created_at=versioncreated,
            original_url=original_url,
            rights=rights,
            pubstatus=pubstatus,
            language=language,
            raw=item,
        ),
        {},
    )


def _ref(item, index):
    if isinstance(item, dict):
        for key in ("uri", "guid"):
            if isinstance(item.get(key), str) and item[key].strip():
                return item[key].strip()[:300]
        headline = _headline(item, _Errors())
        if headline:
            return headline[:300]
    return f"#{index + 1}"


def ninjs_items(data):
    """The list of items of a decoded ninjs document, or None when it holds none."""
    items = data.get("items", data.get("data")) if isinstance(data, dict) else data
    return items if isinstance(items, list) else None


def storable(value):
    """Decoded JSON as the database can keep it: NUL characters removed and lone surrogates (an
    escaped half of a pair) replaced with "?" in every string and key. PostgreSQL's text and jsonb
    columns refuse both; neither means anything in a story."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [storable(entry) for entry in value]
    if isinstance(value, dict):
        return {storable(key): storable(entry) for key, entry in value.items()}
    return value


def parse_ninjs_document(content: bytes) -> ParseResult:
    try:
        data = storable(json.loads(content.decode("utf-8-sig")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError("bad_json", detail=str(exc)[:200])
    items = ninjs_items(data)
    if items is None:
        raise FetchError("not_a_list")
    result = ParseResult()
    for index, raw in enumerate(items):
        incoming, errors = parse_ninjs_item(raw)
        if incoming is None:
            result.problems.append(Problem(_ref(raw, index), errors))
        else:
            result.items.append(incoming)
    return result


# --- RSS / Atom -----------------------------------------------------------------------------------


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _when(struct):
    return datetime(*struct[:6], tzinfo=UTC) if struct else None


def _raw_entry(entry) -> dict:
    keep = ("id", "link", "title", "author", "summary", "published", "updated", "rights")
    raw = {key: str(dict.get(entry, key)) for key in keep if dict.get(entry, key)}
    if entry.get("content"):
        raw["content"] = [{"type": c.get("type", ""), "value": c.get("value", "")} for c in entry["content"]]
    if entry.get("tags"):
        raw["tags"] = [t.get("term", "") for t in entry["tags"] if t.get("term")]
    enclosures = [link.get("href") for link in entry.get("links", []) if link.get("rel") == "enclosure"]
    if enclosures:
        raw["enclosures"] = enclosures
    return raw


def parse_feed_document(content: bytes, *, content_type="", base_url="") -> ParseResult:
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers={"content-type": content_type or "application/xml", "content-location": base_url},
    )
    if not parsed.get("version") and not parsed.entries:
        head = content[:2048].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise FetchError("html_not_feed")
        raise FetchError("broken_feed", detail=str(parsed.get("bozo_exception") or "not RSS or Atom")[:200])
    feed_rights = parsed.feed.get("rights", "") if parsed.get("feed") else ""
    language = (parsed.feed.get("language", "") if parsed.get("feed") else "")[:20]
    result = ParseResult()
    for index, entry in enumerate(parsed.entries):
        errors = _Errors()
        link = (entry.get("link") or "").strip()
        guid = (entry.get("id") or "").strip() or link
        if not is_http_url(link) or len(link) > MAX_URL:
            link = ""  # feedparser takes an Atom id for the link; the original address is optional
        if not guid:
            errors.add("guid", "no_id")
        if len(guid) > MAX_GUID:
            errors.add("guid", "too_long", max=MAX_GUID)
        headline = html_to_text(entry.get("title", "")).strip()
        if not headline:
            errors.add("title", "no_headline")
        elif len(headline) > MAX_HEADLINE:
            errors.add("title", "too_long", max=MAX_HEADLINE)
        content_html = entry["content"][0].get("value", "") if entry.get("content") else ""
        summary = entry.get("summary", "")
        body_source = content_html or summary
        if len(body_source) > MAX_BODY:
            errors.add("content", "body_too_long", max=MAX_BODY)
        if errors:
            result.problems.append(Problem(guid[:300] or headline[:300] or f"#{index + 1}", errors.by_field))
            continue
        body = sanitise.clean_body(body_source)
        lead = html_to_text(summary) if content_html and summary else ""
        # dict.get: feedparser's own get() maps a missing "updated" to "published" (and warns).
        updated = _when(dict.get(entry, "updated_parsed"))
        published = _when(dict.get(entry, "published_parsed")) or updated
        version = updated.isoformat() if updated else _digest(headline, body)
        result.items.append(
            Incoming(
                guid=guid,
                headline=headline,
                version=version,
                body_html=body,
                lead=lead[:1000],
                byline=(entry.get("author") or "")[:MAX_BYLINE],
                published_at=published,
                version_created_at=updated,
                original_url=link,
                rights=(entry.get("rights") or feed_rights or "")[:2000],
                language=language,
                raw=_raw_entry(entry),
            )
        )
    return result
