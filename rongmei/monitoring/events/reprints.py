"""Reprints (转载) of our stories: new items that copy a story we published in the last 30 days.

`find_reprints()` runs inside the analysis batch (see `analysis/services.py`) with each new item's
MinHash signature. The stories' signatures sit in a matrix in this process (refreshed when a story
is published, changed or falls out of the window), so one numpy comparison per item estimates its
overlap with every story; the few candidates are checked exactly with the engine's
`reprint_similarity` (whole, abridged or re-introduced copies score near 1 on overlap), and a
`Reprint` is stored at ``Similarity.is_reprint()``'s 0.6. Items from our own site are skipped, and
so are items fetched before the story went live (then we copied them, not they us).
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import numpy as np
from django.conf import settings

from ..analysis.engine import Signature, reprint_similarity, signature
from ..analysis.engine.dedup import MIN_SHINGLES, NUM_PERM
from ..models import Reprint

STORY_DAYS = 30
THRESHOLD = 0.6
# Signature estimates of overlap are rough when a short copy sits in a long story (sd up to ~0.25);
# candidates this far below the threshold still get the exact check.
CANDIDATE_MARGIN = 0.2


def story_text(story) -> str:
    from rongmei.search.segment import plain_text

    return "\n".join(part for part in (story.title, story.lead, plain_text(story.body)) if part)


@dataclass
class _Story:
    pk: int
    version: object  # last_published_at: a new version is compared anew
    first_published_at: object
    text: str
    signature: Signature


class StoryIndex:
    """Our recently published stories, as signatures (one per process, refreshed per batch)."""

    def __init__(self):
        self.stories: dict[int, _Story] = {}
        self._order: list[_Story] = []
        self._matrix = np.empty((0, NUM_PERM), dtype=np.uint32)
        self._sizes = np.empty(0, dtype=np.float64)

    def refresh(self, now) -> None:
        from rongmei.newsroom.models import StoryPage

        live = StoryPage.objects.on_site().filter(first_published_at__gte=now - timedelta(days=STORY_DAYS))
        wanted = dict(live.values_list("pk", "last_published_at"))
        gone = [pk for pk, story in self.stories.items() if pk not in wanted or wanted[pk] != story.version]
        missing = [pk for pk, version in wanted.items() if pk not in self.stories or pk in gone]
        if not gone and not missing:
            return
        for pk in gone:
            del self.stories[pk]
        fields = ("title", "lead", "body", "first_published_at", "last_published_at")
        for story in StoryPage.objects.filter(pk__in=missing).only(*fields):
            text = story_text(story)
            self.stories[story.pk] = _Story(
                story.pk, story.last_published_at, story.first_published_at, text, signature(text)
            )
        self._order = [s for s in self.stories.values() if s.signature.size]
        self._matrix = np.array([s.signature.values for s in self._order], dtype=np.uint32).reshape(
            -1, NUM_PERM
        )
        self._sizes = np.array([s.signature.size for s in self._order], dtype=np.float64)

    def candidates(self, sig: Signature) -> list[_Story]:
        """Stories whose estimated overlap with the item could reach the threshold."""
        if not sig.size or not self._order:
            return []
        jaccard = np.count_nonzero(self._matrix == sig.values, axis=1) / NUM_PERM
        # |A∩B| = J(|A|+|B|)/(1+J); overlap = |A∩B| / min(|A|, |B|), as reprint_similarity scores it
        smaller = np.minimum(self._sizes, sig.size)
        overlap = jaccard * (self._sizes + sig.size) / (1 + jaccard) / smaller
        estimate = np.where(smaller >= MIN_SHINGLES, overlap, jaccard)
        hits = np.flatnonzero((jaccard > 0) & (estimate >= THRESHOLD - CANDIDATE_MARGIN))
        return [self._order[i] for i in hits.tolist()]


_index: StoryIndex | None = None


def reset():
    global _index
    _index = None


def story_index() -> StoryIndex:
    global _index
    if _index is None:
        _index = StoryIndex()
    return _index


def own_hosts() -> set[str]:
    """Host names of our own site (Wagtail's sites and the admin's base URL)."""
    from wagtail.models import Site

    hosts = {h.lower() for h in Site.objects.values_list("hostname", flat=True)}
    base = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").hostname
    if base:
        hosts.add(base.lower())
    return hosts


def is_own_host(host: str, hosts: set[str]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def find_reprints(analysed: list, *, now) -> list[Reprint]:
    """Store a `Reprint` for each new item that copies one of our stories; return them."""
    index = story_index()
    index.refresh(now)
    if not index.stories or not analysed:
        return []
    hosts = own_hosts()
    found = []
    for a in analysed:
        host = host_of(a.item.url)
        if not host or is_own_host(host, hosts):
            continue
        for story in index.candidates(a.signature):
            if story.first_published_at and a.item.fetched_at < story.first_published_at:
                continue
            score = reprint_similarity(story.text, a.text)
            if not score.is_reprint(THRESHOLD):
                continue
            reprint, _created = Reprint.objects.get_or_create(
                story_id=story.pk,
                item=a.item,
                defaults={
                    "site": host[:255],
                    "similarity": round(score.score, 4),
                    "authorised": a.item.source.authorised_to_reprint,
                    "found_at": now,
                },
            )
            found.append(reprint)
    return found
