"""Text normalisation for matching and dedup (URLs have one normal form for the whole project:
``rongmei.core.weburls``, which dedup uses for its URL key).

Two text forms:
- ``for_matching(text)``: Traditional → Simplified (OpenCC ``t2s``, offline), full-width ASCII →
  half-width, lower case. It keeps the length, so a match found in it has the same offsets in
  the original text (the UI highlights the original, which is kept as fetched).
- ``for_dedup(text)``: ``for_matching`` minus whitespace, punctuation and symbols. Reprints differ
  most in exactly those (line breaks, quotes, a changed comma), so dedup ignores them.
"""

import hashlib
import re
import threading
from functools import cache

import opencc

# Full-width letters, digits and ASCII symbols → half-width (Ａ股 = A股); the ideographic space → a
# space. CJK punctuation （，。！？：；） stays: it is the normal form in Chinese text.
_FULLWIDTH_CHARS = "０-９Ａ-Ｚａ-ｚ＃＄％＆＋－／＜＝＞＠＿｜～　"
_FULLWIDTH = re.compile(f"[{_FULLWIDTH_CHARS}]")
_WIDTH = {
    code: (0x20 if code == 0x3000 else code - 0xFEE0)
    for code in range(0x3000, 0xFF5F)
    if _FULLWIDTH.match(chr(code))
}

_NOT_WORD = re.compile(r"[\W_]+")
_HAN_OR_TRAD_HINT = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_local = threading.local()


def _converter() -> opencc.OpenCC:
    # One OpenCC object per thread: its convert() is not documented as thread-safe.
    conv = getattr(_local, "t2s", None)
    if conv is None:
        conv = _local.t2s = opencc.OpenCC("t2s")
    return conv


@cache
def _t2s_char(char: str) -> str:
    out = _converter().convert(char)
    return out if len(out) == 1 else char


def to_simplified(text: str) -> str:
    """Traditional → Simplified, keeping the length (phrase-aware where OpenCC keeps it)."""
    if not _HAN_OR_TRAD_HINT.search(text):
        return text
    out = _converter().convert(text)
    if len(out) == len(text):
        return out
    # A phrase rule changed the length: fall back to character by character so offsets hold.
    return "".join(_t2s_char(c) for c in text)


def to_halfwidth(text: str) -> str:
    # str.translate with a dict walks every character in Python; most posts have nothing to map.
    return text.translate(_WIDTH) if _FULLWIDTH.search(text) else text


def _lower(text: str) -> str:
    out = text.lower()
    if len(out) == len(text):
        return out
    # A handful of characters (İ) lower-case to two; keep those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def for_matching(text: str) -> str:
    """Simplified, half-width, lower-case; same length as ``text``."""
    return _lower(to_halfwidth(to_simplified(text)))


def for_dedup(text: str) -> str:
    """``for_matching`` without whitespace, punctuation or symbols."""
    return _NOT_WORD.sub("", for_matching(text))


def dedup_from_matching(matching_text: str) -> str:
    """``for_dedup`` of a text whose ``for_matching`` form the caller already has."""
    return _NOT_WORD.sub("", matching_text)


def content_hash(text: str) -> str:
    """Hash of the dedup form: equal for copies that differ only in punctuation, spacing, width or script."""
    return content_hash_of_dedup(for_dedup(text))


def content_hash_of_dedup(dedup_text: str) -> str:
    return hashlib.blake2b(dedup_text.encode("utf-8"), digest_size=16).hexdigest()
