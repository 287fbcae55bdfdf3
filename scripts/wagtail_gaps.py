#!/usr/bin/env python3
"""List the Wagtail messages that have no usable Simplified Chinese translation.

For every Wagtail app that ships a ``locale/en/LC_MESSAGES/<domain>.po`` this compares the
English msgids (with their msgctxt and msgid_plural) against the app's
``locale/zh_Hans/LC_MESSAGES/<domain>.po``. A message is a gap when the zh_Hans catalogue
lacks it, marks it fuzzy, leaves any msgstr empty, or when the compiled zh_Hans ``.mo``
(what Django reads at run time) does not contain it.

Django merges every installed app's catalogue into one, so a message missing from one
Wagtail app but translated by another Wagtail app is already shown in Chinese; such messages
are not gaps unless ``--per-app`` is given.

Usage (standard library only; no gettext tools needed):

    python scripts/wagtail_gaps.py                      # summary per app and domain
    python scripts/wagtail_gaps.py -o gaps.pot          # django-domain gaps as a .po template
    python scripts/wagtail_gaps.py --domain djangojs -o gaps-js.pot
    python scripts/wagtail_gaps.py --against rongmei/core/locale/zh_Hans/LC_MESSAGES/django.po

``--against`` names the catalogue that fills the gaps (Rongmei's, after a Wagtail upgrade):
the report then lists the gaps it does not cover yet and its entries that are no longer
needed, and ``-o`` writes only the uncovered gaps. The exit status is 1 when ``--against`` is
given and gaps remain uncovered, so the script can run in CI.
"""

from __future__ import annotations

import argparse
import ast
import gettext
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

LANGUAGE = "zh_Hans"
DOMAINS = ("django", "djangojs")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # "#." extracted comments

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def is_translated(self) -> bool:
        """Non-fuzzy, with every msgstr filled (msgfmt only compiles such entries)."""
        return bool(self.msgstr) and "fuzzy" not in self.flags and all(self.msgstr.values())


def _unquote(text: str, path: Path, lineno: int) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {text!r}")
    # PO strings use C escapes, which are a subset of Python's for the strings found in practice.
    return ast.literal_eval(text)


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """Parse a .po file: (header fields, entries). Obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    pending_refs: list[str] = []
    pending_comments: list[str] = []
    target: tuple[str, int | None] | None = None  # which field a continuation line extends
    fields: dict[str, object] = {}

    def finish():
        nonlocal current, fields
        if fields:
            if "msgid" not in fields:
                raise ValueError(f"{path}: an entry without msgid near {fields}")
            current = Entry(
                msgid=fields["msgid"],
                msgctxt=fields.get("msgctxt"),
                msgid_plural=fields.get("msgid_plural"),
                msgstr=dict(fields.get("msgstr", {})),
                flags=set(pending_flags),
                references=list(pending_refs),
                comments=list(pending_comments),
            )
            entries.append(current)
        fields = {}
        pending_flags.clear()
        pending_refs.clear()
        pending_comments.clear()

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#"):
            if "msgid" in fields and "msgstr" in fields:
                finish()  # a comment starts the next entry even without a blank line
            target = None
            if line.startswith("#~"):
                continue
            if line.startswith("#,"):
                pending_flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                pending_refs.extend(line[2:].split())
            elif line.startswith("#."):
                pending_comments.append(line[2:].strip())
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{lineno}: a string continuation outside a field")
            name, index = target
            value = _unquote(line, path, lineno)
            if name == "msgstr":
                fields["msgstr"][index] += value
            else:
                fields[name] += value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and "msgstr" in fields:
            finish()
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            fields[keyword] = _unquote(rest, path, lineno)
            target = (keyword, None)
        elif keyword == "msgstr":
            fields.setdefault("msgstr", {})[0] = _unquote(rest, path, lineno)
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[len("msgstr[") : -1])
            fields.setdefault("msgstr", {})[index] = _unquote(rest, path, lineno)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{lineno}: cannot parse {raw!r}")
    finish()

    header: dict[str, str] = {}
    body = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            for header_line in entry.msgstr.get(0, "").splitlines():
                name, _, value = header_line.partition(":")
                if name.strip():
                    header[name.strip()] = value.strip()
        else:
            body.append(entry)
    return header, body


def mo_keys(path: Path) -> set[tuple[str | None, str]]:
    """The (msgctxt, msgid) pairs compiled into a .mo file."""
    with path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    keys = set()
    for raw_key in catalog:
        msgid = raw_key[0] if isinstance(raw_key, tuple) else raw_key
        if msgid == "":
            continue
        context, sep, bare = msgid.partition("\x04")
        keys.add((context, bare) if sep else (None, msgid))
    return keys


def wagtail_root() -> Path:
    import wagtail

    return Path(wagtail.__file__).resolve().parent


def app_name(locale_dir: Path, root: Path) -> str:
    relative = locale_dir.parent.relative_to(root.parent)
    return ".".join(relative.parts)


@dataclass
class Gap:
    app: str
    entry: Entry
    reason: str


def find_gaps(domain: str = "django", *, root: Path | None = None, per_app: bool = False) -> list[Gap]:
    """Every (msgctxt, msgid) of Wagtail's en catalogues lacking a usable zh_Hans translation.

    Returned in a stable order (app, then file order), one Gap per key.
    """
    root = root or wagtail_root()
    candidates: list[Gap] = []
    translated_anywhere: set[tuple[str | None, str]] = set()
    for en_po in sorted(root.glob(f"**/locale/en/LC_MESSAGES/{domain}.po")):
        locale_dir = en_po.parents[2]
        app = app_name(locale_dir, root)
        zh_po = locale_dir / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"
        zh_mo = zh_po.with_suffix(".mo")
        zh_entries = {entry.key: entry for entry in parse_po(zh_po)[1]} if zh_po.exists() else {}
        compiled = mo_keys(zh_mo) if zh_mo.exists() else None
        for key, zh_entry in zh_entries.items():
            if zh_entry.is_translated and (compiled is None or key in compiled):
                translated_anywhere.add(key)
        for entry in parse_po(en_po)[1]:
            zh_entry = zh_entries.get(entry.key)
            if zh_entry is None:
                reason = "absent"
            elif "fuzzy" in zh_entry.flags:
                reason = "fuzzy"
            elif not zh_entry.is_translated:
                reason = "empty"
            elif compiled is not None and entry.key not in compiled:
                reason = "not compiled"
            else:
                continue
            candidates.append(Gap(app, entry, reason))

    gaps: list[Gap] = []
    seen: set[tuple[str | None, str]] = set()
    for gap in candidates:
        key = gap.entry.key
        if not per_app and (key in translated_anywhere or key in seen):
            continue
        seen.add(key)
        gaps.append(gap)
    return gaps


def _quote(text: str) -> str:
    """A PO string literal; text with inner newlines is split into one line per newline."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    lines = escaped.split("\n")
    if len(lines) == 1 or (len(lines) == 2 and not lines[-1]):  # no newline, or only a trailing one
        return '"' + escaped.replace("\n", "\\n") + '"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{part}"' for part in parts)


def render_template(
    gaps: list[Gap],
    domain: str,
    translations: dict[tuple[str | None, str], str] | None = None,
    title: str | None = None,
) -> str:
    """The gaps as a .po file; msgstr filled from ``translations`` (keyed like Entry.key)."""
    translations = translations or {}
    revision_date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    out = [
        f"# {title or f'Wagtail {domain} messages without a zh_Hans translation.'}",
        "# Entries listed by scripts/wagtail_gaps.py; see docs/decisions/0005-translations.md.",
        "#",
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: Rongmei (Wagtail gaps)\\n"',
        f'"PO-Revision-Date: {revision_date}\\n"',
        '"Last-Translator: Rongmei <newsroom@rongmei.localhost>\\n"',
        '"Language-Team: Rongmei <newsroom@rongmei.localhost>\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Language: {LANGUAGE}\\n"',
        '"Plural-Forms: nplurals=1; plural=0;\\n"',
        "",
    ]
    for gap in gaps:
        entry = gap.entry
        out.extend(f"#. {comment}" for comment in entry.comments)
        out.append(f"#. {gap.app} ({gap.reason})")
        if entry.references:
            out.append("#: " + " ".join(entry.references))
        flags = sorted(flag for flag in entry.flags if flag != "fuzzy")
        if flags:
            out.append("#, " + ", ".join(flags))
        if entry.msgctxt is not None:
            out.append("msgctxt " + _quote(entry.msgctxt))
        out.append("msgid " + _quote(entry.msgid))
        msgstr = _quote(translations.get(entry.key, ""))
        if entry.msgid_plural is not None:
            out.append("msgid_plural " + _quote(entry.msgid_plural))
            out.append("msgstr[0] " + msgstr)
        else:
            out.append("msgstr " + msgstr)
        out.append("")
    return "\n".join(out)


def _describe(key: tuple[str | None, str]) -> str:
    context, msgid = key
    text = msgid if len(msgid) <= 70 else msgid[:67] + "..."
    return f"[{context}] {text!r}" if context else repr(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", choices=(*DOMAINS, "all"), default="all")
    parser.add_argument("-o", "--output", type=Path, help="write the gaps as a .po template")
    parser.add_argument("--per-app", action="store_true", help="count gaps per app, ignoring other apps")
    parser.add_argument("--against", type=Path, help="a .po that fills the gaps; report what it lacks")
    parser.add_argument("--list", action="store_true", help="print every gap, not only the counts")
    args = parser.parse_args(argv)

    domains = DOMAINS if args.domain == "all" else (args.domain,)
    if args.against and args.domain == "all":
        if args.against.stem not in DOMAINS:
            parser.error("--against needs --domain when the file is not named django.po or djangojs.po")
        domains = (args.against.stem,)
    if args.output and len(domains) != 1:
        parser.error("-o needs a single --domain (django or djangojs)")

    status = 0
    for domain in domains:
        gaps = find_gaps(domain, per_app=args.per_app)
        by_app: dict[str, int] = defaultdict(int)
        for gap in gaps:
            by_app[gap.app] += 1
        reasons: dict[str, int] = defaultdict(int)
        for gap in gaps:
            reasons[gap.reason] += 1
        print(f"{domain}: {len(gaps)} messages without a zh_Hans translation", file=sys.stderr)
        for app, count in sorted(by_app.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {app:40} {count}", file=sys.stderr)
        print("  by reason: " + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())), file=sys.stderr)

        if args.against:
            ours = {entry.key: entry for entry in parse_po(args.against)[1] if entry.is_translated}
            gap_keys = {gap.entry.key for gap in gaps}
            gaps = [gap for gap in gaps if gap.entry.key not in ours]
            unneeded = sorted(set(ours) - gap_keys, key=lambda key: (key[0] or "", key[1]))
            print(f"  not covered by {args.against}: {len(gaps)}", file=sys.stderr)
            for gap in gaps:
                print(f"    {gap.app}: {_describe(gap.entry.key)}", file=sys.stderr)
            print(f"  entries of {args.against} Wagtail no longer needs: {len(unneeded)}", file=sys.stderr)
            for key in unneeded:
                print(f"    {_describe(key)}", file=sys.stderr)
            if gaps:
                status = 1
        elif args.list:
            for gap in gaps:
                print(f"    {gap.app} ({gap.reason}): {_describe(gap.entry.key)}", file=sys.stderr)

        if args.output:
            args.output.write_text(render_template(gaps, domain), encoding="utf-8")
            print(f"  wrote {len(gaps)} entries to {args.output}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
