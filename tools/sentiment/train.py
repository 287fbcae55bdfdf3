"""Rebuild the shipped sentiment model from the training corpus (the runtime never imports this).

    .venv/bin/python tools/sentiment/train.py          # writes rongmei/monitoring/analysis/engine/data/sentiment_model.npz
    .venv/bin/python tools/sentiment/train.py --check  # train and report, write nothing

Training data: posts composed from the hand-written parts in ``corpus.py`` plus its lexicon. The
held-out sets ``data/heldout.tsv`` (300 items) and ``data/heldout2.tsv`` (210 items, written before
the training parts of 2026-11-27) are only evaluated, never trained on; their figures are stored in
the model's metadata under ``heldout`` and ``heldout2``.
The model: multinomial logistic regression over binary character 1–3-gram features (n-grams seen
in at least ``MIN_COUNT`` training items), L2-regularised, full-batch Adam, fixed seed: the same
data gives the same model. The features are the runtime's own (``engine.sentiment.ngrams``).
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make `rongmei` and `tools` importable
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from rongmei.monitoring.analysis.engine.sentiment import MODEL_PATH, SentimentModel, ngrams  # noqa: E402
from tools.sentiment import corpus  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data"
HELDOUT_PATH = DATA_DIR / "heldout.tsv"
HELDOUT2_PATH = DATA_DIR / "heldout2.tsv"
HELDOUT_SETS = {"heldout": HELDOUT_PATH, "heldout2": HELDOUT2_PATH}  # metadata key -> file
MIN_COUNT = 2
L2 = 1e-4
EPOCHS = 300
LEARNING_RATE = 0.05


def read_labelled(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a ``label<TAB>text`` file; # lines and the header are skipped."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line == "label\ttext":
                continue
            label, sep, text = line.partition("\t")
            if not sep or label not in corpus.LABELS:
                raise ValueError(f"{path}:{number}: expected label<TAB>text with a known label")
            rows.append((label, text))
    return rows


def build_vocab(texts: list[str], min_count: int = MIN_COUNT) -> list[str]:
    counts: dict[str, int] = {}
    for text in texts:
        for gram in ngrams(text):
            counts[gram] = counts.get(gram, 0) + 1
    return sorted(g for g, c in counts.items() if c >= min_count)


def vectorize(texts: list[str], index: dict) -> tuple[np.ndarray, np.ndarray]:
    """Sparse binary rows as (indptr, indices)."""
    indptr = [0]
    indices: list[int] = []
    for text in texts:
        ids = sorted(i for g in ngrams(text) if (i := index.get(g)) is not None)
        indices.extend(ids)
        indptr.append(len(indices))
    return np.array(indptr, dtype=np.int64), np.array(indices, dtype=np.int64)


def train(items: list[tuple[str, str]], *, epochs: int = EPOCHS, l2: float = L2) -> SentimentModel:
    labels = list(corpus.LABELS)
    texts = [t for _, t in items]
    y = np.array([labels.index(label) for label, _ in items])
    vocab = build_vocab(texts)
    index = {g: i for i, g in enumerate(vocab)}
    indptr, indices = vectorize(texts, index)
    rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
    n, v, k = len(texts), len(vocab), len(labels)
    onehot = np.eye(k)[y]
    w = np.zeros((v, k))
    b = np.log(np.bincount(y, minlength=k) / n)
    # Adam state
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, epochs + 1):
        # bincount per class: a sparse matrix product without scipy
        wi = w[indices]
        logits = np.stack([np.bincount(rows, weights=wi[:, c], minlength=n) for c in range(k)], axis=1)
        logits += b
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        err = ((probs - onehot) / n)[rows]
        gw = np.stack([np.bincount(indices, weights=err[:, c], minlength=v) for c in range(k)], axis=1)
        gw += l2 * w
        gb = ((probs - onehot) / n).sum(axis=0)
        for param, grad, m1, m2 in ((w, gw, mw, vw), (b, gb, mb, vb)):
            m1 *= beta1
            m1 += (1 - beta1) * grad
            m2 *= beta2
            m2 += (1 - beta2) * grad * grad
            param -= LEARNING_RATE * (m1 / (1 - beta1**step)) / (np.sqrt(m2 / (1 - beta2**step)) + eps)
    meta = {
        "features": "binary character 1-3-grams of normalize.for_matching text, whitespace removed",
        "training_items": n,
        "vocabulary": v,
        "min_count": MIN_COUNT,
        "l2": l2,
        "epochs": epochs,
    }
    return SentimentModel(vocab, w, b, labels, meta)


def evaluate(model: SentimentModel, items: list[tuple[str, str]]) -> dict:
    """Accuracy and per-class precision/recall on (label, text) items."""
    predicted = [model.predict(text).label for _, text in items]
    gold = [label for label, _ in items]
    out = {
        "items": len(items),
        "accuracy": sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(items),
    }
    for label in model.labels:
        tp = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
        n_pred = predicted.count(label)
        n_gold = gold.count(label)
        out[f"{label}_precision"] = tp / n_pred if n_pred else 0.0
        out[f"{label}_recall"] = tp / n_gold if n_gold else 0.0
    return out


def confusion(model: SentimentModel, items: list[tuple[str, str]]) -> list[list[int]]:
    """Counts with rows = gold label, columns = predicted label, both in ``model.labels`` order."""
    table = [[0] * len(model.labels) for _ in model.labels]
    for label, text in items:
        table[model.labels.index(label)][model.labels.index(model.predict(text).label)] += 1
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="train and evaluate without writing the model")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    items = corpus.training_set()
    model = train(items)
    for name, path in HELDOUT_SETS.items():
        heldout = read_labelled(path)
        scores = evaluate(model, heldout)
        model.meta[name] = {key: round(value, 4) for key, value in scores.items()}
        model.meta[f"{name}_confusion"] = table = confusion(model, heldout)
        for key, value in scores.items():
            print(f"{name} {key}: {value:.3f}" if isinstance(value, float) else f"{name} {key}: {value}")
        print(
            f"{name} confusion (rows gold, columns predicted; {'/'.join(model.labels)}): "
            + "; ".join(
                f"{label} {'/'.join(map(str, row))}" for label, row in zip(model.labels, table, strict=True)
            )
        )
    model.meta["training"] = {key: round(value, 4) for key, value in evaluate(model, items).items()}
    print(f"training items {len(items)}, vocabulary {len(model.index)}")
    if not args.check:
        model.save(args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
