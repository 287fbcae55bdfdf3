"""A story as an IPTC ninjs 2.1 item (https://iptc.org/standards/ninjs/).

What goes where (see docs/decisions/0015-content-api.md):

- ``uri``: ``urn:rongmei:<site host>:story:<page id>``, stable for the story's life (the web address
  is a rendition named "web"; it may move with the page tree, the URN does not).
- ``version``: the id of the live revision, ``versioncreated`` its publication time,
  ``firstcreated`` the first publication.
- ``pubstatus``: "usable"; a retracted story is "canceled", with the retraction as a body of role
  "retraction" and nothing of the story's text, so an app removes it.
- Corrections: ninjs has no field for them, so each 更正 is a ``bodies`` entry of role "correction"
  (HTML, the date in a ``<time datetime>``), in the order they were added; the main text is the body
  of role "main".
- ``bodies[main]``: the story's rich text as plain HTML (``body_html``): images as ``<figure>``
  with an absolute rendition URL, page links as absolute URLs, media embeds as links, no
  ``<embed>``, no ``linktype``, no class or style attributes (nh3 keeps only the tags and
  attributes listed below).
- ``places``: the story's regions with their parents, province → city → district (``rel`` the
  level, ``literal`` the slug the region endpoints take); ``subjects``: sections, topics, tags;
  ``genres``: the story type; ``people``/``by``: the credits; ``associations``: the cover image
  (``name`` "featureimage") with renditions, caption and credit; on the item endpoint the story's
  video (``name`` "featurevideo", ``type`` "video": its 720p/1080p MP4s with size and duration, and
  the poster) and audio (``name`` "featureaudio": AAC and MP3) once transcoded.

The content never depends on the reader's language: it is built in the site's language.
"""

from datetime import UTC, datetime
from urllib.parse import urljoin

import nh3
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.images.formats import get_image_format
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from rongmei.newsroom.models import Region, StoryType
from rongmei.newsroom.rich_text import DEFAULT_IMAGE_FORMAT, known_image_format, media_links, valid_id
from rongmei.website.rich_text import marked, pictures_marked_for, without_image
from rongmei.website.site_url import page_url, public_root

NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json#"
LANGUAGE = "zh-Hans"
# Renditions an app gets of the cover image: the large view, and the media library's app list
# thumbnail (16:9 from the editor's crop for the app or the focal point; rongmei.media.channels),
# both with the story's outlet's watermark when it has one.
COVER_RENDITIONS = {"viewImage": "width-1200", "thumbnail": "app_thumbnail"}

BODY_IMAGE_SPEC = "width-1200"

# Plain HTML an app can render with its own styles: no classes, styles, ids or scripts.
BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "ol", "ul", "li", "hr", "blockquote",
    "a", "figure", "figcaption", "img",
}  # fmt: skip
BODY_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt", "width", "height"}}

LEVEL_REL = {Region.Level.PROVINCE: "province", Region.Level.CITY: "city", Region.Level.DISTRICT: "district"}


class Context:
    """What every item of one answer needs: the site's host and root URL, per site id."""

    def __init__(self, request, site):
        self.request = request
        self.site = site
        self.host = site.hostname if site is not None else "localhost"
        # SITE_URL, else the Site record, else the reader's host: never the record's localhost.
        self.root_url = public_root(request, site.root_url if site is not None else "")

    def absolute(self, url: str) -> str:
        return urljoin(self.root_url + "/", url)

    def story_uri(self, story_id: int) -> str:
        return f"urn:rongmei:{self.host}:story:{story_id}"


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


# --- body_html ----------------------------------------------------------------------------------


def _story_body(story, ctx) -> str:
    with pictures_marked_for(story.outlet if story.outlet_id else None):
        return body_html(without_image(story.body, story.cover_image_id), ctx)


def _image_figures(ctx):
    from wagtail.images import get_image_model

    def expand(attrs_list):
        ids = [valid_id(attrs.get("id")) for attrs in attrs_list]
        images = get_image_model().objects.filter(pk__in=[i for i in ids if i]).prefetch_related("renditions")
        by_id = {image.pk: image for image in images}
        out = []
        for attrs, image_id in zip(attrs_list, ids, strict=True):
            image = by_id.get(image_id)
            if image is None:
                out.append("")
                continue
            image_format = get_image_format(known_image_format(attrs.get("format")) or DEFAULT_IMAGE_FORMAT)
            spec = marked(image_format.filter_spec)  # the story's outlet's watermark, as on the website
            rendition = get_renditions_or_not_found(image, [spec])[spec]
            caption = image.caption_line
            out.append(
                format_html(
                    '<figure><img src="{}" width="{}" height="{}" alt="{}">{}</figure>',
                    ctx.absolute(rendition.url),
                    rendition.width,
                    rendition.height,
                    image.alt_text(attrs),
                    format_html("<figcaption>{}</figcaption>", caption) if caption else "",
                )
            )
        return out

    return expand


# A video site's player is an <iframe> on the website; an app gets the address as a link.
_media_links = media_links('<p><a href="{url}">{url}</a></p>')


def _page_links(ctx):
    from wagtail.models import Page

    def expand(attrs_list):
        ids = [valid_id(attrs.get("id")) for attrs in attrs_list]
        pages = Page.objects.live().public().filter(pk__in=[i for i in ids if i]).specific()
        urls = {page.pk: page_url(page, ctx.request) for page in pages}
        # A link to a page the public cannot see keeps its text and loses its address.
        return [format_html('<a href="{}">', ctx.absolute(urls[i])) if urls.get(i) else "<a>" for i in ids]

    return expand


def body_html(html: str, ctx: Context) -> str:
    """Wagtail's stored rich text as plain, absolute-URL HTML for an app (see the module docstring).

    Its own rewriter, not Wagtail's ``expand_db_html``: the site's handlers print site markup
    (``<figure class="body-figure …">``, srcset, relative URLs, iframes)."""
    rewriter = MultiRuleRewriter(
        [
            LinkRewriter(bulk_rules={"page": _page_links(ctx)}),
            EmbedRewriter(bulk_rules={"image": _image_figures(ctx), "media": _media_links}),
        ]
    )
    expanded = rewriter(html or "")
    return nh3.clean(
        expanded,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


# --- the item -----------------------------------------------------------------------------------


def _time_html(value: datetime, text: str) -> str:
    local = value.astimezone(_site_zone())
    return format_html('<p><time datetime="{}">{}</time> {}</p>', iso(value), f"{local:%Y-%m-%d %H:%M}", text)


def _site_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


def _region_chain(regions) -> list[Region]:
    """Each region with its parents, province first, each once."""
    seen: dict[int, Region] = {}
    for region in regions:
        chain = []
        while region is not None:
            chain.append(region)
            region = region.parent
        for item in reversed(chain):
            seen.setdefault(item.pk, item)
    return sorted(seen.values(), key=lambda r: (r.level, r.sort_order, r.name))


def _places(story) -> list[dict]:
    return [
        {"name": region.name, "rel": LEVEL_REL.get(region.level, "region"), "literal": region.slug}
        for region in _region_chain(story.regions.all())
    ]


def _subjects(story, sections, topics) -> list[dict]:
    subjects = [{"name": s.title, "rel": "section", "literal": f"section:{s.pk}"} for s in sections]
    subjects += [{"name": t.title, "rel": "topic", "literal": f"topic:{t.pk}"} for t in topics]
    subjects += [
        {"name": tag.name, "rel": "keyword", "literal": f"tag:{tag.slug}"} for tag in story.tags.all()
    ]
    return subjects


def _people(story) -> list[dict]:
    from rongmei.organisation.models import display_name_for

    people = []
    for credit in story.credits.all():
        name = credit.name or display_name_for(credit.staff)
        if name:
            people.append({"name": name, "rel": credit.role})
    return people


def _cover(story, ctx) -> list[dict]:
    image = story.cover_image
    if image is None:
        return []
    association = {
        "name": "featureimage",
        "uri": f"urn:rongmei:{ctx.host}:image:{image.pk}",
        "type": "picture",
        "renditions": _image_renditions(image, story, ctx),
    }
    if image.caption:
        association["descriptions"] = [
            {"role": "caption", "contenttype": "text/plain", "value": image.caption}
        ]
    if image.credit:
        association["by"] = image.credit
    return [association]


def _video(story, ctx) -> list[dict]:
    """The story's video (``name`` "featurevideo") once transcoded: its MP4s and the poster."""
    video = story.video if story.video_id else None
    if video is None or not video.is_ready:
        return []
    renditions = [
        {
            "name": rendition.kind,
            "href": ctx.absolute(rendition.url),
            "contenttype": rendition.content_type,
            "width": rendition.width,
            "height": rendition.height,
            "sizeinbytes": rendition.file_size,
            **({"duration": round(video.duration, 3)} if video.duration else {}),
        }
        for rendition in video.playable_renditions()
    ]
    poster = video.poster
    if poster is not None:
        renditions.append(
            {
                "name": "poster",
                "href": ctx.absolute(poster.url),
                "contenttype": poster.content_type,
                "width": poster.width,
                "height": poster.height,
            }
        )
    association = {
        "name": "featurevideo",
        "uri": f"urn:rongmei:{ctx.host}:video:{video.pk}",
        "type": "video",
        "headlines": [{"role": "main", "value": video.title}],
        "renditions": renditions,
    }
    if video.caption:
        association["descriptions"] = [
            {"role": "caption", "contenttype": "text/plain", "value": video.caption}
        ]
    if video.credit:
        association["by"] = video.credit
    return [association]


def _audio(story, ctx) -> list[dict]:
    """The story's audio (``name`` "featureaudio") once transcoded: its AAC and MP3."""
    audio = story.audio if getattr(story, "audio_id", None) else None
    if audio is None or not audio.is_ready:
        return []
    association = {
        "name": "featureaudio",
        "uri": f"urn:rongmei:{ctx.host}:audio:{audio.pk}",
        "type": "audio",
        "headlines": [{"role": "main", "value": audio.title}],
        "renditions": [
            {
                "name": rendition.kind,
                "href": ctx.absolute(rendition.url),
                "contenttype": rendition.content_type,
                "sizeinbytes": rendition.file_size,
                **({"duration": round(audio.duration, 3)} if audio.duration else {}),
            }
            for rendition in audio.playable_renditions()
        ],
    }
    if audio.caption:
        association["descriptions"] = [
            {"role": "caption", "contenttype": "text/plain", "value": audio.caption}
        ]
    if audio.credit:
        association["by"] = audio.credit
    return [association]


def app_version(story):
    """The editor's version of the story for the app channel (list title, thumbnail), or None."""
    versions = getattr(story, "app_versions", None)
    if versions is None:
        versions = [v for v in story.channel_versions.all() if v.channel.kind == "app"]
    return versions[0] if versions else None


def _cover_specs(outlet) -> dict[str, str]:
    from rongmei.media.channels import CHANNELS_BY_KEY, channel_spec, with_watermark

    return {
        name: channel_spec(spec, outlet) if spec in CHANNELS_BY_KEY else with_watermark(spec, outlet)
        for name, spec in COVER_RENDITIONS.items()
    }


def _image_renditions(image, story, ctx) -> list[dict]:
    specs = _cover_specs(story.outlet if story.outlet_id else None)
    renditions = get_renditions_or_not_found(image, list(specs.values()))
    return [
        {
            "name": name,
            "href": ctx.absolute(renditions[spec].url),
            "width": renditions[spec].width,
            "height": renditions[spec].height,
        }
        for name, spec in specs.items()
    ]


def _thumbnail(image, story, ctx) -> dict:
    return {
        "name": "thumbnail",
        "uri": f"urn:rongmei:{ctx.host}:image:{image.pk}",
        "type": "picture",
        "renditions": _image_renditions(image, story, ctx),
    }


def story_item(story, ctx: Context, *, sections=(), topics=(), full=True) -> dict:
    """The ninjs item of a story the public may see; ``full`` adds the bodies (the item endpoint)."""
    with translation.override(settings.LANGUAGE_CODE):
        if story.is_retracted:
            return canceled_item(story, ctx)
        item = {
            "uri": ctx.story_uri(story.pk),
            "standard": {"name": "ninjs", "version": "2.1", "schema": NINJS_SCHEMA},
            "type": "text",
            "representationtype": "full" if full else "partial",
            "version": str(story.live_revision_id or story.latest_revision_id or ""),
            "firstcreated": iso(story.first_published_at),
            "versioncreated": iso(story.last_published_at or story.first_published_at),
            "pubstatus": "usable",
            "language": LANGUAGE,
            "headlines": [{"role": "main", "value": story.title}],
            "altids": [{"role": "id", "value": str(story.pk)}],
            "genres": [
                {
                    "name": str(StoryType(story.story_type).label)
                    if story.story_type in StoryType.values
                    else story.story_type,
                    "literal": story.story_type,
                }
            ],
        }
        if story.subheadline:
            item["headlines"].append({"role": "sub", "value": story.subheadline})
        if story.kicker:
            item["headlines"].append({"role": "kicker", "value": story.kicker})
        if story.lead:
            item["descriptions"] = [{"role": "lead", "contenttype": "text/plain", "value": story.lead}]
        url = page_url(story, ctx.request)
        if url:
            item["renditions"] = [{"name": "web", "href": ctx.absolute(url), "contenttype": "text/html"}]
        byline = story.credit_line()
        if byline:
            item["by"] = byline
            item["people"] = _people(story)
        places = _places(story)
        if places:
            item["places"] = places
        subjects = _subjects(story, sections, topics)
        if subjects:
            item["subjects"] = subjects
        if story.source:
            item["infosources"] = [{"name": story.source, "role": "source"}]
        if story.outlet_id:
            item["copyrightholder"] = story.outlet.name
            if story.outlet.copyright_line:
                item["copyrightnotice"] = story.outlet.copyright_line
        associations = _cover(story, ctx)
        # The app channel's version (三审 approved it with the story): a short list title and a
        # list thumbnail other than the cover.
        app = app_version(story)
        if app is not None and app.title:
            item["headlines"].append({"role": "short", "value": app.title})
        if app is not None and app.image is not None:
            associations = [*associations, _thumbnail(app.image, story, ctx)]
        if full:
            # The item endpoint only: a list would look up each story's video on its own.
            associations = [*associations, *_video(story, ctx), *_audio(story, ctx)]
        if associations:
            item["associations"] = associations
        if full:
            item["bodies"] = [
                # The cover is an association shown above the text (as on the website): not again in it.
                {
                    "role": "main",
                    "contenttype": "text/html",
                    "value": _story_body(story, ctx),
                }
            ]
            item["bodies"] += [
                {
                    "role": "correction",
                    "contenttype": "text/html",
                    "value": _time_html(note.noted_at, note.text),
                }
                for note in story.corrections.all()
            ]
        return _without_empty(item)


def canceled_item(story, ctx: Context) -> dict:
    """A retracted story: enough for an app to find and remove it, and the reason, nothing else."""
    with translation.override(settings.LANGUAGE_CODE):
        return _canceled_item(story, ctx)


def _canceled_item(story, ctx: Context) -> dict:
    retracted_at = story.last_published_at or story.first_published_at
    item = {
        "uri": ctx.story_uri(story.pk),
        "standard": {"name": "ninjs", "version": "2.1", "schema": NINJS_SCHEMA},
        "type": "text",
        "version": str(story.latest_revision_id or ""),
        "firstcreated": iso(story.first_published_at),
        "versioncreated": iso(retracted_at),
        "pubstatus": "canceled",
        "language": LANGUAGE,
        "headlines": [{"role": "main", "value": story.title}],
        "altids": [{"role": "id", "value": str(story.pk)}],
        "bodies": [
            {
                "role": "retraction",
                "contenttype": "text/html",
                "value": _time_html(
                    retracted_at, story.retraction_reason or _("This story has been retracted.")
                ),
            }
        ],
    }
    return _without_empty(item)


def _without_empty(item: dict) -> dict:
    # ninjs wants a string where a property is present: leave out what we do not know.
    return {key: value for key, value in item.items() if value not in (None, "", [])}
