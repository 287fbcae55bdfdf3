"""Story teasers on the public lists, each rendered once per version of what it shows.

A teaser's cache key is a hash of everything it shows: the headline block (kicker, title,
subheadline, lead where shown), the publication time, the section's title where shown, its URL
(from ``url_path``), the cover image's file and focal point, the template and the language. A
corrected headline, a moved story or a replaced image is a new key, so no teaser is ever
invalidated: an old entry is simply no longer asked for and expires. A retracted or unpublished
story leaves the lists because the lists' own queries no longer find it.

A list renders in one batch: one ``get_many`` for all its teasers; the teasers not in the cache
load their images and renditions in two queries and are stored with one ``set_many``.
"""

import hashlib
from dataclasses import dataclass, field

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.images import get_image_model
from wagtail.images.models import Filter, ResponsiveImage
from wagtail.images.shortcuts import get_renditions_or_not_found

from .website_tags import page_path

register = template.Library()

TEASER_SECONDS = 7 * 24 * 3600
KEY_PREFIX = "rongmei:teaser:"


@dataclass(frozen=True)
class Variant:
    name: str
    template_name: str
    filter_specs: tuple[str, ...]
    image_attrs: dict = field(hash=False)
    shows_lead: bool = False

    def filters(self):
        return [Filter(spec=spec) for spec in self.filter_specs]


ITEM = Variant(
    "item",
    "website/includes/story_item.html",
    ("fill-240x160", "fill-480x320"),
    {
        "sizes": "(min-width: 760px) 160px, 120px",
        "class": "story-item__image",
        "loading": "lazy",
        "decoding": "async",
        "alt": "",
    },
)
LEAD = Variant(
    "lead",
    "website/includes/lead_story.html",
    ("fill-480x270", "fill-960x540"),
    {
        "sizes": "(min-width: 1024px) 420px, (min-width: 760px) 720px, 100vw",
        "class": "lead-story__image",
        "alt": "",
    },
    shows_lead=True,
)

_template_digests: dict[str, str] = {}


def _template_digest(variant):
    """A hash of the variant's template source: a changed template is a new key after a deploy."""
    digest = _template_digests.get(variant.template_name)
    if digest is None:
        source = get_template(variant.template_name).template.source
        digest = hashlib.blake2b(source.encode(), digest_size=6).hexdigest()
        _template_digests[variant.template_name] = digest
    return digest


def _image_state(story):
    """(id, file, focal point) of the story's cover image: what its renditions are made from."""
    if not story.cover_image_id:
        return ()
    if hasattr(story, "cover_file"):  # annotated by queries.for_list
        return (
            story.cover_image_id,
            story.cover_file,
            story.cover_fx,
            story.cover_fy,
            story.cover_fw,
            story.cover_fh,
        )
    image = story.cover_image
    focal_point = (
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
    )
    return (image.pk, image.file.name, *focal_point)


def teaser_key(story, variant, url, show_section):
    shown = (
        variant.name,
        _template_digest(variant),
        get_language() or "",
        story.pk,
        story.kicker,
        story.title,
        story.subheadline if variant.shows_lead else "",
        story.lead if variant.shows_lead else "",
        story.first_published_at.isoformat() if story.first_published_at else "",
        (getattr(story, "section_title", None) or "") if show_section else "",
        url,
        _image_state(story),
    )
    return KEY_PREFIX + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def _load_images(stories):
    ids = {story.cover_image_id for story in stories if story.cover_image_id}
    if not ids:
        return {}
    images = get_image_model().objects.filter(pk__in=ids).prefetch_related("renditions")
    return {image.pk: image for image in images}


def _cover_images(stories):
    """The cover images of these stories with their renditions, in two queries.

    Stories that share their images with others (``queries.share_cover_images``: the home page's
    lists) read them for all of those at once, the first time any of them needs one.
    """
    images = {}
    alone = []
    for story in stories:
        shared = getattr(story, "cover_images_shared", None)
        if shared is None:
            alone.append(story)
            continue
        if shared["images"] is None:
            shared["images"] = _load_images(shared["stories"])
        images.update(shared["images"])
    images.update(_load_images(alone))
    return images


def _image_html(image, variant):
    if image is None:
        return ""
    renditions = get_renditions_or_not_found(image, variant.filters())
    return mark_safe(ResponsiveImage(renditions, dict(variant.image_attrs)).__html__())


def render_teasers(stories, variant, request, show_section=False):
    """The teasers of ``stories`` as HTML strings, from the cache where they are there."""
    stories = list(stories)
    if not stories:
        return []
    urls = [page_path(story, request) for story in stories]
    keys = [teaser_key(story, variant, url, show_section) for story, url in zip(stories, urls, strict=True)]
    found = cache.get_many(keys)
    missing = [index for index, key in enumerate(keys) if key not in found]
    if missing:
        images = _cover_images([stories[index] for index in missing])
        teaser_template = get_template(variant.template_name)
        rendered = {}
        for index in missing:
            story = stories[index]
            context = {
                "story": story,
                "url": urls[index],
                "show_section": show_section,
                "image": _image_html(images.get(story.cover_image_id), variant),
            }
            rendered[keys[index]] = teaser_template.render(context)
        cache.set_many(rendered, TEASER_SECONDS)
        found.update(rendered)
    return [mark_safe(found[key]) for key in keys]


@register.simple_tag(takes_context=True)
def teaser_list(context, stories, show_section=False):
    """``<li>`` teasers of a list of stories (read by ``queries.for_list``), in one batch."""
    return mark_safe("".join(render_teasers(stories, ITEM, context.get("request"), show_section)))


@register.simple_tag(takes_context=True)
def lead_teaser(context, story):
    """The home page's top story: a large image, the headline block and the lead."""
    if story is None:
        return ""
    return render_teasers([story], LEAD, context.get("request"))[0]
