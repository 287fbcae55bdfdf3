"""What the JSON APIs (the content API, the partner pull API) share in their answers: conditional
GETs with a weak ETag, the version of a story an ETag is made of, and the next page's address."""

import hashlib

from django.http import HttpResponse


def weak_etag(*key) -> str:
    """A weak ETag for an answer made of ``key`` (what the answer depends on, e.g. the request's
    path and the stories' versions)."""
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def not_modified(request, etag) -> bool:
    wanted = request.headers.get("If-None-Match", "")
    return any(tag.strip() in (etag, etag[2:], "*") for tag in wanted.split(","))


def conditional(request, etag, answer, *, headers):
    """``answer()`` (made only when needed), or a 304 when the client has ``etag`` already; both
    carrying the ETag and ``headers`` (Cache-Control, Vary …)."""
    response = HttpResponse(status=304) if not_modified(request, etag) else answer()
    response["ETag"] = etag
    for name, value in headers.items():
        response[name] = value
    return response


def story_version(story) -> tuple:
    """What changes whenever an item of the story changes: published again, edited, retracted."""
    return (story.pk, story.live_revision_id, story.latest_revision_id, story.is_retracted)


def next_page_url(request, **params) -> str:
    """This request's address with ``params`` set (the next page's cursor and the same limit)."""
    query = request.GET.copy()
    for name, value in params.items():
        query[name] = str(value)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
