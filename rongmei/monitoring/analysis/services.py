"""Analysing fetched items: the pure engine (``analysis.engine``) wired to the database.

`analyse_new_items()` takes the items that have no `ItemAnalysis` yet, in fetch order, and per item
writes one `ItemAnalysis` (dedup group, signature, sentiment), updates its `ItemGroup` and stores a
`RuleMatch` per matching watch rule; then `events` and `reprints` take the same items, in the same
transaction, so a batch is either wholly analysed or not at all.

One analyser at a time. The dedup index lives in this process's memory and must see items in
first-seen order, so two workers analysing side by side would each miss the other's copies. Each
batch therefore runs in one transaction that first takes the analysis lock: on PostgreSQL a
transaction-scoped advisory lock (a worker that does not get it returns at once; the holder drains
the backlog, and the every-minute job picks up whatever arrives after it stopped); on SQLite the
settings' IMMEDIATE transactions already let one writer in at a time. Under the lock the process
first loads the analyses other processes wrote since its last batch, so a restarted or second
worker keeps grouping with what came before: the index is rebuilt from the stored signatures of
the last 30 days (and again once a day, which keeps its memory bounded).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rongmei.core.weburls import url_key

from ..models import ItemAnalysis, ItemGroup, MonitoredItem, RuleMatch, WatchRule
from .engine import Analyser, DedupIndex, RuleError, Signature, Watchlist, parse_rule

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
INDEX_DAYS = 30  # how far back a new item is compared with earlier ones
INDEX_MAX_AGE = timedelta(days=1)  # then the index is rebuilt, dropping what fell out of the window
# Any fixed 64-bit number: the key of the PostgreSQL advisory lock that makes one analyser at a time.
ADVISORY_LOCK_KEY = 0x526F6E676D656901


def item_text(title: str, body: str) -> str:
    """The text the engine sees; `RuleMatch.spans` are offsets into it (title, newline, body)."""
    return f"{title}\n{body}" if body else title


def item_time(item: MonitoredItem):
    """When the item appeared: its published time, never later than when we fetched it."""
    published = item.published_at
    return published if published is not None and published < item.fetched_at else item.fetched_at


# --- regions and people for region:/person: terms ------------------------------------------------

# Longest first, so 自治县 is cut whole, not as 县.
_REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "新区", "地区", "省", "市", "区", "县", "旗", "盟")  # fmt: skip


def short_region_name(name: str) -> str:
    """张店区 → 张店, 淄博市 → 淄博: how the text usually names a place; "" when nothing is left."""
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


def region_table() -> dict[str, list[str]]:
    """``region:`` names → every name of the region: the full name and its short form.

    Both forms are keys, so ``region:张店`` and ``region:张店区`` work; two regions with one short
    name share the key and match either.
    """
    from rongmei.newsroom.models import Region

    table: dict[str, list[str]] = {}
    for name in Region.objects.values_list("name", flat=True):
        names = [name] + [short for short in [short_region_name(name)] if short]
        for key in names:
            known = table.setdefault(key, [])
            known.extend(n for n in names if n not in known)
    return table


def people_table() -> dict[str, list[str]]:
    """``person:`` names → aliases, from the proofing list of people and titles (姓名 + 职务).

    张三 (区长) is also written 张三区长 and, after the first mention, 张区长.
    """
    from rongmei.proofing.models import PersonTitle

    today = timezone.localdate()
    table: dict[str, list[str]] = {}
    rows = PersonTitle.objects.filter(enabled=True).values_list("name", "title", "valid_from", "valid_to")
    for name, title, valid_from, valid_to in rows:
        aliases = table.setdefault(name, [])
        if (valid_from and valid_from > today) or (valid_to and valid_to < today) or not title:
            continue
        surname = name[:2] if len(name) >= 4 else name[:1]  # 欧阳小明 → 欧阳
        for alias in (f"{name}{title}", f"{surname}{title}"):
            if alias not in aliases:
                aliases.append(alias)
    return table


def rule_error_message(error: RuleError, expression: str) -> str:
    """The engine's error in the reader's language, with the rule text around the position."""
    message = _(error.message) % error.params
    if not expression.strip():
        return message
    pos = min(error.position, len(expression))
    before, after = expression[max(0, pos - 12) : pos], expression[pos : pos + 12]
    context = ("…" if pos > 12 else "") + before + "▲" + after + ("…" if pos + 12 < len(expression) else "")
    return _("%(message)s Here: %(context)s") % {"message": message, "context": context}


def check_rule(expression: str) -> str:
    """What is wrong with a rule, in words, or "" when it is valid (`WatchRule.clean()` shows it)."""
    try:
        parse_rule(expression, regions=region_table(), people=people_table())
    except RuleError as error:
        return rule_error_message(error, expression)
    return ""


@dataclass
class RuleTrialHit:
    item: MonitoredItem
    spans: tuple  # (start, end) into item_text(item.title, item.body)


@dataclass
class RuleTrial:
    """What a rule would have matched among recent items: the analyst's “try it” before saving."""

    error: str = ""
    checked: int = 0
    matched: int = 0
    hits: list = field(default_factory=list)  # the newest `limit` matches
    capped: bool = False  # more items than `max_items` in the window: only the newest were checked


TRIAL_MAX_ITEMS = 20_000


def try_rule(expression: str, *, days: int = 7, limit: int = 50, max_items: int = TRIAL_MAX_ITEMS, now=None):
    """Run one rule over the items of the last ``days`` days, newest first, without storing anything.

    The same engine, regions and people as the analysis use, so what it shows is what the rule
    will match once saved (from then on; items already analysed are not matched again).
    """
    trial = RuleTrial()
    watchlist = Watchlist.compile([("trial", expression)], regions=region_table(), people=people_table())
    if "trial" in watchlist.errors:
        trial.error = rule_error_message(watchlist.errors["trial"], expression)
        return trial
    since = (now or timezone.now()) - timedelta(days=days)
    items = (
        MonitoredItem.objects.filter(fetched_at__gte=since)
        .select_related("source", "analysis")
        .order_by("-fetched_at", "-pk")
    )
    for item in items[: max_items + 1].iterator(chunk_size=500):
        if trial.checked == max_items:
            trial.capped = True
            break
        trial.checked += 1
        matches = watchlist.match(item_text(item.title, item.body))
        if matches:
            trial.matched += 1
            if len(trial.hits) < limit:
                trial.hits.append(RuleTrialHit(item, tuple((s.start, s.end) for s in matches[0].spans)))
    return trial


# --- the compiled watchlist ---------------------------------------------------------------------


def _active_rules():
    return WatchRule.objects.filter(enabled=True, client__active=True)


@dataclass
class _CompiledRules:
    key: tuple
    watchlist: Watchlist
    client_of: dict  # rule id -> client id


_compiled: _CompiledRules | None = None


def current_watchlist() -> _CompiledRules:
    """Every enabled rule of every active client, compiled once and again when a rule changes.

    The key changes when a rule is saved (updated_at), added, deleted, switched off or its client
    switched off (count and the sum of ids), or when the region or people tables change.
    """
    global _compiled
    from rongmei.newsroom.models import Region
    from rongmei.proofing.models import PersonTitle

    rules = _active_rules().aggregate(n=Count("pk"), changed=Max("updated_at"), ids=Sum("pk"))
    people = PersonTitle.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    key = (
        rules["n"],
        rules["changed"],
        rules["ids"],
        Region.objects.count(),
        people["n"],
        people["changed"],
        timezone.localdate(),  # people's titles expire by date
    )
    if _compiled is None or _compiled.key != key:
        rows = list(_active_rules().values_list("pk", "client_id", "expression"))
        watchlist = Watchlist.compile(
            [(pk, expression) for pk, _client, expression in rows],
            regions=region_table(),
            people=people_table(),
        )
        for rule_id, error in watchlist.errors.items():
            # e.g. saved before a limit existed: that rule is skipped, every other rule still runs
            logger.error("watch rule %s no longer parses and is skipped: %s", rule_id, error)
        _compiled = _CompiledRules(key, watchlist, {pk: client for pk, client, _expr in rows})
    return _compiled


# --- the analyser of this process -----------------------------------------------------------------


@dataclass
class _State:
    analyser: Analyser
    built_at: object
    loaded_upto: int = 0  # the highest ItemAnalysis pk fed into the index
    group_of_root: dict = field(default_factory=dict)  # index group id (its first item's pk) -> ItemGroup pk
    root_of_group: dict = field(default_factory=dict)  # ItemGroup pk -> index group id


_state: _State | None = None


def reset():
    """Forget what this process keeps in memory: index, watchlist, stories (after a failed batch; tests)."""
    from ..events import reprints

    global _state, _compiled
    _state = None
    _compiled = None
    reprints.reset()


def _catch_up(state: _State, now) -> None:
    """Feed the index what was analysed since it last looked (by this or another process).

    Analyses are written under the lock, so their ids grow in first-seen order, the order the
    index needs. Each stored item keeps the group it was given.
    """
    rows = (
        ItemAnalysis.objects.filter(
            pk__gt=state.loaded_upto, analysed_at__gte=now - timedelta(days=INDEX_DAYS)
        )
        .order_by("pk")
        .values_list("pk", "item_id", "group_id", "signature", "item__url")
    )
    index = state.analyser.index
    for pk, item_id, group_id, data, url in rows.iterator(chunk_size=2000):
        state.loaded_upto = pk
        try:
            sig = Signature.from_bytes(bytes(data))
        except ValueError:
            continue
        root = state.root_of_group.get(group_id, item_id)
        sighting = index.add_signature(item_id, sig, url_key=url_key(url), group_id=root)
        if sighting.new_group:
            state.group_of_root[item_id] = group_id
            state.root_of_group[group_id] = item_id


def _process_state(now) -> _State:
    global _state
    if _state is None or now - _state.built_at > INDEX_MAX_AGE:
        _state = _State(Analyser(index=DedupIndex()), built_at=now)
    _state.analyser.watchlist = current_watchlist().watchlist
    _catch_up(_state, now)
    return _state


def _take_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite: the IMMEDIATE transaction already holds the database's write lock
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


# --- one batch ------------------------------------------------------------------------------------


@dataclass
class Analysed:
    """What `events` and `reprints` need of an item analysed in this batch."""

    item: MonitoredItem
    text: str
    time: object
    group_id: int
    new_group: bool
    signature: Signature


def _sentiment_of_first_item(group_id: int, batch: dict) -> tuple[str, float] | None:
    first_item_id = ItemGroup.objects.filter(pk=group_id).values_list("first_item_id", flat=True).first()
    if first_item_id in batch:
        return batch[first_item_id]
    row = ItemAnalysis.objects.filter(item_id=first_item_id).values_list("sentiment", "sentiment_probability")
    return row.first()


def _analyse_batch(state: _State, items: list[MonitoredItem], now) -> list[Analysed]:
    compiled = _compiled
    analyser = state.analyser
    analyses, matches, done = [], [], []
    sentiments: dict[int, tuple[str, float]] = {}  # item id -> sentiment, this batch
    groups: dict[int, ItemGroup] = {}  # touched existing groups, saved once at the end
    for item in items:
        text = item_text(item.title, item.body)
        result = analyser.process(item.pk, text, url=item.url)
        sighting = result.sighting
        seen = item_time(item)
        group_id = None if sighting.new_group else state.group_of_root.get(sighting.group_id)
        if group_id is None:
            group_id = ItemGroup.objects.create(first_item=item, first_seen_at=seen, item_count=1).pk
            state.group_of_root[item.pk] = group_id
            state.root_of_group[group_id] = item.pk
            new_group = True
        else:
            group = groups.get(group_id) or ItemGroup.objects.get(pk=group_id)
            groups[group_id] = group
            group.item_count += 1
            if seen < group.first_seen_at:
                # A copy that appeared earlier than the one we saw first: it is the origin.
                group.first_item, group.first_seen_at = item, seen
            new_group = False
        if result.sentiment is not None:
            label, probability = result.sentiment.label, result.sentiment.probability
        else:
            # An exact copy: same text, so the group's sentiment (its first item's).
            found = _sentiment_of_first_item(group_id, sentiments)
            if found is None:
                predicted = analyser.model.predict(text)
                found = predicted.label, predicted.probability
            label, probability = found
        sentiments[item.pk] = (label, probability)
        analyses.append(
            ItemAnalysis(
                item=item,
                group_id=group_id,
                dedup_reason="" if sighting.new_group else sighting.reason,
                similarity=1.0 if sighting.new_group else sighting.similarity,
                signature=sighting.signature.to_bytes(),
                sentiment=label,
                sentiment_probability=probability,
                analysed_at=now,
            )
        )
        for match in result.matches:
            client_id = compiled.client_of.get(match.rule_id)
            if client_id is None:
                continue
            spans = [[span.start, span.end, text[span.start : span.end]] for span in match.spans]
            matches.append(
                RuleMatch(item=item, rule_id=match.rule_id, client_id=client_id, spans=spans, matched_at=now)
            )
        done.append(Analysed(item, text, seen, group_id, new_group, sighting.signature))
    for group in groups.values():
        group.save(update_fields=["item_count", "first_item", "first_seen_at"])
    ItemAnalysis.objects.bulk_create(analyses)
    RuleMatch.objects.bulk_create(matches)
    # Under the lock the newest analyses are ours: already in the index, not to be fed again.
    state.loaded_upto = ItemAnalysis.objects.aggregate(top=Max("pk"))["top"] or 0
    return done


def _pending():
    return MonitoredItem.objects.filter(analysis__isnull=True).order_by("fetched_at", "pk")


def _warm_up(now) -> None:
    """Load what is slow to load the first time (the sentiment model, jieba's dictionary, the index
    rebuilt from 30 days of signatures, our stories) before taking the lock, which then covers the
    batch only. Reading analyses outside the lock is safe: other writers hold it and commit in id
    order, and the catch-up under the lock reads on from the last id seen."""
    from ..events import reprints
    from ..events import services as events

    _process_state(now)
    events.keyword_extractor()
    reprints.story_index().refresh(now)


def analyse_new_items(*, batch_size: int = BATCH_SIZE, max_batches: int | None = None, now=None) -> int:
    """Analyse every item without an analysis, oldest fetch first; return how many were done."""
    from ..events import reprints
    from ..events import services as events

    done = 0
    batches = 0
    if _pending().exists():
        try:
            _warm_up(now or timezone.now())
        except Exception:
            reset()
            raise
    while max_batches is None or batches < max_batches:
        batch_now = now or timezone.now()
        try:
            with transaction.atomic():
                if not _take_lock():
                    break  # another worker is analysing; it takes these items too
                state = _process_state(batch_now)
                items = list(_pending().select_related("source")[:batch_size])
                if not items:
                    break
                analysed = _analyse_batch(state, items, batch_now)
                events.add_items(analysed, now=batch_now)
                reprints.find_reprints(analysed, now=batch_now)
        except Exception:
            reset()  # the in-memory index saw items whose analysis was rolled back
            raise
        done += len(items)
        batches += 1
    events.refresh_spikes(now=now or timezone.now())
    return done


def pending_count() -> int:
    return _pending().count()
