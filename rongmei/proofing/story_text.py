"""A story's checkable text, and the way back from a finding's offsets to the stored field.

The engine checks plain text. A story is several fields, and its body is Wagtail rich text (HTML
in the database format), so this module

* turns each field into plain text (one line per paragraph, entities decoded, tags dropped),
  remembering for the body which source characters each text character came from;
* joins the fields into one text, so checks that look across the story (a name spelled two ways)
  see all of it, and maps each finding back to its field and field offsets;
* replaces a span of a field's plain text in the stored value, which is how a suggestion is
  accepted without an editor open.
"""

import html
import re
from dataclasses import dataclass

# Fields in reading order, as the engine sees them; the page attribute and the revision key agree.
FIELDS = ("kicker", "title", "subheadline", "lead", "body")
FIELD_SEPARATOR = "\n\n"

_TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|[^<&]+|&")
_BLOCK_TAG = re.compile(r"</?(p|h[1-6]|li|ul|ol|blockquote|embed|br|hr|div)\b", re.IGNORECASE)


@dataclass
class RichTextMap:
    """Plain text of a rich-text value and, per text character, its source span.

    ``spans[i]`` is (source start, source end) of ``text[i]``; a line break inserted for a block
    boundary has no source and maps to ``None``.
    """

    source: str
    text: str
    spans: list

    @classmethod
    def from_html(cls, source: str) -> "RichTextMap":
        pieces: list[str] = []
        spans: list = []
        for match in _TOKEN.finditer(source or ""):
            token = match.group(0)
            if token.startswith("<"):
                if _BLOCK_TAG.match(token) and pieces and pieces[-1] != "\n":
                    pieces.append("\n")
                    spans.append(None)
                continue
            if token.startswith("&") and len(token) > 1:
                decoded = html.unescape(token)
                for char in decoded:
                    pieces.append(char)
                    spans.append((match.start(), match.end()))
                continue
            for offset, char in enumerate(token):
                pieces.append(char)
                spans.append((match.start() + offset, match.start() + offset + 1))
        while pieces and pieces[-1] == "\n":
            pieces.pop()
            spans.pop()
        return cls(source=source or "", text="".join(pieces), spans=spans)

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The source span of text[start:end], or ``None`` when it crosses markup (a tag or a
        paragraph break lies inside it), where a plain replacement could break the formatting."""
        if not (0 <= start < end <= len(self.spans)):
            return None
        covered = self.spans[start:end]
        if any(span is None for span in covered):
            return None
        for previous, current in zip(covered, covered[1:], strict=False):
            if current[0] != previous[1] and current != previous:
                return None  # a tag sits between the two characters
        return covered[0][0], covered[-1][1]


# The channel versions' text fields (WeChat title, Weibo text …) are proofread with the story: a
# finding's field is "cv<channel id>.<field>" (``channel_field``).
CHANNEL_VERSION_FIELDS = ("title", "author", "summary", "text")


def channel_field(channel_id, name: str) -> str:
    return f"cv{channel_id}.{name}"


def parse_channel_field(field: str) -> tuple[int, str] | None:
    match = re.fullmatch(r"cv(\d+)\.(\w+)", field or "")
    if not match or match.group(2) not in CHANNEL_VERSION_FIELDS:
        return None
    return int(match.group(1)), match.group(2)


def _channel_version(page, channel_id):
    versions = getattr(page, "channel_versions", None)
    if versions is None:
        return None
    for version in versions.all():
        if version.channel_id == channel_id:
            return version
    return None


def page_values(page) -> dict:
    """The story's checkable fields in reading order: the story's own, then its channel versions'."""
    values = {name: getattr(page, name, "") for name in FIELDS}
    versions = getattr(page, "channel_versions", None)
    if versions is not None:
        for version in versions.all():
            for name in CHANNEL_VERSION_FIELDS:
                values[channel_field(version.channel_id, name)] = getattr(version, name, "")
    return values


def get_field(page, field: str):
    parsed = parse_channel_field(field)
    if parsed is None:
        return getattr(page, field)
    version = _channel_version(page, parsed[0])
    return getattr(version, parsed[1]) if version is not None else ""


def set_field(page, field: str, value) -> None:
    parsed = parse_channel_field(field)
    if parsed is None:
        setattr(page, field, value)
        return
    version = _channel_version(page, parsed[0])
    if version is None:
        raise ReplacementError("stale")
    setattr(version, parsed[1], value)


def field_text(value, field: str) -> str:
    if field == "body":
        return RichTextMap.from_html(str(value or "")).text
    return str(value or "")


@dataclass
class StoryText:
    """The fields' plain texts joined into one, with each field's offset in the joined text."""

    text: str
    fields: list  # (field name, start offset in text, field text)

    @classmethod
    def from_values(cls, values: dict) -> "StoryText":
        parts, fields, offset = [], [], 0
        names = list(FIELDS) + [name for name in values if name not in FIELDS]
        for name in names:
            plain = field_text(values.get(name), name)
            if not plain:
                continue
            if parts:
                parts.append(FIELD_SEPARATOR)
                offset += len(FIELD_SEPARATOR)
            fields.append((name, offset, plain))
            parts.append(plain)
            offset += len(plain)
        return cls(text="".join(parts), fields=fields)

    @classmethod
    def from_page(cls, page) -> "StoryText":
        return cls.from_values(page_values(page))

    def locate(self, start: int, end: int) -> tuple[str, int, int] | None:
        """(field, start, end) in that field's text for a span of the joined text; a span that
        runs past its field's end is clipped to it."""
        for name, offset, plain in self.fields:
            if offset <= start < offset + len(plain):
                return name, start - offset, min(end, offset + len(plain)) - offset
        return None


class ReplacementError(ValueError):
    """The text at the finding's place is no longer what was flagged, or crosses formatting."""


def replace_in_field(value, field: str, start: int, end: int, expected: str, replacement: str) -> str:
    """The field's stored value with text[start:end] (which must equal ``expected``) replaced."""
    if field != "body":
        value = str(value or "")
        if value[start:end] != expected:
            raise ReplacementError("changed")
        return value[:start] + replacement + value[end:]
    mapping = RichTextMap.from_html(str(value or ""))
    if mapping.text[start:end] != expected:
        raise ReplacementError("changed")
    span = mapping.source_span(start, end)
    if span is None:
        raise ReplacementError("markup")
    source = mapping.source
    return source[: span[0]] + html.escape(replacement, quote=False) + source[span[1] :]


@dataclass
class Edit:
    """One replacement asked of ``replace_many_in_field``: text[start:end] must still be ``expected``."""

    start: int
    end: int
    expected: str
    replacement: str
    key: object = None  # the caller's handle (a finding's id), returned in applied/skipped


def replace_many_in_field(value, field: str, edits: list) -> tuple[str, list, dict]:
    """The field's stored value with every edit made at once, and which edits were made.

    Offsets are those of the unchanged text: edits are applied from the end backwards, so a
    replacement of another length never moves a place still to be replaced. An edit whose text
    changed, that crosses formatting, or that overlaps an earlier one is skipped, with the reason
    ("changed", "markup", "overlap"), and the others are still made.
    """
    applied, skipped = [], {}
    is_body = field == "body"
    if is_body:
        mapping = RichTextMap.from_html(str(value or ""))
        text, source = mapping.text, mapping.source
    else:
        text = source = str(value or "")
    spans = []  # (source start, source end, replacement, key)
    last_end = -1
    for edit in sorted(edits, key=lambda item: (item.start, item.end)):
        if text[edit.start : edit.end] != edit.expected or edit.start >= edit.end:
            skipped[edit.key] = "changed"
            continue
        if edit.start < last_end:
            skipped[edit.key] = "overlap"
            continue
        if is_body:
            span = mapping.source_span(edit.start, edit.end)
            if span is None:
                skipped[edit.key] = "markup"
                continue
            replacement = html.escape(edit.replacement, quote=False)
        else:
            span, replacement = (edit.start, edit.end), edit.replacement
        spans.append((span[0], span[1], replacement, edit.key))
        last_end = edit.end
    for start, end, replacement, key in reversed(spans):
        source = source[:start] + replacement + source[end:]
        applied.append(key)
    applied.reverse()
    return source, applied, skipped
