"""Front-end rendering of a story body's rich text.

Images become a <figure> with caption and credit. Stored attributes are not trusted: an image,
page link or media embed whose id, format or address is broken (saved before the story form
checked them, or by a script) renders as nothing or a plain link instead of failing the page, and
only known format names reach the HTML.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.html import format_html, format_html_join
from wagtail.embeds.rich_text import MediaEmbedHandler
from wagtail.images.formats import get_image_format
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.rich_text.rewriters import extract_attrs

from rongmei.newsroom.rich_text import DEFAULT_IMAGE_FORMAT, known_image_format, valid_id

SMALL_WIDTH = "width-400"

# The outlet whose watermark the pictures of the text being expanded carry (the story's); rich text
# handlers get only the embed's attributes, so the story's page sets it around the expansion.
_marking_outlet: ContextVar = ContextVar("rongmei_marking_outlet", default=None)


@contextmanager
def pictures_marked_for(outlet):
    """Expand rich text with ``outlet``'s watermark on its pictures (none when it has none)."""
    token = _marking_outlet.set(outlet)
    try:
        yield
    finally:
        _marking_outlet.reset(token)


def marked(spec: str) -> str:
    """``spec`` with the watermark of the outlet being expanded for, if any."""
    from rongmei.media.channels import with_watermark

    return with_watermark(spec, _marking_outlet.get())


class NewsImageEmbedHandler(ImageEmbedHandler):
    identifier = "image"

    @classmethod
    def get_many(cls, attrs_list):
        # One query for the images and one for all their renditions, however many the body has.
        ids = [valid_id(attrs.get("id")) for attrs in attrs_list]
        wanted = [image_id for image_id in ids if image_id is not None]
        images = cls.get_model()._default_manager.filter(pk__in=wanted).prefetch_related("renditions")
        by_id = {image.pk: image for image in images}
        return [by_id.get(image_id) for image_id in ids]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        images = cls.get_many(attrs_list)
        return [
            figure_html(image, attrs.get("format", "fullwidth"), attrs.get("alt", "")) if image else ""
            for attrs, image in zip(attrs_list, images, strict=True)
        ]

    @classmethod
    def extract_references(cls, attrs):
        # Wagtail's reference index reads attrs["id"]; a broken image refers to nothing.
        if valid_id(attrs.get("id")) is not None:
            yield from super().extract_references(attrs)


class SafePageLinkHandler(PageLinkHandler):
    """Wagtail's page links, with an id that is no page id ("abc", none, 10**30) linking nowhere."""

    @classmethod
    def get_many(cls, attrs_list):
        ids = [valid_id(attrs.get("id")) for attrs in attrs_list]
        pages = super().get_many([{"id": page_id} for page_id in ids if page_id is not None])
        found = iter(pages)
        return [next(found) if page_id is not None else None for page_id in ids]

    @classmethod
    def extract_references(cls, attrs):
        if valid_id(attrs.get("id")) is not None:
            yield from super().extract_references(attrs)


class SafeMediaEmbedHandler(MediaEmbedHandler):
    @staticmethod
    def expand_db_attributes(attrs: dict) -> str:
        return MediaEmbedHandler.expand_db_attributes(attrs) if attrs.get("url") else ""


def figure_html(image, format_name, alt_text):
    image_format = get_image_format(known_image_format(format_name) or DEFAULT_IMAGE_FORMAT)
    small_spec, large_spec = marked(SMALL_WIDTH), marked(image_format.filter_spec)
    renditions = get_renditions_or_not_found(image, [small_spec, large_spec])
    small, large = renditions[small_spec], renditions[large_spec]
    srcset = ", ".join(f"{r.url} {r.width}w" for r in (small, large) if r.width)
    img = format_html(
        '<img src="{}" srcset="{}" sizes="(min-width: 760px) 720px, 100vw" width="{}" height="{}" '
        'alt="{}" loading="lazy" decoding="async">',
        large.url,
        srcset,
        large.width,
        large.height,
        alt_text or image.caption or image.title,
    )
    caption_parts = [
        ("caption", image.caption),
        ("credit", image.credit),
    ]
    caption = format_html_join(" ", '<span class="{}">{}</span>', ((k, v) for k, v in caption_parts if v))
    figcaption = format_html("<figcaption>{}</figcaption>", caption) if caption else ""
    css_class = f"body-figure body-figure--{image_format.name}"  # a registered name, never the stored one
    return format_html('<figure class="{}">{}{}</figure>', css_class, img, figcaption)


_IMAGE_EMBED = re.compile(r"<embed\b[^>]*>", re.IGNORECASE)


def without_image(html: str, image_id) -> str:
    """Stored rich text with every embed of image ``image_id`` left out.

    The article shows its lead image (cover) above the text; the same image inside the body would
    show it twice, so the body drops it, wherever it is and whatever its format.
    """
    if not html or image_id is None:
        return html

    def keep(match):
        attrs = extract_attrs(match.group(0))
        is_cover = attrs.get("embedtype") == "image" and valid_id(attrs.get("id")) == image_id
        return "" if is_cover else match.group(0)

    return _IMAGE_EMBED.sub(keep, html)
