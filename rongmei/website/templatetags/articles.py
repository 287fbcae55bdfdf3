"""The article of a story page, rendered once per version of what it shows.

The fragment (the ``<article>`` and the ``og:image`` / ``article:published_time`` meta tags) is
keyed by a hash of: the page's live revision (title, body, credits, corrections, regions, topics
and tags as published), the template sources, the language, the site's public root and URL base,
the section's title and path, and one query's rows of what the page shows from other records: the
cover image's file, focal point, caption and credit; the credited staff's names; the corrections;
the regions' names and slugs; the topics' titles, paths and live flags; the tags' names; the
outlet's copyright line; the story's video and audio with their renditions (rongmei.video). A new revision, a renamed reporter or a recaptioned image is a new key:
nothing is ever invalidated, old entries expire.

On a hit the page's context skips everything the article needs (credits, corrections, regions,
outlet, image and renditions, tags, topics, rich text): ``story_context`` passes them as a callable
that only a miss calls. Retraction and privacy are answered before the context is built
(``wagtail_hooks``, Wagtail's ``before_serve_page``), so a cached fragment never serves them.
A preview (Wagtail's ``request.is_preview``) renders the draft without the cache.
The related stories are not in the fragment: they change when other stories publish and are two
plain queries plus cached teasers (``teasers.py``).
"""

import hashlib

from django import template
from django.core.cache import cache
from django.db import connection
from django.template.loader import get_template
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .website_tags import _url_base

register = template.Library()

ARTICLE_SECONDS = 7 * 24 * 3600
KEY_PREFIX = "rongmei:article:"
HEAD_TEMPLATE = "website/includes/story_head.html"
MAIN_TEMPLATE = "website/includes/story_article.html"

_digests: dict[str, str] = {}
_state_sql: list[str] = []


def _template_digest(name):
    digest = _digests.get(name)
    if digest is None:
        source = get_template(name).template.source
        digest = hashlib.blake2b(source.encode(), digest_size=6).hexdigest()
        _digests[name] = digest
    return digest


def _sql():
    """One UNION ALL of what the article shows from records outside its revision (built once)."""
    if _state_sql:
        return _state_sql[0]
    from django.contrib.auth import get_user_model
    from wagtail.images import get_image_model
    from wagtail.models import Page

    from rongmei.media.models import ChannelCrop
    from rongmei.newsroom.models import CorrectionNote, Region, StoryCredit, StoryPage, StoryTag
    from rongmei.video.models import AudioAsset, AudioRendition, VideoAsset, VideoRendition

    user = get_user_model()
    profile = user.staff_profile.related.related_model
    outlet = StoryPage.outlet.field.related_model
    tag = StoryTag.tag.field.related_model
    regions = StoryPage.regions.through
    topics = StoryPage.topics.through

    def t(model):
        return connection.ops.quote_name(model._meta.db_table)

    def text(expression):
        return f"CAST({expression} AS TEXT)"

    def row(kind, *columns):
        columns = [text(column) for column in columns] + ["''"] * (6 - len(columns))
        return f"SELECT '{kind}', " + ", ".join(columns)

    parts = [
        row(
            "i",
            "im.id",
            "im.file",
            "im.focal_point_x",
            "im.focal_point_y",
            "im.focal_point_width",
            "im.focal_point_height",
        )
        + f", {text('im.caption')}, {text('im.credit')} FROM {t(get_image_model())} im WHERE im.id = %s",
        row("c", "c.id", "c.name", "u.first_name", "u.last_name", "u.username", "p.display_name")
        + f", '', '' FROM {t(StoryCredit)} c LEFT JOIN {t(user)} u ON u.id = c.staff_id"
        f" LEFT JOIN {t(profile)} p ON p.user_id = u.id WHERE c.story_id = %s",
        row("n", "n.id", "n.noted_at", "n.text")
        + f", '', '' FROM {t(CorrectionNote)} n WHERE n.story_id = %s",
        row("r", "r.id", "r.name", "r.slug") + f", '', '' FROM {t(regions)} sr JOIN {t(Region)} r"
        " ON r.id = sr.region_id WHERE sr.storypage_id = %s",
        row("p", "p.id", "p.title", "p.url_path", "p.live", "p.first_published_at")
        + f", '', '' FROM {t(topics)} st JOIN {t(Page)} p ON p.id = st.topicpage_id WHERE st.storypage_id = %s",
        row("t", "g.id", "g.name") + f", '', '' FROM {t(StoryTag)} sg JOIN {t(tag)} g ON g.id = sg.tag_id"
        " WHERE sg.content_object_id = %s",
        row("o", "o.id", "o.copyright_line", "o.watermark_text", "o.watermark_logo", "o.watermark_position")
        + f", {text('o.watermark_opacity')}, '' FROM {t(outlet)} o WHERE o.id = %s",
        # The editor's crops of the cover (the shared picture, og:image, is its social-card crop).
        row("k", "k.id", "k.channel", "k.x", "k.y", "k.width", "k.height")
        + f", '', '' FROM {t(ChannelCrop)} k WHERE k.image_id = %s",
        # The story's video and audio from the media library: a transcode that finishes, a new
        # caption or a replaced rendition shows at once (their rows change, so the key does).
        row("v", "v.id", "v.state", "v.caption", "v.credit", "v.width", "v.height")
        + f", {text('v.duration')}, '' FROM {t(VideoAsset)} v WHERE v.id = %s",
        row("w", "w.id", "w.kind", "w.file", "w.width", "w.height")
        + f", '', '' FROM {t(VideoRendition)} w WHERE w.asset_id = %s",
        row("a", "a.id", "a.state", "a.caption", "a.credit")
        + f", '', '' FROM {t(AudioAsset)} a WHERE a.id = %s",
        row("b", "b.id", "b.kind", "b.file") + f", '', '' FROM {t(AudioRendition)} b WHERE b.asset_id = %s",
    ]
    _state_sql.append(" UNION ALL ".join(parts))
    return _state_sql[0]


def article_state(page):
    """The rows of what the article shows from other records, sorted (one query)."""
    media = [page.video_id or 0] * 2 + [page.audio_id or 0] * 2
    params = (
        [page.cover_image_id or 0] + [page.pk] * 5 + [page.outlet_id or 0, page.cover_image_id or 0] + media
    )
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        return sorted(
            tuple("" if value is None else str(value) for value in row) for row in cursor.fetchall()
        )


class ArticleFragment:
    """``{{ article.head }}`` and ``{{ article.main }}`` of a story page, from the cache if there.

    ``details`` is called only on a miss: it returns what the article templates need beyond
    ``page``, ``section`` and ``request``.
    """

    def __init__(self, page, request, section, details):
        self.page = page
        self.request = request
        self.section = section
        self.details = details

    @cached_property
    def key(self):
        from rongmei.website import site_url

        page, section = self.page, self.section
        shown = (
            _template_digest(HEAD_TEMPLATE),
            _template_digest(MAIN_TEMPLATE),
            get_language() or "",
            page.pk,
            page.live_revision_id,
            page.url_path,
            site_url.public_root(self.request, None),
            _url_base(self.request),
            (section.pk, section.title, section.url_path) if section is not None else None,
            article_state(page),
        )
        return KEY_PREFIX + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()

    @property
    def cacheable(self):
        """A preview (a draft or an old revision, with the live page's revision id) is never read
        from the cache nor stored in it."""
        return not getattr(self.request, "is_preview", False)

    @cached_property
    def parts(self):
        if self.cacheable:
            found = cache.get(self.key)
            if found is not None:
                return found
        context = {"page": self.page, "section": self.section, "request": self.request, **self.details()}
        found = (get_template(HEAD_TEMPLATE).render(context), get_template(MAIN_TEMPLATE).render(context))
        if self.cacheable:
            cache.set(self.key, found, ARTICLE_SECONDS)
        return found

    @property
    def head(self):
        return mark_safe(self.parts[0])

    @property
    def main(self):
        return mark_safe(self.parts[1])
