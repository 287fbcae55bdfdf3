"""The story body's rich text in the editor: checked on save, and read back even when it is broken.

Wagtail stores images, media and page links in rich text as ``<embed embedtype="image" id="…"
format="…"/>`` and ``<a linktype="page" id="…">``. Its editor trusts those attributes: an image
whose format is not a registered one (``fullwidth" onload="alert(1)``, posted as Draftail
contentstate) or an id that is not a number made every later opening of the story's editor fail
with a KeyError/ValueError, for everyone. So:

- ``body_problems()`` names what is wrong in a body about to be saved (the story form refuses it
  with that message);
- the editor's converters below (registered in ``wagtail_hooks.py``, after Wagtail's own) read a
  stored body that is already bad without failing: an unknown format shows as the default
  format, a broken image as an empty image block, a link to a non-page as plain text, so the
  story can be opened, fixed and saved.
"""

import re

from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.admin.rich_text.converters.contentstate import link_entity as wagtail_link_entity
from wagtail.admin.rich_text.converters.contentstate_models import Entity
from wagtail.admin.rich_text.converters.html_to_contentstate import PageLinkElementHandler
from wagtail.embeds.rich_text.contentstate import MediaEmbedElementHandler
from wagtail.images import get_image_model
from wagtail.images.formats import get_image_format, get_image_formats
from wagtail.images.rich_text.contentstate import ImageElementHandler
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Page
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

DEFAULT_IMAGE_FORMAT = "fullwidth"
_DIGITS = re.compile(r"[0-9]{1,18}")  # a database id: fits a 64-bit integer


def valid_id(value) -> int | None:
    """``value`` as a database id, or None when it cannot be one ("abc", "", -1, 10**30)."""
    text = str(value) if value is not None else ""
    return int(text) if _DIGITS.fullmatch(text) and int(text) > 0 else None


def media_links(markup):
    """A rewriter rule for media embeds (a video site's player, an <iframe> on the website): for a
    channel that shows no player, each one's address put into ``markup`` (``format_html`` with
    ``{url}``); nothing for an address that is not http(s)."""

    def expand(attrs_list):
        out = []
        for attrs in attrs_list:
            url = attrs.get("url") or ""
            out.append(format_html(markup, url=url) if url.startswith(("http:", "https:")) else "")
        return out

    return expand


def known_image_format(name) -> str | None:
    return name if name in {image_format.name for image_format in get_image_formats()} else None


def body_problems(html: str) -> list[str]:
    """What makes a body unsafe to store, in words for the person editing it (empty: fine)."""
    problems = []
    for match in FIND_EMBED_TAG.finditer(html or ""):
        attrs = extract_attrs(match.group(1))
        if attrs.get("embedtype") != "image":
            continue
        if valid_id(attrs.get("id")) is None:
            problems.append(
                _(
                    "The body has a broken image (“%(id)s” is not an image's number). "
                    "Remove it and insert the image again."
                )
                % {"id": attrs.get("id", "")}
            )
        elif known_image_format(attrs.get("format")) is None:
            problems.append(
                _(
                    "The body has an image with an unknown image format “%(format)s”. "
                    "Remove it and insert the image again, choosing one of: %(formats)s."
                )
                % {
                    "format": attrs.get("format", ""),
                    "formats": ", ".join(str(f.label) for f in get_image_formats()),
                }
            )
    for match in FIND_A_TAG.finditer(html or ""):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == "page" and valid_id(attrs.get("id")) is None:
            problems.append(
                _(
                    "The body has a broken link (“%(id)s” is not a page's number). "
                    "Remove the link and choose the page again."
                )
                % {"id": attrs.get("id", "")}
            )
    return problems


# --- reading a stored body into the editor ------------------------------------------------------


class TolerantImageElementHandler(ImageElementHandler):
    """An image block whatever its stored attributes: unknown format → the default one, an id
    that is no image → an empty block the editor can see and remove."""

    def create_entity(self, name, attrs, state, contentstate):
        image_format = known_image_format(attrs.get("format")) or DEFAULT_IMAGE_FORMAT
        image_id = valid_id(attrs.get("id"))
        image = get_image_model().objects.filter(pk=image_id).first() if image_id else None
        src = ""
        if image is not None:
            src = get_rendition_or_not_found(image, get_image_format(image_format).filter_spec).url
        return Entity(
            "IMAGE",
            "IMMUTABLE",
            {"id": attrs.get("id", ""), "src": src, "alt": attrs.get("alt"), "format": image_format},
        )


class TolerantPageLinkElementHandler(PageLinkElementHandler):
    """A page link whose id is no page id keeps its text; the link itself is dropped on save."""

    def get_attribute_data(self, attrs):
        page_id = valid_id(attrs.get("id"))
        if page_id is None:
            return {"id": None, "url": None, "parentId": None}
        page = Page.objects.filter(pk=page_id).first()
        if page is None:  # deleted: kept as Wagtail does, a broken link to that page
            return {"id": page_id, "url": None, "parentId": None}
        return super().get_attribute_data({**attrs, "id": page_id})


class TolerantMediaEmbedElementHandler(MediaEmbedElementHandler):
    def create_entity(self, name, attrs, state, contentstate):
        if not attrs.get("url"):
            return Entity("EMBED", "IMMUTABLE", {"url": ""})
        return super().create_entity(name, attrs, state, contentstate)


def link_entity(props):
    """Wagtail's link decorator, except that a link with neither a page nor an address (posted by
    hand, or read from a broken link) keeps its text instead of failing in ``check_url``."""
    if props.get("id") is None and not isinstance(props.get("url"), str):
        return props["children"]
    return wagtail_link_entity(props)
