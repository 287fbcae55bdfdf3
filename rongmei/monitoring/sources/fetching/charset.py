"""Bytes to text for pages whose servers often say nothing (or the wrong thing) about the charset.

Order: byte-order mark, the HTTP header, the page's own <meta>/XML declaration, then
charset-normalizer's detection. Each candidate must decode the whole page strictly to win.
"""

import codecs
import re

from charset_normalizer import from_bytes

# GB2312 and GBK labels are used for pages full of GBK-only (and GB18030) characters; GB18030 is a
# superset of both and decodes them all.
ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
}
# Labels that decode any byte sequence, so a wrong one would "succeed" with mojibake: tried last.
PERMISSIVE = {"latin-1", "iso8859-1", "cp1252", "ascii"}

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_\-]+)["']""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_\-]+)""", re.IGNORECASE)


def _codec(label):
    if not label:
        return None
    label = ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type):
    match = HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(content):
    head = content[:4096]
    match = XML_ENCODING.search(head) or META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def detected_charset(content):
    best = from_bytes(content[:200_000]).best()
    return best.encoding if best else None


def decode(content, content_type=""):
    """Return (text, codec name used)."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace"), "utf-16"
    candidates = [_codec(header_charset(content_type)), _codec(declared_charset(content))]
    strict = [c for c in candidates if c and c not in PERMISSIVE]
    permissive = [c for c in candidates if c and c in PERMISSIVE]
    for codec in strict:
        try:
            return content.decode(codec), codec
        except UnicodeDecodeError:
            continue
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        detected = _codec(detected_charset(content))
    else:
        detected = "utf-8"
    for codec in [detected, *permissive]:
        if codec:
            try:
                return content.decode(codec), codec
            except UnicodeDecodeError:
                continue
    return content.decode("utf-8", errors="replace"), "utf-8"
