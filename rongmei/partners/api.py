"""The partner pull API v1 (四级融合): our published stories as IPTC ninjs 2.1, for partner
centers with an API token (``Authorization: Bearer <token>``), at /partners/api/v1/ with its own
OpenAPI document (/partners/api/v1/openapi.json).

- ``GET items?since=<cursor>``: a change feed. Stories in the order they last changed (published,
  updated, corrected, retracted), oldest change first, full text; ``since`` is the ``since`` of the
  previous answer. A partner keeps it and asks again later: what changed since then comes next,
  a retracted story as ``pubstatus: "canceled"``. ``next`` is set while more are waiting now.
  Changes younger than ``PARTNERS_FEED_SETTLE_SECONDS`` (30 s) wait for the next call, so a
  publication still committing when a later one is read is not skipped.
- ``GET items/{id}``: one story (or its cancellation).
Both only see the partner's sections and regions. Answers carry a weak ETag (304 on
``If-None-Match``) and ``Cache-Control: private, no-cache`` (they differ per partner).
See docs/decisions/0021-partner-centers.md.
"""

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from pydantic import Field

from rongmei.api import ninjs, queries
from rongmei.api.answers import conditional, next_page_url, story_version, weak_etag
from rongmei.api.api import ChineseJSONRenderer, Error, NinjsItem
from rongmei.api.errors import ApiError, answer_errors, error_response
from rongmei.newsroom.models import StoryCredit

from . import services

CACHE_CONTROL = "private, no-cache"
MAX_LIMIT = 50
DEFAULT_LIMIT = 20
DEFAULT_SETTLE_SECONDS = 30

# Refusals of a token: (HTTP status, message). English msgids; answered in Chinese and English.
REFUSALS = {
    "missing": (401, gettext_noop("No API token was sent. Send it as “Authorization: Bearer <token>”.")),
    "invalid": (
        401,
        gettext_noop(
            "This API token is not valid. Check that it was copied whole, or ask the newsroom for a new one."
        ),
    ),
    "revoked": (401, gettext_noop("This API token has been revoked. Ask the newsroom for a new one.")),
    "inactive": (403, gettext_noop("Access for this partner center is switched off. Ask the newsroom.")),
    "no_pull": (
        403,
        gettext_noop(
            "This partner center receives our stories by push and may not pull them. Ask the newsroom."
        ),
    ),
}


class PartnerBearer(HttpBearer):
    """The partner's token from ``Authorization: Bearer …``; a refusal says why."""

    def __call__(self, request):
        value = request.headers.get(self.header, "")
        scheme, _sep, raw = value.strip().partition(" ")
        if not value.strip():
            raise services.Refused("missing")
        if scheme.lower() != "bearer":
            raise services.Refused("missing")
        return self.authenticate(request, raw)

    def authenticate(self, request, token):
        found = services.authenticate(token)
        services.record_pull(found)
        return found


api = NinjaAPI(
    title="融媒 partner API",
    version="1",
    description=(
        "Our published stories for partner media centers (四级融合), as IPTC ninjs 2.1 items "
        "(https://iptc.org/std/ninjs/ninjs-schema_2.1.json), with full text. Send your API token as "
        "`Authorization: Bearer <token>`. `GET /items` is a change feed: keep the `since` of each answer "
        'and send it back next time; a retracted story comes as pubstatus "canceled": remove it. '
        "Answers carry an ETag (send it back as If-None-Match for a 304)."
    ),
    urls_namespace="partners-api-v1",
    docs_url=None,
    renderer=ChineseJSONRenderer(),
    auth=PartnerBearer(),
)


class Feed(Schema):
    items: list[NinjsItem]
    since: str | None = Field(
        None,
        description="Send this as `since` next time (null: nothing published yet, start again without it).",
    )
    next: str | None = Field(None, description="More changes are waiting: the address of the next page.")


class FeedParams(Schema):
    since: str | None = Field(None, max_length=200, description="The `since` of the previous answer.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _both_languages(message: str) -> str:
    """The message in Chinese and in English (a partner's system and its staff read it)."""
    with translation.override("zh-hans"):
        chinese = _(message)
    with translation.override("en"):
        english = _(message)
    return english if chinese == english else f"{chinese} / {english}"


@api.exception_handler(services.Refused)
def _refused(request, exc):
    status, message = REFUSALS[exc.code]
    response = error_response(
        api, request, status, "unauthorized" if status == 401 else "forbidden", _both_languages(message)
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="rongmei-partners"'
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _refused(request, services.Refused("missing"))


answer_errors(api, max_limit=MAX_LIMIT)


# --- the feed cursor ----------------------------------------------------------------------------


class BadCursor(ValueError):
    pass


def encode_cursor(story) -> str:
    raw = json.dumps([story.last_published_at.astimezone(UTC).isoformat(), story.pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str):
    try:
        if len(cursor) > 200 or not cursor.isascii():
            raise ValueError
        changed, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        when = datetime.fromisoformat(changed)
        if when.tzinfo is None or type(pk) is not int or not 0 < pk <= queries.MAX_ID:
            raise ValueError
        return when, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise BadCursor(cursor) from None


def settle_seconds() -> int:
    return int(getattr(settings, "PARTNERS_FEED_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS))


def _loaded(stories):
    credits = StoryCredit.objects.select_related("staff__staff_profile").order_by("sort_order", "pk")
    return stories.select_related("cover_image", "outlet").prefetch_related(
        "cover_image__renditions",
        Prefetch("credits", queryset=credits),
        "corrections",
        "regions__parent__parent",
        "tags",
    )


def feed_page(partner, since, limit, *, now=None):
    """([story, …], cursor of the last one or None, more waiting?), oldest change first."""
    stories = services.stories_for(partner, services.feed_candidates())
    stories = stories.filter(
        last_published_at__lte=(now or timezone.now()) - timedelta(seconds=settle_seconds())
    )
    if since:
        when, pk = decode_cursor(since)
        stories = stories.filter(Q(last_published_at__gt=when) | Q(last_published_at=when, pk__gt=pk))
    window = list(_loaded(stories).order_by("last_published_at", "pk")[: limit + 1])
    more = len(window) > limit
    window = window[:limit]
    return window, (encode_cursor(window[-1]) if window else None), more


# --- answers ------------------------------------------------------------------------------------


def _answer(request, stories, answer):
    """``answer()``, or a 304 when the partner has this version of these stories already."""
    etag = weak_etag(request.auth.partner_id, request.get_full_path(), [story_version(s) for s in stories])
    return conditional(
        request, etag, answer, headers={"Cache-Control": CACHE_CONTROL, "Vary": "Authorization"}
    )


def _context(request):
    from rongmei.website.queries import site_for_request

    return ninjs.Context(request, site_for_request(request))


def _items(request, stories):
    ctx = _context(request)
    sections = queries.item_sections(stories)
    topics = queries.item_topics(stories)
    return [
        ninjs.story_item(s, ctx, sections=sections.get(s.pk, []), topics=topics.get(s.pk, []), full=True)
        for s in stories
    ]


@api.get(
    "/items",
    response={200: Feed, 304: None, 400: Error, 401: Error, 403: Error},
    summary="Stories changed since the last call (oldest change first)",
    tags=["stories"],
)
def feed(request, params: Query[FeedParams]):
    partner = request.auth.partner
    try:
        window, cursor, more = feed_page(partner, params.since, params.limit)
    except BadCursor:
        raise ApiError(
            400, "bad_cursor", _("This cursor is not one of ours. Start again without “since”.")
        ) from None
    since = cursor or params.since

    def answer():
        next_url = next_page_url(request, since=since, limit=params.limit) if more else None
        data = {"items": _items(request, window), "since": since, "next": next_url}
        return api.create_response(request, data, status=200)

    return _answer(request, window, answer)


@api.get(
    "/items/{story_id}",
    response={200: NinjsItem, 304: None, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="One story",
    tags=["stories"],
)
def item(request, story_id: int = Path(..., ge=1, le=queries.MAX_ID)):
    partner = request.auth.partner
    found = list(_loaded(services.stories_for(partner, services.feed_candidates()).filter(pk=story_id)))
    if not found:
        raise ApiError(404, "not_found", _("There is no published story with this id for your center."))
    story = found[0]
    return _answer(
        request, [story], lambda: api.create_response(request, _items(request, [story])[0], status=200)
    )
