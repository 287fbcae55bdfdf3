"""舆情 analysis engine: normalisation, dedup, watchlists, sentiment. Pure Python, no Django.

The bench (``bench/monitoring.py``) and the worker call it directly; the app layer stores what
it returns. See docs/decisions/0008-sentiment-model.md for the sentiment model and the dedup
parameters.
"""

from .dedup import DedupIndex, Sighting, Signature, Similarity, reprint_similarity, signature
from .normalize import content_hash, for_dedup, for_matching
from .pipeline import Analyser, Analysis
from .sentiment import Sentiment, SentimentModel, classify, default_model
from .watchlist import Match, RuleError, Span, Watchlist, parse_rule

__all__ = [
    "Analyser",
    "Analysis",
    "DedupIndex",
    "Match",
    "RuleError",
    "Sentiment",
    "SentimentModel",
    "Signature",
    "Sighting",
    "Similarity",
    "Span",
    "Watchlist",
    "classify",
    "content_hash",
    "default_model",
    "for_dedup",
    "for_matching",
    "parse_rule",
    "reprint_similarity",
    "signature",
]
