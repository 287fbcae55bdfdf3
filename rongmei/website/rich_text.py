"""Front-end rendering of images embedded in a story body: a <figure> with caption and credit."""

from django.utils.html import format_html, format_html_join
from wagtail.images.formats import get_image_format
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.images.shortcuts import get_renditions_or_not_found

SMALL_WIDTH = "width-400"


class NewsImageEmbedHandler(ImageEmbedHandler):
    identifier = "image"

    @classmethod
    def get_many(cls, attrs_list):
        # One query for the images and one for all their renditions, however many the body has.
        ids = [attrs.get("id") for attrs in attrs_list]
        images = cls.get_model()._default_manager.filter(pk__in=ids).prefetch_related("renditions")
        by_id = {str(image.pk): image for image in images}
        return [by_id.get(str(image_id)) for image_id in ids]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        images = cls.get_many(attrs_list)
        return [
            figure_html(image, attrs.get("format", "fullwidth"), attrs.get("alt", "")) if image else ""
            for attrs, image in zip(attrs_list, images, strict=True)
        ]


def figure_html(image, format_name, alt_text):
    try:
        image_format = get_image_format(format_name)
    except KeyError:
        image_format = get_image_format("fullwidth")
    specs = [SMALL_WIDTH, image_format.filter_spec]
    renditions = get_renditions_or_not_found(image, specs)
    small, large = renditions[SMALL_WIDTH], renditions[image_format.filter_spec]
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
    css_class = f"body-figure body-figure--{format_name}"
    return format_html('<figure class="{}">{}{}</figure>', css_class, img, figcaption)
