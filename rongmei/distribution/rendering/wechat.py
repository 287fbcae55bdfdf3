"""The story body as WeChat article markup (``draft/add``'s ``content``).

WeChat shows an article in its own reader: it keeps inline ``style`` attributes, drops ``<style>``
blocks, classes and scripts, filters images that were not uploaded through ``media/uploadimg`` and
makes no link clickable except links to other official-account articles (mp.weixin.qq.com). Its
documentation gives no list of allowed tags (platforms.md §1: "unconfirmed"), so this renders a
conservative set (``ALLOWED_TAGS``) and styles everything inline:

- images (Wagtail's ``<embed embedtype="image">``) become ``<img>`` with the address WeChat gave
  the uploaded copy (``image_url_for(image)``, supplied by the adapter), the caption and credit
  under it; any other ``<img>`` (an outside address) is removed;
- links become their text (a link to an mp.weixin.qq.com article is kept);
- video embeds become their address as text; scripts, iframes, forms and site markup (``<figure>``
  classes, srcset) never survive;
- the result is checked against WeChat's size limits (``check_content_size``).
"""

import re
from urllib.parse import urlsplit

import nh3
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from rongmei.distribution.adapters.base import AdapterError
from rongmei.newsroom.rich_text import media_links, valid_id

# draft/add ``content``: "必须少于2万字符，且不超过1M" — WXD draftbox/draftmanage/api_draft_add.html
# (platforms.md §1 "article fields"). Whether tags count is confirmed only by a forum answer, so
# the whole string is counted, tags and inline styles included (the conservative reading).
CONTENT_MAX_CHARS = 20_000  # the content must have fewer characters than this
CONTENT_MAX_BYTES = 1024 * 1024  # ... and fewer UTF-8 bytes than this (1 MB)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "span", "section", "h2", "h3", "blockquote", "ul", "ol", "li",
    "img", "a",
}  # fmt: skip
# Removed with everything inside them (not only the tag).
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}

# Inline styles (WeChat strips <style> and classes). Short: the 20,000 characters include them.
STYLES = {
    ("p", ""): "margin:0 0 1em;line-height:1.75",
    ("p", "figure"): "margin:1em 0 .3em;text-align:center",
    ("p", "caption"): "margin:0 0 1em;text-align:center;font-size:14px;color:#888",
    ("h2", ""): "margin:1.5em 0 .8em;font-size:18px;font-weight:bold",
    ("h3", ""): "margin:1.2em 0 .6em;font-size:17px;font-weight:bold",
    ("blockquote", ""): "margin:1em 0;padding:0 0 0 1em;border-left:3px solid #ddd;color:#555",
    ("ul", ""): "margin:0 0 1em;padding-left:1.5em",
    ("ol", ""): "margin:0 0 1em;padding-left:1.5em",
    ("li", ""): "margin:0 0 .4em;line-height:1.75",
    ("section", "rule"): "margin:1.5em 0;border-top:1px solid #ddd",
}
IMG_STYLE = "max-width:100%;height:auto"
ROLES = {"figure", "caption", "rule"}

MP_HOSTS = {"mp.weixin.qq.com"}  # article links WeChat lets a reader follow

_STYLED_TAG = re.compile(r"<(p|h2|h3|blockquote|ul|ol|li|section)(?: data-wx=\"([a-z]+)\")?>")
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\bsrc=)[^>]*>")
_BARE_LINK = re.compile(r"<a>(.*?)</a>", re.DOTALL)
_RENAMES = ((re.compile(r"<b>"), "<strong>"), (re.compile(r"</b>"), "</strong>"),
            (re.compile(r"<i>"), "<em>"), (re.compile(r"</i>"), "</em>"))  # fmt: skip
_HR = re.compile(r"<hr\b[^>]*>", re.IGNORECASE)


def _image_rule(image_url_for, uploaded: set):
    from wagtail.images import get_image_model

    def expand(attrs_list):
        ids = [valid_id(attrs.get("id")) for attrs in attrs_list]
        by_id = {image.pk: image for image in get_image_model().objects.filter(pk__in=[i for i in ids if i])}
        out = []
        for attrs, image_id in zip(attrs_list, ids, strict=True):
            image = by_id.get(image_id)
            url = image_url_for(image) if image is not None else ""
            if not url:
                out.append("")
                continue
            uploaded.add(url)
            caption = image.caption_line
            out.append(
                format_html(
                    '<p data-wx="figure"><img src="{}" alt="{}"></p>{}',
                    url,
                    image.alt_text(attrs),
                    format_html('<p data-wx="caption">{}</p>', caption) if caption else "",
                )
            )
        return out

    return expand


# A video site's player is an <iframe>, which WeChat does not show: its address as text.
_media_rule = media_links("<p>{url}</p>")


def _is_mp_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and (parts.hostname or "") in MP_HOSTS


def _style(match):
    tag, role = match.group(1), match.group(2) or ""
    style = STYLES.get((tag, role)) or STYLES.get((tag, ""))
    return f'<{tag} style="{style}">' if style else f"<{tag}>"


def wechat_html(story_or_body_html, image_url_for, *, check=True) -> str:
    """The body (a story, or its stored rich-text HTML) as WeChat article HTML.

    ``image_url_for(image)`` returns the address of the image's copy uploaded to WeChat (``""``
    drops the image). With ``check`` (the default), content over WeChat's size limits is an
    ``AdapterError(retryable=False)`` naming the limit."""
    html = getattr(story_or_body_html, "body", story_or_body_html) or ""
    uploaded: set[str] = set()
    rewriter = MultiRuleRewriter(
        [
            # Page links (and any unknown link type) become a bare <a>: text below.
            LinkRewriter(),
            EmbedRewriter(bulk_rules={"image": _image_rule(image_url_for, uploaded), "media": _media_rule}),
        ]
    )
    expanded = _HR.sub('<section data-wx="rule"></section>', rewriter(html))

    def keep(tag, attribute, value):
        if attribute == "src":  # only the images uploaded for this article
            return value if tag == "img" and value in uploaded else None
        if attribute == "href":
            return value if _is_mp_link(value) else None
        if attribute == "data-wx":
            return value if value in ROLES else None
        return value

    cleaned = nh3.clean(
        expanded,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes={"img": {"src", "alt"}, "a": {"href"}, "p": {"data-wx"}, "section": {"data-wx"}},
        attribute_filter=keep,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )
    cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)
    cleaned = _BARE_LINK.sub(r"\1", cleaned)
    for pattern, replacement in _RENAMES:
        cleaned = pattern.sub(replacement, cleaned)
    cleaned = _STYLED_TAG.sub(_style, cleaned)
    cleaned = cleaned.replace("<img ", f'<img style="{IMG_STYLE}" ')
    cleaned = cleaned.strip()
    if check:
        check_content_size(cleaned)
    return cleaned


def content_size(html: str) -> tuple[int, int]:
    """(characters, UTF-8 bytes) of the article content, as WeChat counts it (conservatively)."""
    return len(html), len(html.encode("utf-8"))


def check_content_size(html: str, *, max_chars: int = CONTENT_MAX_CHARS) -> None:
    """Refuse content WeChat would refuse (45002): in plain words, with the limit, not retryable."""
    chars, size = content_size(html)
    if chars >= max_chars:
        raise AdapterError(
            _(
                "The article is too long for WeChat: its content has %(chars)d characters (formatting "
                "included) and WeChat accepts fewer than %(limit)d. Shorten the story or publish it on "
                "WeChat by hand in parts."
            )
            % {"chars": chars, "limit": max_chars},
            retryable=False,
        )
    if size >= CONTENT_MAX_BYTES:
        raise AdapterError(
            _("The article is too large for WeChat: %(size)d bytes, and WeChat accepts less than 1 MB.")
            % {"size": size},
            retryable=False,
        )
