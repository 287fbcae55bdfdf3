"""Marking a query's words in search results: HTML-escaped text with <mark> around each hit."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .segment import plain_text

ELLIPSIS = "…"


def _pattern(terms):
    terms = sorted({term for term in terms if term}, key=len, reverse=True)
    if not terms:
        return None
    # Longest first, so 国务院 is marked whole rather than 国务 + 院.
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def highlight(text: str, terms) -> SafeString:
    """``text`` (plain text) escaped, with each occurrence of a term wrapped in <mark>."""
    text = text or ""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 (escaped just now)
    pieces = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped)


def excerpt(text: str, terms, length: int = 120) -> SafeString:
    """About ``length`` characters of ``text`` (HTML or plain) around the first hit, highlighted."""
    text = " ".join(plain_text(text or "").split())
    if not text:
        return mark_safe("")
    pattern = _pattern(terms)
    match = pattern.search(text) if pattern is not None else None
    start = 0
    if match is not None and match.start() > length // 3:
        start = match.start() - length // 3
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    snippet = text[start:end]
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return mark_safe(prefix + highlight(snippet, terms) + suffix)  # noqa: S308 (highlight escapes)


def contains_any(text: str, terms) -> bool:
    pattern = _pattern(terms)
    return bool(pattern and pattern.search(plain_text(text or "")))
