"""Precision and recall of rongmei.proofing on the labelled set in bench/proofing_eval_set.tsv.

    .venv/bin/python bench/proofing_eval.py            # summary per category
    .venv/bin/python bench/proofing_eval.py --show     # also list every false alarm and miss

Runs the engine with the shipped lists only (no database). A finding counts as correct when an
expected item of the same category covers an overlapping span; 的/地/得 findings are "confusable".
Precision is over all findings of a category on the whole set (clean sentences included, so false
alarms on near-misses count); recall is over the labelled items. The last line is key=value figures.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rongmei.proofing.engine import proofread  # noqa: E402

SET = Path(__file__).with_name("proofing_eval_set.tsv")
GOAL_CATEGORIES = ("misspelling", "confusable")


def load(path=SET):
    items = []
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    for line in lines[1:]:
        item_id, text, expected = (line.split("\t") + ["", ""])[:3]
        text = text.replace("\\n", "\n")
        labels = []
        for label in filter(None, expected.split("||")):
            category, _, substring = label.partition(":")
            start = text.find(substring)
            if start < 0:
                raise SystemExit(f"{item_id}: “{substring}” is not in the text")
            labels.append((category, start, start + len(substring)))
        items.append((item_id, text, labels))
    return items


def evaluate(items):
    tp, fp, fn = Counter(), Counter(), Counter()
    alarms, misses = [], []
    for item_id, text, labels in items:
        findings = proofread(text)
        matched = set()
        for finding in findings:
            hit = next(
                (
                    i
                    for i, (category, start, end) in enumerate(labels)
                    if category == finding.category and finding.start < end and start < finding.end
                ),
                None,
            )
            if hit is None:
                fp[finding.category] += 1
                alarms.append((item_id, finding.category, text[finding.start : finding.end], text))
            else:
                tp[finding.category] += 1
                matched.add(hit)
        for i, (category, start, end) in enumerate(labels):
            if i not in matched:
                fn[category] += 1
                misses.append((item_id, category, text[start:end], text))
    return tp, fp, fn, alarms, misses


def ratio(a, b):
    return a / b if b else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show", action="store_true", help="list false alarms and misses")
    parser.add_argument("--only", default="", help="only items whose id starts with this (h = held out)")
    args = parser.parse_args(argv)
    items = [item for item in load() if item[0].startswith(args.only)]
    tp, fp, fn, alarms, misses = evaluate(items)
    categories = sorted(set(tp) | set(fp) | set(fn))
    clean = sum(1 for _, _, labels in items if not labels)
    print(f"{len(items)} items ({clean} clean), {sum(tp.values()) + sum(fn.values())} labelled errors")
    print(f"{'category':<14}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}")
    figures = {}
    for category in categories:
        precision = ratio(tp[category], tp[category] + fp[category])
        recall = ratio(tp[category], tp[category] + fn[category])
        print(
            f"{category:<14}{tp[category]:>5}{fp[category]:>5}{fn[category]:>5}{precision:>11.3f}{recall:>8.3f}"
        )
        figures[f"{category}_precision"] = precision
        figures[f"{category}_recall"] = recall
    clean_ids = {item_id for item_id, _, labels in items if not labels}
    flagged_clean = len({a[0] for a in alarms if a[0] in clean_ids})
    figures["clean_sentences_flagged"] = flagged_clean
    figures["items"] = len(items)
    if args.show:
        print("\nfalse alarms:")
        for item_id, category, span, text in alarms:
            print(f"  {item_id} {category} “{span}” in {text!r}")
        print("misses:")
        for item_id, category, span, text in misses:
            print(f"  {item_id} {category} “{span}” in {text!r}")
    goal_met = all(
        figures.get(f"{c}_precision", 0) >= 0.9 and figures.get(f"{c}_recall", 0) >= 0.8
        for c in GOAL_CATEGORIES
    )
    figures["goal_met"] = int(goal_met)
    print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
