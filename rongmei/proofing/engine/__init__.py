"""The proofreading engine: ``proofread(text, lists=...)`` returns findings. Pure and offline.

No database, no Django settings needed (only ``render_message`` translates, and it runs where Django
is configured). Each check is a function ``check(text, context) -> list[Finding]`` registered in
``CHECKS``; ``context`` carries the list bundle and its compiled matchers.
"""

from dataclasses import dataclass

from . import grammar, mechanical, people, wordlists
from .bundle import (
    Compiled,
    ListBundle,
    PersonEntry,
    TermEntry,
    clear_cache,
    compiled,
    default_bundle,
    default_terms,
)
from .findings import CATEGORIES, Finding, render_message

__all__ = [
    "CATEGORIES",
    "CHECKS",
    "Finding",
    "ListBundle",
    "PersonEntry",
    "TermEntry",
    "clear_cache",
    "default_bundle",
    "default_terms",
    "proofread",
    "render_message",
]


@dataclass
class Context:
    bundle: ListBundle
    matchers: Compiled


def _tag_person(text: str, start: int, end: int) -> bool:
    lo, hi = grammar._clause(text, start)
    lo = min(lo, start)
    hi = max(hi, end)
    offset = lo
    for pair in grammar._tagger().cut(text[lo:hi]):
        if offset == start and offset + len(pair.word) == end:
            return pair.flag == "nr"
        offset += len(pair.word)
        if offset > start:
            return False
    return False


CHECKS = {
    "terms": lambda text, ctx: wordlists.check_terms(text, ctx.matchers, groups=("spelling", "newsroom")),
    # Advertising-law terms matter in advertorial copy; callers checking news may leave this out.
    "adlaw": lambda text, ctx: wordlists.check_terms(text, ctx.matchers, groups=("adlaw",)),
    "particles": lambda text, ctx: grammar.check_particles(text),
    "pairs": lambda text, ctx: mechanical.check_pairs(text),
    "halfwidth": lambda text, ctx: mechanical.check_halfwidth(text),
    "doubled": lambda text, ctx: mechanical.check_doubled(text),
    "digits": lambda text, ctx: mechanical.check_digits(text),
    "traditional": lambda text, ctx: mechanical.check_traditional(text),
    "dates": lambda text, ctx: mechanical.check_dates(text),
    "names": lambda text, ctx: people.check_name_consistency(text, _tag_person),
    "titles": lambda text, ctx: people.check_titles(text, ctx.matchers, people.default_titles()),
}


def proofread(text: str, *, lists: ListBundle | None = None, checks=None) -> list[Finding]:
    """All findings for ``text``, ordered by position.

    ``lists`` defaults to the shipped lists; ``checks`` optionally names a subset of ``CHECKS``.
    Checks named in ``lists.disabled_checks`` are skipped.
    """
    bundle = lists if lists is not None else default_bundle()
    context = Context(bundle=bundle, matchers=compiled(bundle))
    out: list[Finding] = []
    for name, check in CHECKS.items():
        if (checks is not None and name not in checks) or name in bundle.disabled_checks:
            continue
        out.extend(check(text, context))
    out.sort(key=lambda item: (item.start, item.end, item.category))
    return out
