"""Adding many sources at once: a pasted list of addresses (one per line) or an OPML file, the
format every feed reader exports.

Parsing never raises for the input's problems: each bad line gets a message with its line number,
and the caller shows them next to the text so nothing has to be typed again. Addresses already
watched are skipped (compared in their normalized form), as are repeats within the input.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from lxml import etree

from rongmei.core.weburls import normalize_url

from ..permissions import can_import_sources, require
from .fetching.urls import source_url_problem
from .models import Source

MAX_OPML_BYTES = 2 * 1024 * 1024
MAX_LINES = 500
NAME_MAX = Source._meta.get_field("name").max_length
URL_MAX = Source._meta.get_field("url").max_length

# A token that starts like an address; the rest of the line is the source's name.
# It ends at white space or Chinese text, so “https://x.cn/rss人民网” still splits.
_ADDRESS = re.compile(r"(?i)(?<![a-z0-9])(?:https?:/*|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
# Separators people put between a name and an address: tabs, commas, bars, dashes, colons.
_SEPARATORS = " \t,，|｜;；:：-—–"


@dataclass
class Line:
    number: int
    name: str
    url: str


@dataclass
class ImportPlan:
    """What an import would do; `errors` empty means it can be carried out."""

    new: list[Line] = field(default_factory=list)
    already_watched: list[tuple[Line, Source]] = field(default_factory=list)
    repeated: list[Line] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class OPMLError(ValueError):
    """The uploaded file is not an OPML outline we can read; the message says why in plain words."""


def opml_to_text(data: bytes) -> str:
    """The feeds of an OPML file as lines of “name address”, in the file's order, so they can be
    shown in the text box, checked line by line and corrected there."""
    if len(data) > MAX_OPML_BYTES:
        raise OPMLError(
            _("The file is %(size)d KB; an OPML list of sources is at most %(limit)d KB.")
            % {"size": len(data) // 1024, "limit": MAX_OPML_BYTES // 1024}
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise OPMLError(
            _("The file is not an OPML outline (XML error on line %(line)s: %(error)s).")
            % {"line": exc.lineno or "?", "error": exc.msg}
        ) from None
    if etree.QName(root).localname.lower() != "opml":
        raise OPMLError(
            _("The file is XML but not OPML: its root element is <%(tag)s>, not <opml>.")
            % {"tag": etree.QName(root).localname}
        )
    lines = []
    for outline in root.iter("{*}outline", "outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder of feeds, or a plain note
        name = (outline.get("title") or outline.get("text") or "").strip()
        lines.append(f"{_one_line(name)} {_one_line(url)}".strip())
    if not lines:
        raise OPMLError(_("The file has no feeds: no <outline> element has an xmlUrl address."))
    return "\n".join(lines)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def parse_lines(text: str) -> tuple[list[Line], list[str]]:
    """Lines of “name address” (either order, any separator, name optional); blank lines and lines
    starting with # are skipped. Returns the lines read and a message for each bad one."""
    lines, errors = [], []
    validate = URLValidator(schemes=["http", "https"])
    rows = text.splitlines()
    if sum(1 for row in rows if row.strip() and not row.lstrip().startswith("#")) > MAX_LINES:
        return [], [
            _("There are more than %(limit)d addresses; import them in parts of at most %(limit)d.")
            % {"limit": MAX_LINES}
        ]
    for number, row in enumerate(rows, start=1):
        row = row.strip()
        if not row or row.startswith("#"):
            continue
        found = _ADDRESS.findall(row)
        if not found:
            errors.append(
                _("Line %(line)d: no address found (it should start with http:// or https://): “%(text)s”")
                % {"line": number, "text": row[:80]}
            )
            continue
        if len(found) > 1:
            errors.append(
                _("Line %(line)d: two addresses on one line; put each source on a line of its own.")
                % {"line": number}
            )
            continue
        url = found[0].rstrip("，。、；;,")
        if url.lower().startswith("www."):
            url = "https://" + url
        try:
            validate(url)
        except ValidationError:
            errors.append(
                _("Line %(line)d: “%(url)s” is not a valid web address.") % {"line": number, "url": url[:120]}
            )
            continue
        problem = source_url_problem(url)
        if problem:
            errors.append(_("Line %(line)d: %(problem)s") % {"line": number, "problem": problem})
            continue
        if len(url) > URL_MAX:
            errors.append(
                _("Line %(line)d: the address is longer than %(limit)d characters.")
                % {"line": number, "limit": URL_MAX}
            )
            continue
        name = row.replace(found[0], " ").strip(_SEPARATORS + " ")
        name = _one_line(name) or (urlsplit(url).hostname or url)
        if len(name) > NAME_MAX:
            errors.append(
                _("Line %(line)d: the name is longer than %(limit)d characters.")
                % {"line": number, "limit": NAME_MAX}
            )
            continue
        lines.append(Line(number, name, url))
    return lines, errors


def plan_import(text: str) -> ImportPlan:
    lines, errors = parse_lines(text)
    plan = ImportPlan(errors=errors)
    if not lines and not errors:
        plan.errors.append(_("There is no address to import. Paste one address per line."))
        return plan
    watched = {normalize_url(source.url): source for source in Source.objects.only("pk", "name", "url")}
    seen = set()
    for line in lines:
        key = normalize_url(line.url)
        if key in watched:
            plan.already_watched.append((line, watched[key]))
        elif key in seen:
            plan.repeated.append(line)
        else:
            seen.add(key)
            plan.new.append(line)
    return plan


def import_sources(
    plan: ImportPlan,
    *,
    kind: str,
    category: str,
    region=None,
    fetch_interval_minutes: int = 30,
    enabled: bool = True,
    authorised_to_reprint: bool = False,
    acting_user,
) -> list[Source]:
    """Create the plan's new sources, all or none. Each is checked as the source form would check it."""
    require(acting_user, can_import_sources, _("You may not import sources."))
    if plan.errors:
        raise ValueError("an import plan with errors cannot be carried out")
    sources = [
        Source(
            name=line.name,
            url=line.url,
            kind=kind,
            category=category,
            region=region,
            fetch_interval_minutes=fetch_interval_minutes,
            enabled=enabled,
            authorised_to_reprint=authorised_to_reprint,
        )
        for line in plan.new
    ]
    for source in sources:
        source.full_clean()
    with transaction.atomic():
        for source in sources:
            source.save()
    return sources
