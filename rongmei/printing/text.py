"""A story as the paper prints it: the headline block, byline, lead and the body as blocks
(paragraphs, subheads, quotes, list items, images), read from the stored rich text.

Pure reading: no database writes. ``length`` is the 字数 the page plan compares with the target:
the characters of the lead and the body text (subheads, quotes and list items included), without
whitespace; headlines, byline and captions are not counted (they are set in their own styles).
"""

from dataclasses import dataclass, field

from lxml import html as lxml_html

from rongmei.newsroom.rich_text import valid_id

BLOCK_TAGS = {"p": "p", "h2": "subhead", "h3": "subhead", "h4": "subhead", "blockquote": "quote", "li": "li"}


@dataclass
class Block:
    kind: str  # p, subhead, quote, li, image
    text: str = ""
    image_id: int | None = None


@dataclass
class PrintText:
    kicker: str = ""
    headline: str = ""
    subheadline: str = ""
    byline: str = ""
    lead: str = ""
    blocks: list[Block] = field(default_factory=list)
    cover_image_id: int | None = None

    @property
    def body_text(self) -> str:
        return "\n".join(block.text for block in self.blocks if block.kind != "image" and block.text)

    @property
    def length(self) -> int:
        return count_chars(self.lead) + count_chars(self.body_text)

    @property
    def image_ids(self) -> list[int]:
        """Cover first, then the body's images in reading order, each once."""
        ids = [self.cover_image_id] if self.cover_image_id else []
        for block in self.blocks:
            if block.kind == "image" and block.image_id and block.image_id not in ids:
                ids.append(block.image_id)
        return ids


def count_chars(text: str) -> int:
    return sum(1 for char in text or "" if not char.isspace())


def _squash(text: str) -> str:
    return " ".join((text or "").split())


def body_blocks(rich_text: str) -> list[Block]:
    """The stored rich text (Wagtail's database format) as print blocks, in order."""
    if not (rich_text or "").strip():
        return []
    root = lxml_html.fragment_fromstring(rich_text, create_parent="div")
    blocks: list[Block] = []

    def walk(element):
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments, processing instructions
            tag = child.tag.lower()
            if tag == "embed":
                if child.get("embedtype") == "image" and valid_id(child.get("id")) is not None:
                    blocks.append(Block("image", image_id=valid_id(child.get("id"))))
                continue
            if tag in ("ul", "ol", "div", "section"):
                walk(child)
                continue
            if tag == "hr":
                continue
            kind = BLOCK_TAGS.get(tag, "p")
            # An image inside a paragraph (never made by the editor, but stored bodies vary).
            for embed in child.iter("embed"):
                if embed.get("embedtype") == "image" and valid_id(embed.get("id")) is not None:
                    blocks.append(Block("image", image_id=valid_id(embed.get("id"))))
            text = _squash(child.text_content())
            if text:
                blocks.append(Block(kind, text=text))

    walk(root)
    return blocks


def print_text(story, *, headline: str = "") -> PrintText:
    """``story`` (the revision as printed, see ``queries.printable_story``) as the paper sets it."""
    byline = story.credit_line() if hasattr(story, "credit_line") else ""
    return PrintText(
        kicker=_squash(story.kicker),
        headline=_squash(headline or story.title),
        subheadline=_squash(story.subheadline),
        byline=_squash(byline),
        lead=_squash(story.lead),
        blocks=body_blocks(story.body or ""),
        cover_image_id=story.cover_image_id,
    )
