"""Watchlist rules: a small boolean language over keywords, compiled into one Aho-Corasick automaton.

Rule syntax (one rule per line in the admin; every rule belongs to one client):

    淄博 AND (污染 OR 排放) NOT 演练
    "烧烤 店" OR 八大局            quoted phrases keep their spaces; “中文引号” work too
    淄博 NEAR/10 污染              both within 10 characters of each other, either order
    region:张店 AND 停水           the region's name or any alias (table given by the caller)
    person:张三 AND 投诉           the person's name or any alias

- Operators are upper- or lower-case ``AND``, ``OR``, ``NOT``, ``NEAR/n``; two terms side by side
  mean AND. Precedence, tightest first: NEAR, NOT, AND, OR; parentheses group.
- ``NEAR/n``: the gap between the two occurrences is at most n characters (0 = adjacent). Its
  sides are terms, phrases, region:/person: names or parenthesised ``A OR B`` groups.
- Terms match as substrings of ``normalize.for_matching`` text (Traditional, full-width and case
  differences do not matter); a term that starts or ends with a Latin letter or digit must not
  continue a Latin word there (``AI`` does not match in ``TRAIN``).
- A rule must need at least one of its terms: ``NOT 广告`` alone is refused.

Limits (far above any real rule; they keep a pasted or hostile rule from crashing the parser or
slowing the analysis of every client), each refused with the position where it is passed:

- at most ``MAX_RULE_LENGTH`` (4,000) characters;
- parentheses and NOT nested at most ``MAX_DEPTH`` (20) deep;
- at most ``MAX_TERMS`` (500) terms, phrases and region:/person: names, ``MAX_OPERATORS`` (500)
  AND/OR/NOT/NEAR operators, of which at most ``MAX_NEAR_OPERATORS`` (10) NEAR;
- ``NEAR/n`` with n at most ``MAX_NEAR`` (1,000).

Matching keeps at most ``MAX_HITS`` (500) occurrences per NEAR, enough to decide and highlight.

``parse_rule`` raises ``RuleError`` with an English msgid, its parameters and a 0-based
``position`` (the message shows it 1-based). ``Watchlist`` compiles every term of every rule into
one automaton, so a scan costs about the same for 1,000 rules as for a few; only rules with a
term in the text are evaluated. Bad rules are kept in ``Watchlist.errors`` and skipped.
"""

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import ahocorasick_rs

from . import messages as m
from .normalize import for_matching

MAX_NEAR = 1000
MAX_RULE_LENGTH = 4000
MAX_DEPTH = 20
MAX_TERMS = 500
MAX_OPERATORS = 500
MAX_NEAR_OPERATORS = 10
MAX_HITS = 500


class RuleError(ValueError):
    def __init__(self, message: str, position: int = 0, **params):
        self.message = message  # msgid, untranslated
        self.position = position  # 0-based character offset into the rule
        self.params = {"position": position + 1, **params}
        super().__init__(message % self.params)


# --- syntax tree -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str  # as written, for display
    alternatives: tuple[str, ...]  # normalised strings; any of them is an occurrence
    label: str = ""  # "region:张店" / "person:张三" / "" for plain terms


@dataclass(frozen=True)
class Near:
    left: object
    right: object
    distance: int


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: object


def _is_span_node(node) -> bool:
    if isinstance(node, Term | Near):
        return True
    return isinstance(node, Or) and all(_is_span_node(p) for p in node.parts)


# --- tokens ------------------------------------------------------------------------------------------

_QUOTES = {'"': '"', "“": "”", "「": "」"}
_STOP = set(' \t\r\n\u3000()（）"“”「」')
_NEAR = re.compile(r"near/(\d*)", re.IGNORECASE)
_PREFIXES = {"region": "region", "地区": "region", "person": "person", "人物": "person"}


@dataclass(frozen=True)
class Token:
    kind: str  # "term", "phrase", "prefixed", "and", "or", "not", "near", "(", ")"
    value: str
    position: int
    distance: int = 0
    prefix: str = ""


_TERM_KINDS = ("term", "phrase", "prefixed")
_OPERATOR_KINDS = ("and", "or", "not", "near")


def _check_counts(tokens: list[Token]) -> None:
    """Refuse the rule at the first token past a limit on terms or operators."""
    terms = operators = nears = 0
    for token in tokens:
        if token.kind in _TERM_KINDS:
            terms += 1
            if terms > MAX_TERMS:
                raise RuleError(m.RULE_TOO_MANY_TERMS, token.position, limit=MAX_TERMS)
        elif token.kind in _OPERATOR_KINDS:
            operators += 1
            if operators > MAX_OPERATORS:
                raise RuleError(m.RULE_TOO_MANY_OPERATORS, token.position, limit=MAX_OPERATORS)
            if token.kind == "near":
                nears += 1
                if nears > MAX_NEAR_OPERATORS:
                    raise RuleError(m.RULE_TOO_MANY_NEAR, token.position, limit=MAX_NEAR_OPERATORS)


def tokenize(rule: str) -> list[Token]:
    if len(rule) > MAX_RULE_LENGTH:
        raise RuleError(m.RULE_TOO_LONG, MAX_RULE_LENGTH, limit=MAX_RULE_LENGTH, length=len(rule))
    tokens: list[Token] = []
    i, n = 0, len(rule)
    while i < n:
        c = rule[i]
        if c.isspace():
            i += 1
        elif c in "(（":
            tokens.append(Token("(", c, i))
            i += 1
        elif c in ")）":
            tokens.append(Token(")", c, i))
            i += 1
        elif c in _QUOTES:
            close = rule.find(_QUOTES[c], i + 1)
            if close < 0:
                raise RuleError(m.RULE_UNCLOSED_QUOTE, i)
            phrase = rule[i + 1 : close]
            if not phrase.strip():
                raise RuleError(m.RULE_EMPTY_PHRASE, i)
            tokens.append(Token("phrase", phrase, i))
            i = close + 1
        elif c in _STOP:
            # A closing quote with no opening one: it ends no word, so the loop would never move on.
            raise RuleError(m.RULE_STRAY_QUOTE, i)
        else:
            start = i
            while i < n and rule[i] not in _STOP:
                i += 1
            word = rule[start:i]
            upper = word.upper()
            if upper in ("AND", "OR", "NOT"):
                tokens.append(Token(upper.lower(), word, start))
                continue
            near = _NEAR.fullmatch(word)
            if near is not None or upper == "NEAR" or upper.startswith("NEAR/"):
                if near is None or not near.group(1):
                    raise RuleError(m.RULE_NEAR_DISTANCE, start, operator=word[:30])
                # Compare the digits before int(): a number of thousands of digits is refused by
                # int() itself (ValueError) and means nothing here anyway.
                digits = near.group(1).lstrip("0") or "0"
                if len(digits) > len(str(MAX_NEAR)) or int(digits) > MAX_NEAR:
                    raise RuleError(m.RULE_NEAR_TOO_FAR, start, limit=MAX_NEAR)
                tokens.append(Token("near", word, start, distance=int(digits)))
                continue
            prefix, colon, name = word.replace("：", ":").partition(":")
            if colon and prefix.lower() in _PREFIXES:
                if not name:
                    # region:"name with space" is allowed too
                    if i < n and rule[i] in _QUOTES:
                        close = rule.find(_QUOTES[rule[i]], i + 1)
                        if close < 0:
                            raise RuleError(m.RULE_UNCLOSED_QUOTE, i)
                        name = rule[i + 1 : close].strip()
                        i = close + 1
                    if not name:
                        raise RuleError(m.RULE_EMPTY_NAME, start, prefix=prefix + colon)
                tokens.append(Token("prefixed", name, start, prefix=_PREFIXES[prefix.lower()]))
                continue
            tokens.append(Token("term", word, start))
    return tokens


# --- parser ------------------------------------------------------------------------------------------

_OPERAND_START = {"term", "phrase", "prefixed", "(", "not"}


class _Parser:
    def __init__(self, rule: str, regions: Mapping, people: Mapping):
        self.rule = rule
        self.tokens = tokenize(rule)
        _check_counts(self.tokens)
        self.i = 0
        self.depth = 0  # open parentheses and NOTs around the current position
        self.regions = regions
        self.people = people

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self):
        if not self.tokens:
            raise RuleError(m.RULE_EMPTY, 0)
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            # parse_or stops only at ")" or at an operator with nothing usable after it
            if token.kind == ")":
                raise RuleError(m.RULE_UNOPENED_PAREN, token.position)
            raise RuleError(m.RULE_MISSING_LEFT, token.position, operator=token.value)
        return node

    def _right(self, operator: Token, parse):
        token = self.peek()
        if token is None or token.kind not in _OPERAND_START:
            raise RuleError(m.RULE_MISSING_RIGHT, operator.position, operator=operator.value)
        return parse()

    def parse_or(self):
        parts = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            parts.append(self._right(token, self.parse_and))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self):
        parts = [self.parse_not()]
        while (token := self.peek()) is not None:
            if token.kind == "and":
                self.take()
                parts.append(self._right(token, self.parse_not))
            elif token.kind in _OPERAND_START:
                parts.append(self.parse_not())  # side by side = AND
            else:
                break
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def _deeper(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RuleError(m.RULE_TOO_DEEP, token.position, limit=MAX_DEPTH)

    def parse_not(self):
        token = self.peek()
        if token is not None and token.kind == "not":
            self.take()
            self._deeper(token)
            node = Not(self._right(token, self.parse_not))
            self.depth -= 1
            return node
        return self.parse_near()

    def parse_near(self):
        left = self.parse_primary()
        while (token := self.peek()) is not None and token.kind == "near":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind not in ("term", "phrase", "prefixed", "("):
                if nxt is not None and nxt.kind == "not":
                    raise RuleError(m.RULE_NEAR_OPERAND, token.position)
                raise RuleError(m.RULE_MISSING_RIGHT, token.position, operator=token.value)
            right = self.parse_primary()
            if not (_is_span_node(left) and _is_span_node(right)):
                raise RuleError(m.RULE_NEAR_OPERAND, token.position)
            left = Near(left, right, token.distance)
        return left

    def parse_primary(self):
        token = self.peek()
        if token is None:
            # only reachable at the very start; operators check their right side first
            raise RuleError(m.RULE_EMPTY, len(self.rule))
        if token.kind == "(":
            self.take()
            self._deeper(token)
            if (nxt := self.peek()) is not None and nxt.kind == ")":
                raise RuleError(m.RULE_EMPTY_GROUP, token.position)
            if nxt is None:
                raise RuleError(m.RULE_UNCLOSED_PAREN, token.position)
            node = self.parse_or()
            close = self.peek()
            if close is None:
                raise RuleError(m.RULE_UNCLOSED_PAREN, token.position)
            if close.kind != ")":
                raise RuleError(m.RULE_MISSING_LEFT, close.position, operator=close.value)
            self.take()
            self.depth -= 1
            return node
        if token.kind == ")":
            raise RuleError(m.RULE_UNOPENED_PAREN, token.position)
        if token.kind in ("and", "or", "near"):
            raise RuleError(m.RULE_MISSING_LEFT, token.position, operator=token.value)
        self.take()
        if token.kind == "prefixed":
            return self._named(token)
        text = token.value
        return Term(text, (for_matching(text),))

    def _named(self, token: Token) -> Term:
        table = self.regions if token.prefix == "region" else self.people
        aliases = _lookup(table, token.value)
        if aliases is None:
            message = m.RULE_UNKNOWN_REGION if token.prefix == "region" else m.RULE_UNKNOWN_PERSON
            raise RuleError(message, token.position, name=token.value)
        alternatives = tuple(dict.fromkeys(for_matching(a) for a in (token.value, *aliases) if a.strip()))
        return Term(token.value, alternatives, f"{token.prefix}:{token.value}")


def _lookup(table: Mapping, name: str):
    if name in table:
        return tuple(table[name])
    wanted = for_matching(name)
    for key, aliases in table.items():
        if for_matching(key) == wanted:
            return tuple(aliases)
    return None


def _terms(node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Near):
        return _terms(node.left) + _terms(node.right)
    if isinstance(node, Not):
        return _terms(node.part)
    return [t for part in node.parts for t in _terms(part)]


def _clauses(node) -> list[frozenset]:
    """Sets of patterns that must each have one occurrence for the rule to match (a pre-filter).

    Sound, not complete: an OR keeps only the union of its branches' first sets, a NOT adds none.
    """
    if isinstance(node, Term):
        return [frozenset(node.alternatives)]
    if isinstance(node, Near):
        return _clauses(node.left) + _clauses(node.right)
    if isinstance(node, Not):
        return []
    if isinstance(node, And):
        return [c for part in node.parts for c in _clauses(part)]
    firsts = [_clauses(part) for part in node.parts]
    if any(not f for f in firsts):
        return []
    return [frozenset().union(*(f[0] for f in firsts))]


def parse_rule(rule: str, *, regions: Mapping | None = None, people: Mapping | None = None):
    """The syntax tree of one rule, or ``RuleError`` with the position of the first problem."""
    try:
        node = _Parser(rule, regions or {}, people or {}).parse()
        only_negative = _evaluate(node, {})[0]
    except RecursionError:
        # The limits above keep real and hostile rules far from Python's recursion limit; this is
        # the last line, so a rule can never crash a form or the analysis.
        raise RuleError(m.RULE_TOO_COMPLEX, 0) from None
    if only_negative:
        raise RuleError(m.RULE_ONLY_NEGATIVE, 0)
    return node


# --- evaluation ----------------------------------------------------------------------------------------

# A hit: (start, end, spans) where spans are the term occurrences it is made of.
Hit = tuple[int, int, tuple]


def _hits(node, found: Mapping[str, list]) -> list[Hit]:
    if isinstance(node, Term):
        out = []
        for alt in node.alternatives:
            for start, end in found.get(alt, ()):
                out.append((start, end, ((start, end, node.label or node.text),)))
        return out
    if isinstance(node, Or):
        return [h for part in node.parts for h in _hits(part, found)]
    # Near: for each left occurrence only the right ones that start close enough (sorted, bisect),
    # and at most MAX_HITS pairs, so common words in a long text cost neither time nor memory.
    left, right = _hits(node.left, found), _hits(node.right, found)
    if not left or not right:
        return []
    right.sort(key=lambda hit: hit[0])
    starts = [hit[0] for hit in right]
    longest = max(end - start for start, end, _spans in right)
    distance = node.distance
    out = []
    for ls, le, lspans in left:
        first = bisect_left(starts, ls - distance - longest)
        last = bisect_right(starts, le + distance)
        for rs, re_, rspans in right[first:last]:
            if max(rs - le, ls - re_, 0) <= distance:
                out.append((min(ls, rs), max(le, re_), lspans + rspans))
                if len(out) >= MAX_HITS:
                    return out
    return out


def _evaluate(node, found: Mapping[str, list]) -> tuple[bool, list]:
    """(matches, term spans that made it match)."""
    if isinstance(node, Term | Near):
        hits = _hits(node, found)
        return bool(hits), [s for h in hits for s in h[2]]
    if isinstance(node, Not):
        return (not _evaluate(node.part, found)[0]), []
    if isinstance(node, And):
        spans = []
        for part in node.parts:
            ok, part_spans = _evaluate(part, found)
            if not ok:
                return False, []
            spans.extend(part_spans)
        return True, spans
    ok_any, spans = False, []
    for part in node.parts:
        ok, part_spans = _evaluate(part, found)
        if ok:
            ok_any = True
            spans.extend(part_spans)
    return ok_any, spans


# --- compiled watchlists --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # character offsets into the text as given, end exclusive
    end: int
    term: str  # the rule's term (or region:/person: label) that occurs here


@dataclass(frozen=True, slots=True)
class Match:
    rule_id: object
    spans: tuple[Span, ...]


@dataclass
class Watchlist:
    """Rules of any number of clients, compiled together. Rule ids are the caller's (e.g. (client, pk))."""

    rules: dict = field(default_factory=dict)  # rule id -> syntax tree
    errors: dict = field(default_factory=dict)  # rule id -> RuleError
    _automaton: object = None
    _patterns: list = field(default_factory=list)
    _anchored: dict = field(default_factory=dict)  # pattern -> rule ids indexed under it
    _others: dict = field(default_factory=dict)  # rule id -> clauses still to check

    @classmethod
    def compile(
        cls,
        rules: Mapping | Iterable[tuple],
        *,
        regions: Mapping | None = None,
        people: Mapping | None = None,
    ) -> "Watchlist":
        items = rules.items() if isinstance(rules, Mapping) else rules
        watchlist = cls()
        clauses: dict = {}
        frequency: dict[str, int] = {}  # rules per pattern: a stand-in for how common a term is
        for rule_id, text in items:
            try:
                tree = parse_rule(text, regions=regions, people=people)
            except RuleError as exc:
                watchlist.errors[rule_id] = exc
                continue
            watchlist.rules[rule_id] = tree
            clauses[rule_id] = _clauses(tree)
            for pattern in {alt for term in _terms(tree) for alt in term.alternatives}:
                frequency[pattern] = frequency.get(pattern, 0) + 1
        for rule_id, tree in watchlist.rules.items():
            required = clauses[rule_id]
            if required:
                # Index each rule under one required set only, the one made of the rarest patterns
                # (a topic word rather than the client's place name), and check the rest on a hit.
                anchor = min(range(len(required)), key=lambda i: sum(frequency[p] for p in required[i]))
                keys = required[anchor]
                watchlist._others[rule_id] = required[:anchor] + required[anchor + 1 :]
            else:
                keys = {alt for term in _terms(tree) for alt in term.alternatives}
                watchlist._others[rule_id] = []
            for pattern in keys:
                watchlist._anchored.setdefault(pattern, []).append(rule_id)
        watchlist._patterns = list(frequency)
        if watchlist._patterns:
            # Standard match kind: overlapping matches, so 淄博 and 淄博市 are both seen.
            watchlist._automaton = ahocorasick_rs.AhoCorasick(
                watchlist._patterns, matchkind=ahocorasick_rs.MatchKind.Standard
            )
        return watchlist

    def match(self, text: str, *, normalized: str | None = None) -> list[Match]:
        """Rules that match ``text``, each with the spans of the terms that made it match.

        ``normalized`` may pass ``for_matching(text)`` when the caller already has it.
        """
        if self._automaton is None or not text:
            return []
        norm = normalized if normalized is not None else for_matching(text)
        found: dict[str, list] = {}
        patterns = self._patterns
        for index, start, end in self._automaton.find_matches_as_indexes(norm, overlapping=True):
            pattern = patterns[index]
            if _word_bounded(norm, start, end, pattern):
                found.setdefault(pattern, []).append((start, end))
        if not found:
            return []
        candidates: dict = {}
        anchored = self._anchored
        for pattern in found:
            for rule_id in anchored.get(pattern, ()):
                candidates[rule_id] = None
        out = []
        present = found.keys()
        others = self._others
        for rule_id in candidates:
            if any(present.isdisjoint(clause) for clause in others[rule_id]):
                continue
            ok, spans = _evaluate(self.rules[rule_id], found)
            if ok:
                out.append(Match(rule_id, _outermost(spans)))
        return out


def _outermost(spans) -> tuple[Span, ...]:
    """Sorted spans without those inside a longer span of the same term (张店 inside 张店区)."""
    out: list[Span] = []
    for start, end, term in sorted(set(spans), key=lambda s: (s[0], -s[1], s[2])):
        if any(o.term == term and o.start <= start and end <= o.end for o in out):
            continue
        out.append(Span(start, end, term))
    return tuple(out)


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _word_bounded(text: str, start: int, end: int, pattern: str) -> bool:
    if _is_latin(pattern[0]) and start > 0 and _is_latin(text[start - 1]):
        return False
    return not (_is_latin(pattern[-1]) and end < len(text) and _is_latin(text[end]))
