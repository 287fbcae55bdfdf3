"""URL normalisation (the dedup key of an item) and the host key that throttles and robots use."""

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from rongmei.core.outbound import check_url

from ...messages import render_message

# Tracking parameters: the same article shared from different places must be one item.
TRACKING_PARAMS = {"spm", "fbclid", "gclid", "share_token", "share_source", "wxshare_count", "scene"}
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2000


def host_key(url):
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme):
        return f"{host}:{parts.port}"
    return host


def is_http_url(url):
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def normalize_url(url):
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters, sorted query,
    non-ASCII percent-encoded (so the unique key is plain ASCII on every database)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url  # a partner's URN: already an identifier
    host = (parts.hostname or "").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    path = quote(unquote(parts.path) or "/", safe="/:@!$&'()*+,;=-._~%")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    ]
    query.sort()
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query, doseq=True), ""))


def source_url_problem(url):
    """Why the fetcher would refuse ``url`` as written, in words (a form shows it), or ""."""
    refusal = check_url(url)
    if refusal is None:
        return ""
    if refusal.code == "internal":
        return render_message("outbound_refused", {"address": refusal.address})
    return refusal.message
