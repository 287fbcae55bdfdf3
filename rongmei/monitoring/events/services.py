"""Events (舆情事件): groups of copies joined by what they are about, with volume, heat and spikes.

`add_items()` runs inside the analysis batch (see `analysis/services.py`), for the items just
analysed. A new group of copies joins the recent event whose keywords are closest to its own, or
starts an event; every item adds to its event's counts and to the hour of its `EventVolume`.

**Keywords.** jieba's TF-IDF (as `extract_tags` computes it) over the headline (twice: it says
what the story is about) and the first 500 characters of the body, 20 words. Dates, times and
numbers are dropped (left in, 26日晚10时许 gives "keywords" like 日晚), and so are function words
and chat (`STOP_WORDS`: 有没有, 什么 …; `STOP_PHRASES` such as 有没有人管 go before segmenting,
else jieba makes 人管 of them). People of the proofing list of people and titles (姓名 + 职务) are
cut whole before jieba sees the text (jieba knows 卫东, not 李卫东), their aliases (李区长,
李卫东区长) count as the name. A place name from the region table counts as its short form
(张店区 → 张店), and for comparing, each word also counts through the dictionary words inside it
(化工厂 → 化工, 工厂). An event keeps the 12 best keywords of the story that started it: anchored
that way it cannot drift from one incident to the next through a chain of half-related stories.
Once it has 3 items, it shows and compares only those of them found in at least a fifth of its
items (2 at least: `MIN_DF_SHARE`), so a word only the first post had (a forum title's 人管) goes.

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

The score alone let the words every local government story has carry a join: "全市重点项目建设现场
推进会召开" scored 0.42 against "李卫东到张店区重点项目现场调研" through 重点项目, 现场, 建设, 进度.
So two more conditions (`joinable`): the terms both share must include a distinctive one (not a
place, not one of `GENERIC_WORDS`), and so must the group's headline with the event's keywords
(a report of the same story says what it is about in its headline). People work like places: a
group naming other people than the event never joins it, and when only one side names a person
the wording must be as close as when no place is shared (0.6).

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
from django.db.models.functions import Substr

from ..analysis.engine.normalize import to_simplified
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

MIN_DF_SHARE = 0.2  # an event's keyword must be in this share of its items (at least 2) …
MIN_DF_ITEMS = 3  # … once it has this many
DF_SAMPLE = 500  # the newest items counted for that

# Said in any story, about anything: never a keyword. (jieba's own stop words are English.)
STOP_WORDS = frozenset(
    """有没有 没有 有人 什么 怎么 怎么办 怎样 为什么 这个 那个 这些 那些 一个 一些 我们 你们 他们 她们
    大家 自己 已经 还是 就是 可以 不是 真的 这样 那样 如何 还有 因为 所以 但是 而且 或者 以及 如果 虽然
    今天 昨天 明天 今年 去年 近日 日前 目前 当前 此前 此外 其中 同时 通过 进行 表示 称 据悉 获悉 记者
    报道 消息 网友 网曝 转发 扩散 关注 转需 求助 太气人 谁管 多名 一名 有关 相关 方面 时间""".split()
)
# Chat phrases cut out before segmenting: jieba would leave fragments of them (有没有人管 → 人管).
STOP_PHRASES = ("有没有人管", "有人管吗", "没人管", "谁来管管", "管管吧", "怎么回事", "咋回事")
_STOP_PHRASE = re.compile("|".join(map(re.escape, STOP_PHRASES)))
# Words of any local government story: keywords still, but sharing only these joins nothing.
GENERIC_WORDS = frozenset(
    """重点 项目 重点项目 现场 建设 工作 会议 召开 推进 推进会 要求 调研 发展 加快 确保 全市 全区 全县
    全省 部署 进度 情况 部门 有关部门 举行 活动 开展 提升 推动 落实 高质量 服务 群众 市民 居民 单位 企业
    领导 负责人 区长 市长 县长 书记 局长 主任 区委 市委 政府 人民政府 召开会议 会上 指出 强调 一行 先后
    来到 了解 详细 组织 进一步 做好 加强 全力 实施 完成 开工 投产 达效 按期 分组 观摩""".split()
)


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

        from ..analysis.services import short_region_name

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


@dataclass
class People:
    """The list of people and titles as keywords see it: every name and alias → the name."""

    canonical: dict[str, str] = field(default_factory=dict)  # 李卫东, 李卫东区长, 李区长 → 李卫东
    pattern: re.Pattern | None = None

    @classmethod
    def load(cls) -> "People":
        from ..analysis.services import people_table

        return cls.of(people_table())

    @classmethod
    def of(cls, table: dict[str, list[str]]) -> "People":
        people, taken = cls(), Counter(alias for aliases in table.values() for alias in set(aliases))
        for name, aliases in table.items():
            if len(name) >= 2:
                people.canonical[name] = name
            for alias in aliases:
                if taken[alias] == 1 and alias not in table and len(alias) >= 2:
                    people.canonical.setdefault(alias, name)  # 李区长 of two 李 区长 is no one's
        if people.canonical:
            names = sorted(people.canonical, key=len, reverse=True)  # 李卫东区长 before 李卫东
            people.pattern = re.compile("|".join(map(re.escape, names)))
        return people

    def named(self, words) -> set[str]:
        return {w for w in words if w in self.canonical}


_NO_PEOPLE = People()


def _words(text: str, people: People):
    """jieba's words of ``text``, a known person's name or alias as one word (the name)."""
    tokenizer = keyword_extractor().tokenizer
    at = 0
    for match in people.pattern.finditer(text) if people.pattern else ():
        yield from tokenizer.cut(text[at : match.start()])
        yield people.canonical[match.group()]
        at = match.end()
    yield from tokenizer.cut(text[at:])


def keywords(title: str, body: str, places: Places, people: People = _NO_PEOPLE) -> list[tuple[str, float]]:
    """A story's keywords with their TF-IDF weights, best first (see the module docstring)."""
    title, body = to_simplified(title or ""), to_simplified((body or "")[:BODY_CHARS])
    text = f"{title}\n{title}\n{body}"
    text = _STOP_PHRASE.sub(" ", _DATE.sub(" ", text))
    freq: Counter = Counter()
    for word in _words(text, people):
        word = word.strip()
        if len(word) >= 2 and word.lower() not in STOP_WORDS and not _DIGIT.search(word):
            freq[word] += 1
    total = sum(freq.values())
    extractor = keyword_extractor()
    idf, median = extractor.idf_freq, extractor.median_idf
    found = sorted(((w, n * idf.get(w, median) / total) for w, n in freq.items()), key=lambda wn: -wn[1])
    out: dict[str, float] = {}
    for word, weight in found[:GROUP_KEYWORDS]:
        out.setdefault(places.canonical.get(word, word), weight)
    return list(out.items())


@functools.lru_cache(maxsize=50_000)
def _parts(word: str) -> tuple[str, ...]:
    """The word and the dictionary words inside it (化工厂 → 化工, 工厂)."""
    parts = {word, *keyword_extractor().tokenizer.cut_for_search(word, HMM=False)}
    return tuple(p for p in parts if len(p) >= 2 and not _DIGIT.search(p))


def _terms(word: str, people: People) -> tuple[str, ...]:
    return (word,) if word in people.canonical else _parts(word)  # 李卫东, not 卫东 as well


def event_vector(event_keywords: list[str], places: Places, people: People = _NO_PEOPLE) -> dict[str, float]:
    """An event's keywords as terms weighted by IDF, place names left out."""
    extractor = keyword_extractor()
    idf, median = extractor.idf_freq, extractor.median_idf
    return {
        t: idf.get(t, median) for w in event_keywords for t in _terms(w, people) if t not in places.canonical
    }


def group_vector(
    group_keywords: list[tuple[str, float]], places: Places, people: People = _NO_PEOPLE
) -> dict[str, float]:
    """A group's keywords as terms with their TF-IDF weights, place names left out."""
    vector: dict[str, float] = {}
    for word, weight in group_keywords:
        for term in _terms(word, people):
            if term not in places.canonical:
                vector[term] = max(vector.get(term, 0.0), weight)
    return vector


def _distinctive(terms) -> set[str]:
    return {t for t in terms if t not in GENERIC_WORDS}


def joinable(event_vector_: dict, group_vector_: dict, title: str, people: People = _NO_PEOPLE) -> bool:
    """Do event and group share a distinctive term, and does the group's headline name one?

    (The score and `threshold` decide the rest; see the module docstring.)
    """
    shared = _distinctive(t for t in group_vector_ if t in event_vector_)
    if not shared:
        return False
    headline = to_simplified(title or "")
    headline_terms = {t for w in _words(headline, people) for t in _terms(w.strip(), people)}
    return bool(_distinctive(t for t in headline_terms if t in event_vector_))


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(v * b[t] for t, v in a.items() if t in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def threshold(
    event_keywords: list[str],
    group_keywords: list[tuple[str, float]],
    places: Places,
    people: People = _NO_PEOPLE,
):
    """The score a group needs to join the event, by the places and people both name; None: never."""
    event_people = people.named(event_keywords)
    group_people = people.named(word for word, _weight in group_keywords)
    if event_people and group_people and not event_people & group_people:
        return None  # other people: another story
    event_places = places.most_specific(event_keywords)
    group_places = places.most_specific(word for word, _weight in group_keywords)
    if (
        event_places
        and group_places
        and not any(places.agree(a, b) for a in event_places for b in group_places)
    ):
        return None  # different places: different incidents
    if event_people != group_people and not event_people & group_people:
        return JOIN_NO_COMMON_PLACE  # a person's doings on one side only: the wording must be close
    if event_places and group_places:
        return JOIN_SAME_PLACE
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
        self.people = People.load()
        earliest = min(a.time for a in analysed)
        self.events: dict[int, _Candidate] = {}
        self.by_term: dict[str, set[int]] = defaultdict(set)
        rows = Event.objects.filter(last_seen_at__gte=earliest - WINDOW).values_list(
            "pk", "keywords", "first_seen_at", "last_seen_at"
        )
        for pk, event_keywords, first, last in rows:
            self._add(pk, event_keywords, first, last)

    def _add(self, pk, event_keywords, first, last):
        vector = event_vector(event_keywords, self.places, self.people)
        self.events[pk] = _Candidate(event_keywords, first, last, vector)
        for term in vector:
            self.by_term[term].add(pk)

    def event_for(self, analysed) -> int:
        item, at = analysed.item, analysed.time
        found = keywords(item.title, item.body, self.places, self.people)
        vector = group_vector(found, self.places, self.people)
        headline = item.title or (item.body or "")[:80]
        best, best_score = None, 0.0
        candidates = set().union(*(self.by_term.get(term, ()) for term in vector))
        for pk in sorted(candidates):  # oldest first: it wins a tie
            event = self.events[pk]
            if not (event.first - WINDOW <= at <= event.last + WINDOW):
                continue
            needed = threshold(event.keywords, found, self.places, self.people)
            if needed is None:
                continue
            score = cosine(event.vector, vector)
            if (
                score >= needed
                and score > best_score
                and joinable(event.vector, vector, headline, self.people)
            ):
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
    places = assigner.places if assigner else Places.load()
    people = assigner.people if assigner else People.load()
    for event_id, items in per_event.items():
        _update_event(event_id, items, now, places, people)
    return list(per_event)


def common_keywords(event: Event, places: Places, people: People) -> list[str]:
    """The keywords of the story that started the event found in enough of its items (`MIN_DF_SHARE`).

    Recomputed from that story each time, so a word dropped while the event was small comes back
    when later items use it; the event never takes words from other stories (it cannot drift).
    """
    items = MonitoredItem.objects.filter(analysis__group__event=event)
    first = items.order_by("analysis__pk").values_list("title", "body").first()
    if first is None:
        return list(event.keywords)
    candidates = [word for word, _weight in keywords(*first, places, people)[:EVENT_KEYWORDS]]
    rows = items.order_by("-analysis__pk").annotate(head=Substr("body", 1, BODY_CHARS))
    texts = [
        to_simplified(f"{title}\n{head or ''}")
        for title, head in rows.values_list("title", "head")[:DF_SAMPLE]
    ]
    if len(texts) < MIN_DF_ITEMS:
        return candidates
    spellings = defaultdict(set)  # keyword → its spellings (张店: 张店区; 李卫东: 李区长)
    for spelling, word in (*places.canonical.items(), *people.canonical.items()):
        spellings[word].add(spelling)
    needed = max(2, math.ceil(MIN_DF_SHARE * len(texts)))
    kept = [
        word
        for word in candidates
        if sum(any(s in text for s in spellings[word] | {word}) for text in texts) >= needed
    ]
    return kept or candidates


def _update_event(event_id: int, analysed: list, now, places: Places, people: People) -> None:
    for hour, n in Counter(hour_of(a.time) for a in analysed).items():
        if not EventVolume.objects.filter(event_id=event_id, hour=hour).update(items=F("items") + n):
            EventVolume.objects.create(event_id=event_id, hour=hour, items=n)
    event = Event.objects.get(pk=event_id)
    event.first_seen_at = min(event.first_seen_at, *(a.time for a in analysed))
    event.last_seen_at = max(event.last_seen_at, *(a.time for a in analysed))
    event.keywords = common_keywords(event, places, people)
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
            "keywords",
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
