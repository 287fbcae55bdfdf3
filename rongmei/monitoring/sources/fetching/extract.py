"""Title, publish time, author and body of an article page: trafilatura first, lxml as the fallback
(<title>/og: tags and the largest block of paragraphs) when trafilatura finds no text."""

import logging
from dataclasses import dataclass
from datetime import datetime

import lxml.etree
import lxml.html
import trafilatura

from .dates import parse_datetime_text

logger = logging.getLogger(__name__)

# meta names and properties that Chinese news sites and CMSs use for the publish time and author
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "datepublished",
    "dc.date.issued",
    "dc.date",
)
AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "byline")
MIN_BODY_CHARS = 20


@dataclass
class Article:
    title: str = ""
    author: str = ""
    published_at: datetime | None = None
    body: str = ""
    method: str = ""


def _meta(doc):
    values = {}
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in values:
            values[key] = content
    return values


def _clean_lines(text):
    return "\n".join(" ".join(line.split()) for line in (text or "").splitlines() if line.strip())


def _largest_block(doc):
    for bad in doc.xpath("//script|//style|//noscript|//nav|//header|//footer"):
        bad.drop_tree()
    best, best_len = "", 0
    for element in doc.iter("div", "article", "section", "td", "main"):
        paragraphs = [p.text_content().strip() for p in element.findall("p")]
        text = "\n".join(p for p in paragraphs if p)
        if len(text) > best_len:
            best, best_len = text, len(text)
    if best_len == 0 and doc.find("body") is not None:
        best = doc.find("body").text_content()
    return _clean_lines(best)


TRAFILATURA_OPTIONS = {"with_metadata": True, "include_comments": False, "include_tables": True}


def extract_article(html_text, url=""):
    try:
        doc = lxml.html.document_fromstring(html_text)
    except (lxml.etree.ParserError, ValueError):
        return Article(method="fallback")
    meta = _meta(doc)
    found = None
    try:
        found = trafilatura.bare_extraction(html_text, url=url or None, **TRAFILATURA_OPTIONS)
    except Exception:  # trafilatura on a malformed page must not end the run
        logger.warning("trafilatura failed on %s", url, exc_info=True)
    article = Article()
    if found is not None and len((found.text or "").strip()) >= MIN_BODY_CHARS:
        article.method = "trafilatura"
        article.title = (found.title or "").strip()
        article.author = (found.author or "").strip()
        body = _clean_lines(found.text)
        # trafilatura keeps the <h1> as the first line; the title has its own field.
        first, _, rest = body.partition("\n")
        article.body = rest if article.title and first.strip() == article.title and rest else body
        date_text = found.date
    else:
        article.method = "fallback"
        article.body = _largest_block(doc)
        date_text = None
    if not article.title:
        title_el = doc.find(".//title")
        article.title = meta.get("og:title") or (
            title_el.text_content().strip() if title_el is not None else ""
        )
    if not article.author:
        article.author = next((meta[k] for k in AUTHOR_META if meta.get(k)), "")
    # A meta tag carries the time of day; trafilatura (htmldate) gives the date only.
    meta_date = next((meta[k] for k in DATE_META if meta.get(k)), None)
    article.published_at = parse_datetime_text(meta_date) or parse_datetime_text(date_text)
    article.title = article.title[:500]
    article.author = article.author[:200]
    return article
