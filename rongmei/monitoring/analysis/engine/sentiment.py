"""Sentiment of a post: negative / neutral / positive with a probability.

A multinomial logistic regression over character 1–3-grams (no word segmentation: jieba would
cost more than the whole rest of the pipeline), trained by ``tools/sentiment/train.py`` (not
part of the runtime) and stored in ``data/sentiment_model.npz`` (numpy arrays only, no pickle). Loading takes
a few milliseconds; scoring a 150-character post ~50 µs. See docs/decisions/0008.
"""

import json
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs
import numpy as np

from .normalize import for_matching

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "sentiment_model.npz"
NGRAMS = (1, 2, 3)
_SPACE = re.compile(r"\s+")


def ngrams(text: str, sizes=NGRAMS) -> set[str]:
    """Distinct character n-grams of the matching form of ``text`` (whitespace removed)."""
    t = _SPACE.sub("", for_matching(text))
    out: set[str] = set()
    for size in sizes:
        if size == 1:
            out.update(t)
        else:
            out.update(t[i : i + size] for i in range(len(t) - size + 1))
    return out


@dataclass(frozen=True, slots=True)
class Sentiment:
    label: str
    probability: float  # of ``label``
    probabilities: dict  # label -> probability

    def as_dict(self) -> dict:
        return {"label": self.label, "probability": round(self.probability, 4)}


class SentimentModel:
    def __init__(self, vocab: list[str], weights: np.ndarray, bias: np.ndarray, labels: list[str], meta=None):
        self.index = {gram: i for i, gram in enumerate(vocab)}
        # The vocabulary as one automaton: all its n-grams in a text found in one native scan,
        # ~5x faster than slicing every n-gram in Python. Same features as ``ngrams``.
        self._automaton = ahocorasick_rs.AhoCorasick(vocab, matchkind=ahocorasick_rs.MatchKind.Standard)
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.labels = list(labels)
        self.meta = meta or {}

    def feature_ids(self, text: str, *, matching: str | None = None) -> list[int]:
        t = _SPACE.sub("", for_matching(text) if matching is None else matching)
        return list({m[0] for m in self._automaton.find_matches_as_indexes(t, overlapping=True)})

    def scores(self, text: str, *, matching: str | None = None) -> list[float]:
        """Probability per label, in ``labels`` order (``matching``: ``for_matching(text)`` if at hand)."""
        ids = self.feature_ids(text, matching=matching)
        logits = (
            (self.weights.take(ids, axis=0).sum(axis=0) + self.bias).tolist() if ids else self.bias.tolist()
        )
        # Three numbers: plain Python beats numpy's per-call overhead here.
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, text: str, *, matching: str | None = None) -> Sentiment:
        probs = self.scores(text, matching=matching)
        best = max(range(len(probs)), key=probs.__getitem__)
        return Sentiment(
            self.labels[best],
            probs[best],
            dict(zip(self.labels, probs, strict=True)),
        )

    # --- storage --------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            vocab=np.array("\n".join(self.index)),
            weights=self.weights,
            bias=self.bias,
            labels=np.array("\n".join(self.labels)),
            meta=np.array(json.dumps(self.meta, ensure_ascii=False)),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "SentimentModel":
        with np.load(path, allow_pickle=False) as data:
            return cls(
                vocab=str(data["vocab"]).split("\n"),
                weights=data["weights"],
                bias=data["bias"],
                labels=str(data["labels"]).split("\n"),
                meta=json.loads(str(data["meta"])),
            )


_lock = threading.Lock()
_default: SentimentModel | None = None


def default_model() -> SentimentModel:
    """The shipped model, loaded once per process."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = SentimentModel.load()
    return _default


def classify(text: str, *, model: SentimentModel | None = None) -> Sentiment:
    return (model or default_model()).predict(text)
