"""The lists a check runs against, and the compiled matchers built from them.

A ``ListBundle`` is an immutable snapshot (terms, exceptions, people with titles) with a version
string. Compiled Aho-Corasick automata are cached in-process per version, so a story check never
rebuilds them; whoever builds a bundle from changing data (``services.current_lists``) must give it a
new version when the data change.
"""

import csv
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import ahocorasick_rs

from . import findings as f

LISTS_DIR = Path(__file__).resolve().parent.parent / "lists"

# Default list files shipped with Rongmei: file name -> category.
DEFAULT_LIST_FILES = {
    "misspellings.tsv": f.MISSPELLING,
    "confusables.tsv": f.CONFUSABLE,
    "adlaw.tsv": f.ADLAW,
    "exceptions.tsv": f.ALLOW,
}

# Categories scanned together in one automaton. Separate groups keep, say, a newsroom's banned
# term from hiding an overlapping misspelling (leftmost-longest matching never overlaps).
GROUPS = {
    "spelling": (f.MISSPELLING, f.CONFUSABLE),
    "adlaw": (f.ADLAW,),
    "newsroom": (f.BANNED, f.CAUTION, f.STYLE),
}


@dataclass(frozen=True, slots=True)
class TermEntry:
    term: str
    category: str
    severity: str
    suggestion: str | None = None
    note: str = ""
    list_name: str = ""


@dataclass(frozen=True, slots=True)
class PersonEntry:
    name: str
    title: str
    unit: str = ""


@dataclass(frozen=True)
class ListBundle:
    version: str
    terms: tuple[TermEntry, ...] = ()
    people: tuple[PersonEntry, ...] = ()
    disabled_checks: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Compiled:
    """Matchers for one bundle version: one automaton per group, plus people lookups."""

    groups: dict  # group name -> (AhoCorasick | None, patterns list, entries per pattern index)
    people: dict  # name -> set of titles
    people_matcher: object | None
    people_names: list


def read_list_file(path: Path, category: str) -> list[TermEntry]:
    """A shipped TSV list: header ``term<TAB>suggestion<TAB>note``; lines starting with # are comments."""
    entries = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            term = (row.get("term") or "").strip()
            if not term:
                continue
            suggestion = (row.get("suggestion") or "").strip() or None
            entries.append(
                TermEntry(
                    term=term,
                    category=category,
                    severity=f.DEFAULT_SEVERITY[category],
                    suggestion=suggestion,
                    note=(row.get("note") or "").strip(),
                    list_name=path.stem,
                )
            )
    return entries


@cache
def default_terms() -> tuple[TermEntry, ...]:
    terms = []
    for name, category in DEFAULT_LIST_FILES.items():
        terms.extend(read_list_file(LISTS_DIR / name, category))
    return tuple(terms)


@cache
def default_bundle() -> ListBundle:
    digest = hashlib.sha1()
    for name in sorted(DEFAULT_LIST_FILES):
        digest.update((LISTS_DIR / name).read_bytes())
    return ListBundle(version=f"defaults-{digest.hexdigest()[:12]}", terms=default_terms())


@cache
def load_table(name: str) -> tuple[tuple[str, ...], ...]:
    """A shipped TSV data table (header skipped) as tuples of stripped cells."""
    rows = []
    with (LISTS_DIR / name).open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.reader(lines[1:], delimiter="\t"):
        rows.append(tuple(cell.strip() for cell in row))
    return tuple(rows)


_CACHE: "OrderedDict[str, Compiled]" = OrderedDict()
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def compiled(bundle: ListBundle) -> Compiled:
    """The bundle's matchers, built once per version and kept for the process."""
    with _LOCK:
        hit = _CACHE.get(bundle.version)
        if hit is not None:
            _CACHE.move_to_end(bundle.version)
            return hit
    built = _compile(bundle)
    with _LOCK:
        _CACHE[bundle.version] = built
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return built


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def _compile(bundle: ListBundle) -> Compiled:
    allowed = {t.term for t in bundle.terms if t.category == f.ALLOW}
    allow = sorted(allowed)
    groups = {}
    for group, categories in GROUPS.items():
        by_pattern: dict[str, list[TermEntry]] = {}
        for entry in bundle.terms:
            if entry.category in categories:
                by_pattern.setdefault(entry.term, []).append(entry)
        if not by_pattern:
            groups[group] = (None, [], [])
            continue
        patterns = list(by_pattern)
        # A term that is also on an exception list is silenced: that is how a newsroom switches
        # off one shipped entry.
        entries = [
            [] if p in allowed else sorted(by_pattern[p], key=lambda e: -f.SEVERITY_RANK.get(e.severity, 0))
            for p in patterns
        ]
        # Exceptions join every group as patterns without entries: a longer correct word that
        # contains a flagged string wins the leftmost-longest match and hides it.
        extra = [a for a in allow if a not in by_pattern]
        patterns.extend(extra)
        entries.extend([] for _ in extra)
        automaton = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        groups[group] = (automaton, patterns, entries)
    people: dict[str, set[str]] = {}
    for person in bundle.people:
        people.setdefault(person.name, set()).add(person.title)
    names = sorted(people)
    matcher = (
        ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        if names
        else None
    )
    return Compiled(groups=groups, people=people, people_matcher=matcher, people_names=names)
