"""One post through the whole analysis: normalise, dedup, watchlist, sentiment.

The worker keeps one ``Analyser`` per process (the dedup index is in memory, fed in time order)
and stores what ``process`` returns; the bench times exactly this call.
"""

from dataclasses import dataclass

from . import normalize
from .dedup import DedupIndex, Sighting
from .sentiment import Sentiment, SentimentModel, default_model
from .watchlist import Match, Watchlist


@dataclass(frozen=True, slots=True)
class Analysis:
    sighting: Sighting
    matches: list[Match]
    sentiment: Sentiment | None  # None for a copy: it has its group's sentiment


class Analyser:
    def __init__(
        self,
        watchlist: Watchlist | None = None,
        *,
        index: DedupIndex | None = None,
        model: SentimentModel | None = None,
    ):
        self.watchlist = watchlist or Watchlist.compile({})
        self.index = index if index is not None else DedupIndex()
        self.model = model or default_model()

    def process(self, doc_id, text: str, *, url: str | None = None) -> Analysis:
        norm = normalize.for_matching(text)  # once, for all three stages
        sighting = self.index.add(doc_id, text, url=url, matching=norm)
        # Watchlists run on every sighting: a reprint can carry a client's name the original lacks.
        matches = self.watchlist.match(text, normalized=norm)
        # An exact copy says nothing new; near copies are scored, their wording may differ.
        exact = sighting.reason in ("url", "hash")
        sentiment = None if exact else self.model.predict(text, matching=norm)
        return Analysis(sighting, matches, sentiment)
