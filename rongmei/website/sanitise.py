"""User text on its way into HTML that no template escapes for us (the RSS item descriptions).

An RSS reader renders an item's <description> as HTML. A lead is plain text, so it is escaped
into paragraphs first (a lead that reads "<script>" shows those characters); the fragment then
passes nh3 (the Rust ammonia sanitiser) with only <p> and <br> allowed, so whatever is added to a
feed description later gets no script, event attribute or link through either.
See docs/decisions/0013-sanitising-user-text.md.
"""

import nh3
from django.utils.html import escape

FEED_TAGS = {"p", "br"}


def text_to_html(text: str) -> str:
    """Plain text as an HTML fragment: every character shown as typed, one <p> per paragraph."""
    paragraphs = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def clean_html(html: str, tags=FEED_TAGS) -> str:
    """``html`` with only ``tags`` left, without attributes; scripts and styles go with their content."""
    return nh3.clean(html or "", tags=set(tags), attributes={}, url_schemes=set(), link_rel=None)


def feed_description(text: str) -> str:
    return clean_html(text_to_html(text))
