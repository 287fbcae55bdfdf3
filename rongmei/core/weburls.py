"""Web addresses: the one normal form of a URL (the dedup key of a fetched item, of a watched source,
of a reprint), and the small tests every feature asks of an address.

``normalize_url(url)``: lower-case scheme and host (IDNA-encoded, no trailing dot), no default port,
no password, no fragment, no tracking parameters (``TRACKING_PARAMS``, the ``TRACKING_PREFIXES``, and
the per-host noise of ``HOST_TRACKING_PARAMS``, e.g. WeChat's session parameters while ``__biz``,
``mid``, ``idx`` and ``sn`` stay), the remaining query sorted, the path percent-encoded in one way
(non-ASCII encoded, escapes in upper case, unreserved characters decoded), an empty path as ``/``.
The result is plain ASCII, so it can be a unique key on every database. Something that is not an
absolute URL (a partner's URN, text, a URL with a port that is not a number) comes back stripped
but otherwise unchanged.

``url_key(url)``: the normal form without the scheme, for reprint dedup (an http and an https copy
are one page there; a stored item keeps its scheme, so its key is ``normalize_url``).
"""

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that say how a reader arrived, not what page it is: the same article shared from
# different places must be one item.
TRACKING_PARAMS = frozenset(
    {
        "spm", "from", "fromuid", "share_from", "share_source", "sharesource", "share_token",
        "share_medium", "isappinstalled", "timestamp", "clicktime", "enterid", "wxshare_count",
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "_hsenc", "_hsmi", "mc_cid", "mc_eid",
        "ref", "ref_src", "referer", "tt_from", "utm", "scm", "pvid", "bd_source_light",
        # WeChat's share scene, also on links it rewrites to other hosts.
        "scene",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "hmsr")
# WeChat article links carry session noise; __biz, mid, idx and sn identify the article.
HOST_TRACKING_PARAMS = {
    "mp.weixin.qq.com": frozenset(
        {"chksm", "scene", "sessionid", "key", "ascene", "uin", "devicetype", "version", "lang",
         "pass_ticket", "wx_header", "nettype", "exportkey", "abtest_cookie", "subscene", "poc_token"}
    ),
}  # fmt: skip

_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# What a path keeps as written (RFC 3986 pchar and "/"), "%" for the escapes already there.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_key(url: str) -> str:
    """The host, with its port where that is not the scheme's default (throttling and robots.txt are per host)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme):
        return f"{host}:{parts.port}"
    return host


def is_tracking_param(name: str, host: str = "") -> bool:
    low = name.lower()
    if low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES):
        return True
    return low in HOST_TRACKING_PARAMS.get(host, ())


def normalize_url(url: str) -> str:
    """The canonical form of ``url`` (see the module docstring)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a port that is not a number, or out of range
    except ValueError:
        return url
    if not parts.scheme or not parts.hostname:
        return url  # a URN, a relative link or text: already what it is
    scheme = parts.scheme.lower()
    host = _normal_host(parts.hostname)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = ""
    if parts.query:  # most article URLs have none: skip the parsing
        pairs = [
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_param(name, host)
        ]
        pairs.sort()
        query = urlencode(pairs)
    return urlunsplit((scheme, netloc, _normal_path(parts.path), query, ""))


def url_key(url: str) -> str:
    """Reprint dedup key: the normalised URL without the scheme (http and https copies are one page)."""
    normal = normalize_url(url)
    _, sep, rest = normal.partition("://")
    return rest if sep else normal


def _normal_host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host  # not a name IDNA can encode: keep it as written (still lower-case)


def _normal_path(path: str) -> str:
    if "%" in path:
        path = _ESCAPE.sub(_normal_escape, path)
    return quote(path, safe=_PATH_SAFE) or "/"


def _normal_escape(match: re.Match) -> str:
    char = chr(int(match.group(0)[1:], 16))
    return char if char in _UNRESERVED else match.group(0).upper()
