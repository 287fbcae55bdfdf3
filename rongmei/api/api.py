"""The content API v1 for the apps (客户端): read-only, public, stories as IPTC ninjs 2.1.

Django Ninja builds the routes, validates the parameters and writes the OpenAPI 3.1 document
(/api/v1/openapi.json); see docs/decisions/0015-content-api.md. Ninja's docs page is off: its
Swagger UI comes from a CDN unless ``ninja`` is an installed app, and the CSP allows neither.

Caching: every answer carries ``Cache-Control: public, max-age=60`` and a weak ETag made from the
request and the (id, version) of each story in it, so ``If-None-Match`` gets a 304 before anything
is serialised. The public page cache (website/cache.py) never stores these answers: it keeps only
requests to Wagtail pages and views marked ``public_page``.
"""

from typing import Any

from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Schema
from ninja.renderers import JSONRenderer
from pydantic import ConfigDict, Field

from rongmei.website.queries import site_for_request

from . import ninjs, queries
from .answers import conditional, next_page_url, story_version, weak_etag
from .errors import ApiError, answer_errors

CACHE_CONTROL = "public, max-age=60"


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="融媒 content API",
    version="1",
    description=(
        "Read-only content API for the apps (客户端). Stories are IPTC ninjs 2.1 items "
        "(https://iptc.org/std/ninjs/ninjs-schema_2.1.json); lists are newest first with an opaque "
        "cursor (`next`), at most 50 per page. Answers carry an ETag (send it back as If-None-Match "
        "for a 304) and may be cached for 60 seconds. A retracted story answers with pubstatus "
        '"canceled": remove it from the app.'
    ),
    urls_namespace="api-v1",
    docs_url=None,
    renderer=ChineseJSONRenderer(),
)


# --- schemas ------------------------------------------------------------------------------------


class Error(Schema):
    code: str = Field(description="A stable code: bad_request, bad_cursor, not_found.")
    detail: str = Field(description="What went wrong, in the reader's language (Chinese by default).")


class NinjsItem(Schema):
    """An IPTC ninjs 2.1 item; the properties this API fills (the rest of ninjs may be added later)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"$comment": ninjs.NINJS_SCHEMA})

    uri: str
    type: str = "text"
    representationtype: str | None = None
    version: str | None = None
    firstcreated: str | None = None
    versioncreated: str | None = None
    pubstatus: str = Field("usable", description='"usable", or "canceled" for a retracted story')
    language: str | None = None
    headlines: list[dict[str, Any]] | None = None
    descriptions: list[dict[str, Any]] | None = None
    bodies: list[dict[str, Any]] | None = Field(
        None, description='role "main": the body as plain HTML; "correction" / "retraction": dated notes'
    )
    by: str | None = None
    people: list[dict[str, Any]] | None = None
    places: list[dict[str, Any]] | None = None
    subjects: list[dict[str, Any]] | None = None
    genres: list[dict[str, Any]] | None = None
    infosources: list[dict[str, Any]] | None = None
    associations: list[dict[str, Any]] | None = None
    renditions: list[dict[str, Any]] | None = None
    altids: list[dict[str, Any]] | None = None
    standard: dict[str, Any] | None = None
    copyrightholder: str | None = None
    copyrightnotice: str | None = None


class ItemList(Schema):
    items: list[NinjsItem]
    next: str | None = Field(None, description="The next page's address, null on the last page.")


class Channel(Schema):
    id: int
    title: str
    slug: str
    url: str | None = Field(None, description="The page on the website.")
    items: str = Field(description="The channel's list in this API.")


class TopicChannel(Channel):
    summary: str = ""


class RegionChannel(Schema):
    slug: str
    name: str
    level: str = Field(description="province, city or district")
    items: str
    children: list["RegionChannel"] = []


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=200, description="The `next` of the previous page.")
    limit: int = Field(queries.DEFAULT_LIMIT, ge=1, le=queries.MAX_LIMIT)


# --- errors -------------------------------------------------------------------------------------


answer_errors(api, max_limit=queries.MAX_LIMIT)


def _not_found(message):
    raise ApiError(404, "not_found", message)


# --- answers ------------------------------------------------------------------------------------


def _answer(request, parts, answer):
    etag = weak_etag(request.get_full_path(), parts)
    return conditional(request, etag, answer, headers={"Cache-Control": CACHE_CONTROL})


def _list_answer(request, stories, params: ListParams):
    try:
        window, next_cursor = queries.page_of(stories, params.cursor, params.limit)
    except queries.BadCursor:
        raise ApiError(
            400, "bad_cursor", _("This cursor is not one of ours. Start again from the first page.")
        ) from None

    def answer():
        ctx = ninjs.Context(request, site_for_request(request))
        sections = queries.item_sections(window)
        topics = queries.item_topics(window)
        items = [
            ninjs.story_item(s, ctx, sections=sections.get(s.pk, []), topics=topics.get(s.pk, []), full=False)
            for s in window
        ]
        next_url = next_page_url(request, cursor=next_cursor, limit=params.limit) if next_cursor else None
        return api.create_response(request, {"items": items, "next": next_url}, status=200)

    return _answer(request, [(s.pk, s.live_revision_id) for s in window] + [next_cursor], answer)


LIST_RESPONSES = {200: ItemList, 304: None, 400: Error, 404: Error}


@api.get("/items", response=LIST_RESPONSES, summary="Newest stories", tags=["stories"])
def latest(request, params: Query[ListParams]):
    return _list_answer(request, queries.public_stories(), params)


@api.get(
    "/items/{story_id}",
    response={200: NinjsItem, 304: None, 400: Error, 404: Error},
    summary="One story",
    tags=["stories"],
)
def item(request, story_id: int = Path(..., ge=1, le=queries.MAX_ID)):
    story = queries.story_for_item(story_id)
    if story is None:
        _not_found(_("There is no published story with this id."))

    def answer():
        ctx = ninjs.Context(request, site_for_request(request))
        data = ninjs.story_item(
            story,
            ctx,
            sections=queries.item_sections([story]).get(story.pk, []),
            topics=queries.item_topics([story]).get(story.pk, []),
        )
        return api.create_response(request, data, status=200)

    return _answer(request, [story_version(story)], answer)


@api.get(
    "/sections", response={200: list[Channel], 304: None}, summary="Sections (channels)", tags=["channels"]
)
def sections(request):
    site = site_for_request(request)
    answer = [
        {
            "id": s.pk,
            "title": s.title,
            "slug": s.slug,
            "url": s.get_full_url(request),
            "items": request.build_absolute_uri(f"{request.path.rstrip('/')}/{s.pk}/items"),
        }
        for s in queries.sections_for(site)
    ]
    return _index_answer(request, answer)


@api.get(
    "/sections/{section_id}/items", response=LIST_RESPONSES, summary="A section's stories", tags=["stories"]
)
def section_items(request, params: Query[ListParams], section_id: int = Path(..., ge=1, le=queries.MAX_ID)):
    section = queries.section_by_id(section_id)
    if section is None:
        _not_found(_("There is no section with this id."))
    return _list_answer(request, queries.section_stories(section, queries.public_stories()), params)


@api.get(
    "/topics", response={200: list[TopicChannel], 304: None}, summary="Topic pages (专题)", tags=["channels"]
)
def topics(request):
    site = site_for_request(request)
    answer = [
        {
            "id": t.pk,
            "title": t.title,
            "slug": t.slug,
            "summary": t.summary,
            "url": t.get_full_url(request),
            "items": request.build_absolute_uri(f"{request.path.rstrip('/')}/{t.pk}/items"),
        }
        for t in queries.topics_for(site)
    ]
    return _index_answer(request, answer)


@api.get(
    "/topics/{topic_id}/items", response=LIST_RESPONSES, summary="A topic page's stories", tags=["stories"]
)
def topic_items(request, params: Query[ListParams], topic_id: int = Path(..., ge=1, le=queries.MAX_ID)):
    topic = queries.topic_by_id(topic_id)
    if topic is None:
        _not_found(_("There is no topic page with this id."))
    return _list_answer(request, queries.topic_stories(topic, queries.public_stories()), params)


@api.get(
    "/regions",
    response={200: list[RegionChannel], 304: None},
    summary="Regions: province → city → district",
    tags=["channels"],
)
def regions(request):
    children = queries.region_tree()
    base = request.path.rstrip("/")

    def node(region):
        return {
            "slug": region.slug,
            "name": region.name,
            "level": ninjs.LEVEL_REL.get(region.level, "region"),
            "items": request.build_absolute_uri(f"{base}/{region.slug}/items"),
            "children": [node(child) for child in children.get(region.pk, [])],
        }

    return _index_answer(request, [node(region) for region in children.get(None, [])])


@api.get(
    "/regions/{slug}/items",
    response=LIST_RESPONSES,
    summary="A region's stories (a city's include its districts')",
    tags=["stories"],
)
def region_items(request, params: Query[ListParams], slug: str = Path(..., max_length=60)):
    region = queries.region_by_slug(slug)
    if region is None:
        _not_found(_("There is no region with this name."))
    return _list_answer(request, queries.region_stories(region, queries.public_stories()), params)


def _index_answer(request, answer):
    return _answer(request, answer, lambda: api.create_response(request, answer, status=200))


RegionChannel.model_rebuild()
