"""One parser per source type. Each turns a fetched document into `Entry`s (links with whatever the
source says about them) or raises `FetchError` with a plain-words code."""

import io
import json
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
from cssselect import GenericTranslator, SelectorError
from django.utils.translation import gettext as _

from rongmei.core.weburls import is_http_url, normalize_url

from .dates import parse_datetime_text
from .errors import FetchError
from .urls import MAX_URL_LENGTH


@dataclass
class Entry:
    url: str
    title: str = ""
    author: str = ""
    published_at: datetime | None = None
    body: str = ""
    # True when the source gave the whole text (ninjs): the article page need not be fetched.
    complete: bool = False


@dataclass
class Parsed:
    entries: list[Entry] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    child_sitemaps: list[str] = field(default_factory=list)


def html_to_text(html):
    if not html or not html.strip():
        return ""
    try:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return html.strip()
    for bad in fragment.xpath(".//script|.//style"):
        bad.drop_tree()
    for block in fragment.xpath(".//p|.//br|.//div|.//li|.//h1|.//h2|.//h3"):
        block.tail = "\n" + (block.tail or "")
    return "\n".join(line.strip() for line in fragment.text_content().splitlines() if line.strip())


def _looks_like_html(content):
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return b"<html" in head and not any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


# -- RSS / Atom -----------------------------------------------------------------------------------


def parse_feed(content, *, content_type="", base_url=""):
    # A file object: feedparser would fetch a string that looks like a URL itself.
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers={"content-type": content_type or "application/xml", "content-location": base_url},
    )
    if not parsed.get("version") and not parsed.entries:
        if _looks_like_html(content):
            raise FetchError("html_not_feed")
        reason = parsed.get("bozo_exception") or _("not RSS or Atom")
        raise FetchError("broken_feed", detail=str(reason)[:200])
    result = Parsed()
    if parsed.get("bozo"):
        result.notes.append(
            {"code": "feed_warning", "params": {"detail": str(parsed.get("bozo_exception"))[:200]}}
        )
    without_link = 0
    for raw in parsed.entries:
        link = raw.get("link") or next(
            (link.get("href") for link in raw.get("links", []) if link.get("href")), ""
        )
        url = urljoin(base_url, link.strip()) if link else ""
        if not is_http_url(url):
            without_link += 1
            continue
        when = raw.get("published_parsed") or raw.get("updated_parsed")
        body_html = raw["content"][0].get("value", "") if raw.get("content") else raw.get("summary", "")
        result.entries.append(
            Entry(
                url=url,
                title=html_to_text(raw.get("title", ""))[:500],
                author=(raw.get("author") or "")[:200],
                published_at=datetime(*when[:6], tzinfo=UTC) if when else None,
                body=html_to_text(body_html),
            )
        )
    if without_link:
        result.notes.append({"code": "entries_without_link", "params": {"count": without_link}})
    return result


# -- ninjs ----------------------------------------------------------------------------------------


def _ninjs_text(item):
    def text(value):  # a partner's field of another type is left out, not a crash
        return value if isinstance(value, str) else ""

    bodies = item.get("bodies") or []
    if isinstance(bodies, list):
        by_type = {
            text(b.get("contenttype", "")): text(b.get("value", "")) for b in bodies if isinstance(b, dict)
        }
        if by_type.get("text/plain"):
            return by_type["text/plain"].strip()
        for value in by_type.values():
            if value:
                return html_to_text(value)
    # ninjs 1.x
    return text(item.get("body_text")).strip() or html_to_text(text(item.get("body_html")))


def _ninjs_title(item):
    headlines = item.get("headlines") or []
    if isinstance(headlines, list):
        ordered = sorted(
            (h for h in headlines if isinstance(h, dict) and h.get("value")),
            key=lambda h: h.get("role") not in ("main", None),
        )
        if ordered:
            return ordered[0]["value"]
    return item.get("headline") or item.get("title") or ""


def parse_ninjs(content):
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError("bad_json", detail=str(exc)[:200])
    items = data.get("items", data.get("data")) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FetchError("bad_ninjs")
    result = Parsed()
    skipped = 0
    for item in items:
        uri = item.get("uri") if isinstance(item, dict) else None
        if not isinstance(uri, str) or not uri.strip():
            skipped += 1
            continue
        if item.get("pubstatus") in ("canceled", "withheld"):
            continue  # the partner withdrew it
        when = item.get("firstcreated") or item.get("contentcreated") or item.get("versioncreated")
        result.entries.append(
            Entry(
                url=uri.strip(),
                title=str(_ninjs_title(item))[:500],
                author=str(item.get("by") or "")[:200],
                published_at=parse_datetime_text(when) if isinstance(when, str) else None,
                body=_ninjs_text(item),
                complete=True,
            )
        )
    if skipped:
        result.notes.append({"code": "ninjs_items_skipped", "params": {"count": skipped}})
    return result


# -- sitemap --------------------------------------------------------------------------------------


def _gunzip(content, max_bytes):
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(content, max_bytes + 1)
    except zlib.error as exc:
        raise FetchError("bad_sitemap", detail=str(exc))
    if len(data) > max_bytes:
        raise FetchError("too_large", limit_mb=f"{max_bytes / 1024 / 1024:g}")
    return data


def parse_sitemap(content, *, max_bytes=5 * 1024 * 1024):
    if content[:2] == b"\x1f\x8b":  # a .xml.gz file served as is
        content = _gunzip(content, max_bytes)
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(content, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise FetchError("bad_sitemap", detail=str(exc)[:200])
    kind = lxml.etree.QName(root).localname

    def child_text(element, name):
        for child in element.iter():
            if isinstance(child.tag, str) and lxml.etree.QName(child).localname == name and child.text:
                return child.text.strip()
        return ""

    result = Parsed()
    if kind == "sitemapindex":
        children = [
            (child_text(el, "lastmod"), child_text(el, "loc"))
            for el in root
            if isinstance(el.tag, str) and lxml.etree.QName(el).localname == "sitemap"
        ]
        children.sort(reverse=True)  # newest first: they hold the new articles
        result.child_sitemaps = [loc for _lastmod, loc in children if is_http_url(loc)]
        return result
    if kind != "urlset":
        raise FetchError("bad_sitemap", detail=_("the document is <%(tag)s>, not a sitemap") % {"tag": kind})
    for el in root:
        if not isinstance(el.tag, str) or lxml.etree.QName(el).localname != "url":
            continue
        loc = child_text(el, "loc")
        if not is_http_url(loc):
            continue
        when = child_text(el, "publication_date") or child_text(el, "lastmod")
        result.entries.append(
            Entry(url=loc, title=child_text(el, "title")[:500], published_at=parse_datetime_text(when))
        )
    result.entries.sort(key=lambda e: e.published_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return result


# -- list page ------------------------------------------------------------------------------------


# Nested functional pseudo-classes (:has(:has(:has(a)))) make lxml's XPath exponential in the
# page's depth: three levels take a second on a 200-deep page, four a minute, on the worker.
MAX_SELECTOR_NESTING = 2


def _selector_nesting(selector):
    depth = deepest = 0
    for char in selector:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


def _selector_error(selector):
    """The FetchError a selector would cause, or None (forms at save time, the fetcher at fetch time)."""
    if _selector_nesting(selector) > MAX_SELECTOR_NESTING:
        return FetchError("selector_too_complex", selector=selector[:300], limit=MAX_SELECTOR_NESTING)
    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        return FetchError("bad_selector", selector=selector, detail=str(exc))
    return None


def check_selector(selector):
    """None when `selector` is a usable CSS selector, else the problem in plain words."""
    error = _selector_error(selector)
    return error.message if error else None


NAV_HINT = re.compile(r"nav|menu|footer|header|breadcrumb|pag(e|ination)|copyright|friend|banner", re.I)
ARTICLE_PATH = re.compile(r"\d{4,}|\d{4}[-/_]?\d{1,2}|\.s?html?$|\.shtm$")
MIN_TITLE_CHARS = 6


def _in_navigation(element):
    for ancestor in element.iterancestors():
        if ancestor.tag in ("nav", "header", "footer", "aside"):
            return True
        if NAV_HINT.search(f"{ancestor.get('class', '')} {ancestor.get('id', '')}"):
            return True
    return False


def _site(host):
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


def _make_links_absolute(doc, base_url):
    """lxml's ``make_links_absolute`` raises on a broken ``<base href>`` (it does not pass
    ``handle_failures`` on) and on a link it cannot write back (control characters): a broken
    base is ignored and such a link dropped instead."""
    for base in doc.xpath("//base[@href]"):
        href = base.get("href") or ""
        base.drop_tree()
        try:
            joined = urljoin(base_url, href.strip())
        except ValueError:
            continue
        if is_http_url(joined):
            base_url = joined

    def absolute(href):
        try:
            url = urljoin(base_url, href.strip())
        except ValueError:
            return None
        return url if url.isprintable() else None

    doc.rewrite_links(absolute, resolve_base_href=False)


def find_links(html_text, *, base_url, selector=""):
    """Article links of a list page: those the selector picks, or else those that look like articles."""
    try:
        doc = lxml.html.document_fromstring(html_text)
    except (lxml.etree.ParserError, ValueError):
        raise FetchError("no_links")
    _make_links_absolute(doc, base_url)
    if selector:
        error = _selector_error(selector)  # saved before the limit existed
        if error is not None and error.code == "selector_too_complex":
            raise error
        try:
            picked = doc.cssselect(selector)
        except SelectorError as exc:
            raise FetchError("bad_selector", selector=selector, detail=str(exc))
        anchors = []
        for element in picked:
            anchors.extend([element] if element.tag == "a" else element.iter("a"))
    else:
        anchors = _auto_anchors(doc, base_url)
    result, seen = Parsed(), set()
    for anchor in anchors:
        url = (anchor.get("href") or "").strip()
        if not is_http_url(url) or len(url) > MAX_URL_LENGTH:
            continue
        key = normalize_url(url)
        if key in seen or key == normalize_url(base_url):
            continue
        seen.add(key)
        title = " ".join(anchor.text_content().split()) or anchor.get("title", "")
        result.entries.append(Entry(url=url, title=title[:500]))
    if not result.entries:
        raise FetchError("no_links")
    return result


def _auto_anchors(doc, base_url):
    site = _site(urlsplit(base_url).hostname)
    candidates = []
    for anchor in doc.iter("a"):
        href = anchor.get("href") or ""
        if not is_http_url(href):
            continue
        parts = urlsplit(href)
        host = _site(parts.hostname)
        if host != site and not host.endswith("." + site):
            continue
        text = "".join(anchor.text_content().split())
        if len(text) < MIN_TITLE_CHARS or not ARTICLE_PATH.search(parts.path):
            continue
        if _in_navigation(anchor):
            continue
        candidates.append(anchor)
    # Articles of one list share a URL pattern; a stray link elsewhere on the page does not.
    groups = defaultdict(list)
    for anchor in candidates:
        path = urlsplit(anchor.get("href")).path
        groups[re.sub(r"\d+", "0", path.rsplit("/", 1)[0])].append(anchor)
    kept = {id(a) for group in groups.values() if len(group) >= 2 for a in group}
    return [a for a in candidates if id(a) in kept] or candidates
