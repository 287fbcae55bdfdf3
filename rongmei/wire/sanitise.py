"""Partners' HTML on its way in: nh3 (see docs/decisions/0013-sanitising-user-text.md) with an
explicit tag set, for showing an item in the admin and for the body of an adopted story."""

import re

import nh3

from rongmei.website.sanitise import text_to_html

# What an item keeps: the content API's plain-HTML set (rongmei/api/ninjs.py), no classes, styles,
# ids or scripts; images stay as links to the partner's files, shown in the admin only.
ITEM_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "ol", "ul", "li", "hr", "blockquote",
    "a", "figure", "figcaption", "img",
}  # fmt: skip
ITEM_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}

# What a story's body may hold (newsroom.STORY_BODY_FEATURES without images and embeds, which
# would need the picture in our library first): Wagtail's rich-text storage format.
STORY_TAGS = {"p", "br", "h2", "h3", "b", "i", "ol", "ul", "li", "hr", "blockquote", "a"}

_BLOCK_START = re.compile(r"^\s*<(p|h2|h3|h4|ol|ul|hr|blockquote|figure)\b", re.IGNORECASE)


def clean_body(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ITEM_TAGS,
        attributes=ITEM_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def plain_to_html(text: str) -> str:
    return text_to_html(text)


def story_body(item_html: str) -> str:
    """An item's (already clean) body as a story body Wagtail's editor can open."""
    html = item_html or ""
    for old, new in (("strong", "b"), ("em", "i"), ("h4", "h3")):
        html = re.sub(rf"<(/?){old}>", rf"<\1{new}>", html)
    html = nh3.clean(
        html,
        tags=STORY_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    html = html.strip()
    if html and not _BLOCK_START.match(html):
        html = f"<p>{html}</p>"
    return html or "<p></p>"
