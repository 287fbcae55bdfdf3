"""Events (舆情事件): groups of copies joined by what they are about, with volume, heat and spikes.

`add_items()` runs inside the analysis batch (see `services/analysis.py`), for the items just
analysed. A new group of copies joins the recent event whose keywords are closest to its own, or
starts an event; every item adds to its event's counts and to the hour of its `EventVolume`.

**Keywords.** jieba's TF-IDF `extract_tags` over the headline (twice: it says what the story is
about) and the first 500 characters of the body, 20 words. Dates, times and numbers are dropped
(left in, 26日晚10时许 gives "keywords" like 日晚), a place name from the region table counts as
its short form (张店区 → 张店), and for comparing, each word also counts through the dictionary
words inside it (化工厂 → 化工, 工厂). An event keeps the 12 best keywords of the story that
started it: anchored that way it cannot drift from one incident to the next through a chain of
half-related stories.

**Joining.** Place names are what local news share most, so they are kept out of the score and
decide on their own, by the most specific places each side names (淄博 counts only when no
district of it is named): a group naming other places than the event never joins it. The score is
the cosine between the group's TF-IDF weights and the event's keywords weighted by IDF. Measured
(event × later group) on a chemical-plant explosion told by three outlets in their own words:
0.26–0.61, the low end a netizen's post sharing only 化工厂 and 爆炸 with the official reports; a
related but different story of the same city (lift retrofits vs the old-compound renovation
plan): 0.12–0.19; same place, other topics (heating season, barbecue festival): ≤ 0.05; the same
kind of incident in another district: 0.35–0.63, which the place rule keeps apart. Hence 0.25
when group and event name a place in common (thin margins both ways: a post in very different
words may start an event of its own, which is the cheaper mistake), and 0.6 when either names no
place (wording alone must be close: merging two incidents would put one's alerts and heat on the
other). A new group joins the highest-scoring event active in the 72 hours around it, or starts one.

**Heat** (what the events list is ordered by)::

    heat = (10 · ln(1 + items) + 15 · ln(1 + reach)) · (1 + negative_share)
    reach = Σ over the event's distinct sources of their category weight
            (central media 3, provincial 2, government 2, local 1, social 1, forum 0.5)

Volume and reach are log-scaled, so the 400th copy adds little and ten sources count more than
ten copies from one; a central-media source weighs three local ones; an all-negative event is
twice as hot as a neutral one of the same size. One local item ≈ 17; 40 items from 20 local
sources ≈ 83.

**Spikes.** An hour spikes when it has at least `SPIKE_MIN_ITEMS` items and more than
mean + 3σ of the 24 hours before it, with σ at least √mean (counts are Poisson-like; a perfectly
steady history would otherwise make any extra item a spike). An event is spiking while its
current or previous hour spikes (the current hour has only just begun at :00); `spiking_since` is
set when that starts and cleared when it stops, also without new items (`refresh_spikes`).
"""

import copy
import functools
import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.db.models import Count, F, Q

from ..analysis.normalize import to_simplified
from ..models import Event, EventVolume, ItemAnalysis, ItemGroup, MonitoredItem, Source

WINDOW = timedelta(hours=72)
GROUP_KEYWORDS = 20
EVENT_KEYWORDS = 12
BODY_CHARS = 500
JOIN_SAME_PLACE = 0.25
JOIN_NO_COMMON_PLACE = 0.6

CATEGORY_WEIGHTS = {
    Source.Category.CENTRAL: 3.0,
    Source.Category.PROVINCIAL: 2.0,
    Source.Category.GOVERNMENT: 2.0,
    Source.Category.LOCAL: 1.0,
    Source.Category.SOCIAL: 1.0,
    Source.Category.FORUM: 0.5,
}

SPIKE_MIN_ITEMS = 5
SPIKE_BASELINE_HOURS = 24
HOUR = timedelta(hours=1)

_DIGIT = re.compile(r"\d")
# Dates and times (26日晚10时许) say when, not what; left in, jieba makes keywords of 日晚 and 时许.
_DATE = re.compile(r"\d+\s*[年月日号时点分秒][晚早许前后起]?")
_lock = threading.Lock()
_extractor = None


def keyword_extractor():
    """jieba's TF-IDF extractor on the search app's tokenizer: one dictionary in memory, not two."""
    global _extractor
    if _extractor is None:
        with _lock:
            if _extractor is None:
                import jieba.analyse

                from rongmei.search.segment import get_tokenizer

                extractor = copy.copy(jieba.analyse.default_tfidf)  # shares the IDF table
                extractor.tokenizer = get_tokenizer()
                _extractor = extractor
    return _extractor


@dataclass
class Places:
    """The region table as keywords see it: every name → its short form, and each place's parents."""

    canonical: dict[str, str] = field(default_factory=dict)  # 张店区, 张店 → 张店
    parents: dict[str, set[str]] = field(default_factory=dict)  # 张店 → {淄博, 山东}

    @classmethod
    def load(cls) -> "Places":
        from rongmei.newsroom.models import Region

        from .analysis import short_region_name

        rows = list(Region.objects.values_list("pk", "name", "parent_id"))
        short = {pk: short_region_name(name) or name for pk, name, _parent in rows}
        parent_of = {pk: parent for pk, _name, parent in rows}
        places = cls()
        for pk, name, _parent in rows:
            places.canonical[name] = places.canonical[short[pk]] = short[pk]
            chain, up = places.parents.setdefault(short[pk], set()), parent_of[pk]
            while up is not None and short.get(up) not in chain:
                chain.add(short[up])
                up = parent_of.get(up)
        return places

    def most_specific(self, names) -> set[str]:
        """Places not merely the parent of another one named (淄博 goes when 张店 is there)."""
        names = {n for n in names if n in self.parents}
        return {n for n in names if not any(n in self.parents[other] for other in names)}

    def agree(self, a: str, b: str) -> bool:
        return a == b or a in self.parents.get(b, ()) or b in self.parents.get(a, ())


def keywords(title: str, body: str, places: Places) -> list[tuple[str, float]]:
    """A story's keywords with their TF-IDF weights, best first (see the module docstring)."""
    title, body = to_simplified(title or ""), to_simplified((body or "")[:BODY_CHARS])
    title, body = _DATE.sub(" ", title), _DATE.sub(" ", body)
    found = keyword_extractor().extract_tags(
        f"{title}\n{title}\n{body}", topK=GROUP_KEYWORDS, withWeight=True
    )
    out: dict[str, float] = {}
    for word, weight in found:
        if not _DIGIT.search(word):
            out.setdefault(places.canonical.get(word, word), weight)
    return list(out.items())


@functools.lru_cache(maxsize=50_000)
def _parts(word: str) -> tuple[str, ...]:
    """The word and the dictionary words inside it (化工厂 → 化工, 工厂)."""
    parts = {word, *keyword_extractor().tokenizer.cut_for_search(word, HMM=False)}
    return tuple(p for p in parts if len(p) >= 2 and not _DIGIT.search(p))


def event_vector(event_keywords: list[str], places: Places) -> dict[str, float]:
    """An event's keywords as terms weighted by IDF, place names left out."""
    extractor = keyword_extractor()
    idf, median = extractor.idf_freq, extractor.median_idf
    return {t: idf.get(t, median) for w in event_keywords for t in _parts(w) if t not in places.canonical}


def group_vector(group_keywords: list[tuple[str, float]], places: Places) -> dict[str, float]:
    """A group's keywords as terms with their TF-IDF weights, place names left out."""
    vector: dict[str, float] = {}
    for word, weight in group_keywords:
        for term in _parts(word):
            if term not in places.canonical:
                vector[term] = max(vector.get(term, 0.0), weight)
    return vector


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(v * b[t] for t, v in a.items() if t in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def threshold(event_keywords: list[str], group_keywords: list[tuple[str, float]], places: Places):
    """The score a group needs to join the event, by the places both name; None: never."""
    event_places = places.most_specific(event_keywords)
    group_places = places.most_specific(word for word, _weight in group_keywords)
    if any(places.agree(a, b) for a in event_places for b in group_places):
        return JOIN_SAME_PLACE
    if event_places and group_places:
        return None  # different places: different incidents
    return JOIN_NO_COMMON_PLACE


def heat(item_count: int, sources_by_category: dict[str, int], negative_share: float) -> float:
    reach = sum(CATEGORY_WEIGHTS.get(category, 1.0) * n for category, n in sources_by_category.items())
    return round((10 * math.log1p(item_count) + 15 * math.log1p(reach)) * (1 + negative_share), 2)


def hour_of(moment):
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def is_spike(volumes: dict, hour) -> bool:
    """Does ``hour`` stand out from the 24 hours before it? (``volumes``: hour → items)"""
    current = volumes.get(hour, 0)
    if current < SPIKE_MIN_ITEMS:
        return False
    baseline = [volumes.get(hour - k * HOUR, 0) for k in range(1, SPIKE_BASELINE_HOURS + 1)]
    mean = sum(baseline) / len(baseline)
    sigma = math.sqrt(sum((v - mean) ** 2 for v in baseline) / len(baseline))
    return current > mean + 3 * max(sigma, math.sqrt(mean))


def spiking(event_id: int, now) -> bool:
    current = hour_of(now)
    since = current - (SPIKE_BASELINE_HOURS + 1) * HOUR
    volumes = dict(
        EventVolume.objects.filter(event_id=event_id, hour__gte=since, hour__lte=current).values_list(
            "hour", "items"
        )
    )
    return is_spike(volumes, current) or is_spike(volumes, current - HOUR)


# --- joining groups to events -------------------------------------------------------------------


@dataclass
class _Candidate:
    keywords: list
    first: object
    last: object
    vector: dict


class _Assigner:
    """Finds or starts the event of each new group of one batch.

    The recent events are loaded once per batch, with an index from term to events, so a group is
    scored only against events that share a term with it.
    """

    def __init__(self, analysed):
        self.places = Places.load()
        earliest = min(a.time for a in analysed)
        self.events: dict[int, _Candidate] = {}
        self.by_term: dict[str, set[int]] = defaultdict(set)
        rows = Event.objects.filter(last_seen_at__gte=earliest - WINDOW).values_list(
            "pk", "keywords", "first_seen_at", "last_seen_at"
        )
        for pk, event_keywords, first, last in rows:
            self._add(pk, event_keywords, first, last)

    def _add(self, pk, event_keywords, first, last):
        vector = event_vector(event_keywords, self.places)
        self.events[pk] = _Candidate(event_keywords, first, last, vector)
        for term in vector:
            self.by_term[term].add(pk)

    def event_for(self, analysed) -> int:
        item, at = analysed.item, analysed.time
        found = keywords(item.title, item.body, self.places)
        vector = group_vector(found, self.places)
        best, best_score = None, 0.0
        candidates = set().union(*(self.by_term.get(term, ()) for term in vector))
        for pk in sorted(candidates):  # oldest first: it wins a tie
            event = self.events[pk]
            if not (event.first - WINDOW <= at <= event.last + WINDOW):
                continue
            needed = threshold(event.keywords, found, self.places)
            if needed is None:
                continue
            score = cosine(event.vector, vector)
            if score >= needed and score > best_score:
                best, best_score = pk, score
        if best is None:
            top = [word for word, _weight in found[:EVENT_KEYWORDS]]
            title = item.title or (item.body or item.url)[:80]
            best = Event.objects.create(title=title[:500], keywords=top, first_seen_at=at, last_seen_at=at).pk
            self._add(best, top, at, at)
        else:
            event = self.events[best]
            event.first, event.last = min(event.first, at), max(event.last, at)
        ItemGroup.objects.filter(pk=analysed.group_id).update(event_id=best)
        return best


def add_items(analysed: list, *, now) -> list[int]:
    """Put the batch's items into events and update those events; return the touched event ids."""
    if not analysed:
        return []
    group_event = dict(
        ItemGroup.objects.filter(
            pk__in={a.group_id for a in analysed if not a.new_group}, event__isnull=False
        ).values_list("pk", "event_id")
    )
    assigner = None
    per_event = defaultdict(list)
    for a in analysed:
        event_id = group_event.get(a.group_id)
        if event_id is None:
            assigner = assigner or _Assigner(analysed)
            event_id = group_event[a.group_id] = assigner.event_for(a)
        per_event[event_id].append(a)
    for event_id, items in per_event.items():
        _update_event(event_id, items, now)
    return list(per_event)


def _update_event(event_id: int, analysed: list, now) -> None:
    for hour, n in Counter(hour_of(a.time) for a in analysed).items():
        if not EventVolume.objects.filter(event_id=event_id, hour=hour).update(items=F("items") + n):
            EventVolume.objects.create(event_id=event_id, hour=hour, items=n)
    event = Event.objects.get(pk=event_id)
    event.first_seen_at = min(event.first_seen_at, *(a.time for a in analysed))
    event.last_seen_at = max(event.last_seen_at, *(a.time for a in analysed))
    refresh_stats(event)
    is_spiking = spiking(event_id, now)
    if is_spiking and event.spiking_since is None:
        event.spiking_since = now
    elif not is_spiking:
        event.spiking_since = None
    event.save(
        update_fields=[
            "first_seen_at",
            "last_seen_at",
            "item_count",
            "source_count",
            "negative_share",
            "heat",
            "spiking_since",
        ]
    )


def refresh_stats(event: Event) -> None:
    """Counts, negative share and heat from the event's items (two aggregate queries)."""
    counts = ItemAnalysis.objects.filter(group__event=event).aggregate(
        n=Count("pk"), negative=Count("pk", filter=Q(sentiment=ItemAnalysis.Sentiment.NEGATIVE))
    )
    by_category = dict(
        MonitoredItem.objects.filter(analysis__group__event=event)
        .values_list("source__category")
        .annotate(n=Count("source_id", distinct=True))
        .order_by()
    )
    event.item_count = counts["n"]
    event.source_count = sum(by_category.values())
    event.negative_share = round(counts["negative"] / counts["n"], 4) if counts["n"] else 0.0
    event.heat = heat(event.item_count, by_category, event.negative_share)


def refresh_spikes(*, now) -> int:
    """Clear `spiking_since` of events whose burst is over though no item came; return how many."""
    spiking_ids = Event.objects.filter(spiking_since__isnull=False).values_list("pk", flat=True)
    cleared = [pk for pk in spiking_ids if not spiking(pk, now)]
    if cleared:
        Event.objects.filter(pk__in=cleared).update(spiking_since=None)
    return len(cleared)
