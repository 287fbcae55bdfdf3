"""Word-list checks: newsroom lists, misspellings, confusables and advertising-law terms."""

from . import findings as f
from .bundle import Compiled


def check_terms(text: str, matchers: Compiled, *, groups=None) -> list[f.Finding]:
    out = []
    for group, (automaton, _patterns, entries) in matchers.groups.items():
        if automaton is None or (groups is not None and group not in groups):
            continue
        # ahocorasick-rs reports character (not byte) offsets for str input.
        for index, start, end in automaton.find_matches_as_indexes(text):
            candidates = entries[index]
            if not candidates:
                continue  # an exception (allow-list) word
            entry = candidates[0]
            out.append(
                f.make(
                    start,
                    end,
                    entry.category,
                    entry.severity,
                    entry.category,
                    suggestion=entry.suggestion,
                    rule=f"list.{entry.category}",
                    term=text[start:end],
                    list=entry.list_name,
                )
            )
    return out
