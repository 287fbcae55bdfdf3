"""Plain text: the story body without markup, and the Weibo status made from the channel version.

``plain_text(html)`` turns the story body (Wagtail rich text: ``<p>``, ``<h2>``, lists, links,
``<embed>`` images) into text with paragraph breaks. ``weibo_status(version, limit)`` composes what
Weibo's ``statuses/share`` receives: the editor's Weibo text (or the generated one) and the story's
link, within Weibo's limit, counted the way we assume Weibo counts (``weibo_length``).
"""

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from django.utils.translation import gettext as _

# Blocks that end a paragraph of the output; ``br`` ends a line inside one.
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "pre", "figure", "hr", "table"}
_SKIPPED = {"script", "style", "template", "head", "title"}
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_LINE_BREAK = "\x00"  # a <br> until the paragraph is tidied (source newlines are spaces in HTML)


class _PlainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.lists: list[list] = []  # per open list: [ordered?, next number]
        self.skipping = 0

    def _end_paragraph(self):
        text = "".join(self.current)
        lines = [_SPACES.sub(" ", line).strip() for line in text.split(_LINE_BREAK)]
        text = "\n".join(line for line in lines if line)
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag in ("ul", "ol"):
            self._end_paragraph()
            self.lists.append([tag == "ol", 1])
        elif tag == "br":
            self.current.append(_LINE_BREAK)
        elif tag in _BLOCKS:
            self._end_paragraph()
            if tag == "li" and self.lists:
                ordered, number = self.lists[-1]
                self.current.append(f"{number}. " if ordered else "· ")
                self.lists[-1][1] = number + 1

    def handle_startendtag(self, tag, attrs):
        # <br/>, <hr/>, and Wagtail's <embed embedtype="image" …/> (a picture: nothing to read).
        if tag == "br":
            self.current.append(_LINE_BREAK)
        elif tag in _BLOCKS:
            self._end_paragraph()

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
            return
        if tag in ("ul", "ol"):
            self._end_paragraph()
            if self.lists:
                self.lists.pop()
        elif tag in _BLOCKS:
            self._end_paragraph()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data.replace(_LINE_BREAK, ""))

    def result(self, paragraph_break: str) -> str:
        self.close()
        self._end_paragraph()
        return paragraph_break.join(self.paragraphs)


def plain_text(html: str, *, paragraph_break: str = "\n\n") -> str:
    """Rich text (HTML) as plain text: one paragraph per block (paragraph, heading, list item,
    quote) separated by ``paragraph_break``, ``<br>`` as a line break, runs of spaces collapsed,
    entities decoded; pictures and other embeds leave nothing. Text without tags comes back with its
    spaces tidied."""
    if not html:
        return ""
    if "<" not in html:
        lines = (_SPACES.sub(" ", line).strip() for line in unescape(html).split("\n"))
        return paragraph_break.join(line for line in lines if line)
    parser = _PlainText()
    parser.feed(html)
    return parser.result(paragraph_break)


# --- Weibo -----------------------------------------------------------------------------------------------

# https://open.weibo.com/wiki/2/statuses/share: "status … 不超过140个汉字" (at most 140 Chinese
# characters). How Weibo counts anything else is not in its documentation (platforms.md §2); a blog
# measurement (schappo.blogspot.com, 2012) says Latin-1 counts ½ and characters outside the BMP 2.
# We count every character as 1 and those outside the BMP (most emoji) as 2: never more lenient
# than Weibo, so a status we accept is within Weibo's limit. Links count in full (Weibo may shorten
# them to t.cn, which would only leave room to spare).
WEIBO_STATUS_MAX_CHARS = 140

# https://open.weibo.com/wiki/2/statuses/share: the status "不能包含#话题词#" (must not contain
# #topic#) when it is posted through share. ``#`` and the full-width ``＃`` both mark topics on Weibo.
_TOPIC = re.compile(r"[#＃]([^#＃\n]{1,64})[#＃]")
_URL = re.compile(r"https?://[^\s\u3000-\u303f\uff00-\uffef]+")


def weibo_length(text: str) -> int:
    """The status length as we count it (see ``WEIBO_STATUS_MAX_CHARS``)."""
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


def links_in(text: str) -> list[str]:
    return _URL.findall(text or "")


def clip_to(text: str, room: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``room`` counted characters, with ``ellipsis`` when cut."""
    if weibo_length(text) <= room:
        return text
    room -= weibo_length(ellipsis)
    kept, used = [], 0
    for char in text:
        used += weibo_length(char)
        if used > room:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ellipsis


class StatusError(ValueError):
    """A status that cannot be composed, in plain words naming the field and the limit."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class WeiboStatus:
    text: str  # the whole status, link included
    removed_topics: tuple[str, ...] = ()  # topic words whose # marks were taken out
    shortened: bool = False  # the (generated) text was cut to make room for the link


def compose_weibo_status(
    version, limit: int = WEIBO_STATUS_MAX_CHARS, *, shorten: bool = False, field_label: str = ""
) -> WeiboStatus:
    """The status for ``version`` (a ``ChannelVersion``): its ``text`` and its ``link``.

    * The link must be there: Weibo posts through share only with a link on the app's safe domain.
      A text that already holds the link is used as it is; otherwise the link follows after a space.
    * ``#话题#`` marks are taken out and the words kept ("#两会#开幕" → "两会开幕"): share refuses
      topics, and the words carry the meaning 三审 approved; the caller tells staff which ones.
    * Over ``limit``: the editor's text is refused with a message naming the field, the limit and how
      many characters the link leaves; a generated text (``shorten=True``) is cut with "…".
    """
    label = field_label or _("Weibo text")
    link = (version.link or "").strip()
    if not link:
        raise StatusError(
            _(
                "The story has no public address, and a Weibo post must link to it: publish the story "
                "on the site first (or check that its site is set up)."
            )
        )
    removed = []

    def unmark(match):
        removed.append(match.group(1))
        return match.group(1)

    text = _TOPIC.sub(unmark, (version.text or "").strip())
    if link in text:
        body, suffix = text, ""
    else:
        body, suffix = text, (" " + link if text else link)
    room = limit - weibo_length(suffix)
    shortened = False
    if weibo_length(body) > room:
        if shorten and room > 1:
            body, shortened = clip_to(body, room), True
        else:
            raise StatusError(
                _(
                    "The %(field)s is %(length)d characters long; with the story’s link (%(link)d "
                    "characters) a Weibo post may have at most %(limit)d, so the text may have at most "
                    "%(room)d. Shorten the %(field)s in the story’s channel version."
                )
                % {
                    "field": label,
                    "length": weibo_length(body),
                    "link": weibo_length(link),
                    "limit": limit,
                    "room": max(room, 0),
                }
            )
    return WeiboStatus(text=body + suffix, removed_topics=tuple(removed), shortened=shortened)


def weibo_status(version, limit: int = WEIBO_STATUS_MAX_CHARS, *, shorten: bool = False) -> str:
    """The status text for ``version`` (see ``compose_weibo_status``)."""
    return compose_weibo_status(version, limit, shorten=shorten).text
