"""Proofreading benchmark: word-list scan against 50,000 terms, and all checks together.

    .venv/bin/python bench/proofing.py                  # 50,000 terms, 5,000-character story
    .venv/bin/python bench/proofing.py --terms 200000   # bigger lists

Generates 50,000 distinct Chinese terms (2–6 characters, drawn from the 3,000 most frequent
characters in jieba's dictionary, so first characters are as varied as in a real list), plus a
5,000-character news story with some of them planted. Times, as medians over repeated runs:
- building the automaton (ahocorasick-rs; pyahocorasick too when it is installed, dev extra);
- one scan of the story: the raw automaton of each library side by side, and the engine's word-list
  check (``check_terms``: all three automata, findings built);
- ``proofread()`` with every check, in characters per second, on the story and on a 1 MB text.
The last line is key=value figures.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import ahocorasick_rs  # noqa: E402

from rongmei.proofing.engine import (  # noqa: E402
    ListBundle,
    TermEntry,
    default_bundle,
    proofread,
    wordlists,  # noqa: E402
)
from rongmei.proofing.engine import bundle as bundle_module  # noqa: E402

try:
    import ahocorasick as pyahocorasick  # pyahocorasick
except ImportError:  # optional: pip install -e .[dev]
    pyahocorasick = None

SENTENCES = [
    "{m}月{d}日，市委召开全市高质量发展推进会，市委书记出席并讲话。",
    "会议强调，要坚持问题导向，狠抓工作落实，确保各项任务按期完成。",
    "今年以来，全市完成固定资产投资{n}亿元，同比增长{p}%。",
    "记者从市发展改革委获悉，全市新开工重点项目{n}个，总投资{m}{n}亿元。",
    "“我们要认真地学习贯彻会议精神，”他说，“把各项工作落到实处。”",
    "据统计，活动吸引了{n}家企业参展，现场签约金额达{p}亿元。",
    "社区工作人员耐心解答居民咨询，帮助老人办理相关手续。",
    "近年来，该区积极推进城市更新，改造老旧小区{n}个，惠及群众{m}万人。",
    "专家表示，这一举措有利于优化营商环境，激发市场主体活力。",
    "截至目前，全市已建成5G基站{n}个，实现城区全覆盖。",
]


def frequent_chars(count=3000):
    import jieba

    counts = {}
    for word, freq in jieba.dt.FREQ.items() if jieba.dt.FREQ else []:
        for char in word:
            if "\u4e00" <= char <= "\u9fff":
                counts[char] = counts.get(char, 0) + freq
    return [c for c, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:count]]


def make_terms(rng, chars, count):
    terms = set()
    while len(terms) < count:
        terms.add("".join(rng.choice(chars) for _ in range(rng.randint(2, 6))))
    return sorted(terms)


def make_story(rng, planted, length=5000):
    parts = []
    size = 0
    while size < length:
        sentence = rng.choice(SENTENCES).format(
            m=rng.randint(1, 12), d=rng.randint(1, 28), n=rng.randint(10, 999), p=rng.randint(1, 30)
        )
        if rng.random() < 0.1:
            sentence = sentence[:-1] + "，" + rng.choice(planted) + "。"
        parts.append(sentence)
        size += len(sentence)
        if rng.random() < 0.2:
            parts.append("\n")
            size += 1
    return "".join(parts)[:length]


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--terms", type=int, default=50_000)
    parser.add_argument("--chars", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    rng = random.Random(20261126)

    import jieba

    jieba.setLogLevel(60)
    jieba.dt.initialize()
    chars = frequent_chars()
    terms = make_terms(rng, chars, args.terms)
    story = make_story(rng, terms[:: max(1, len(terms) // 50)], args.chars)
    figures = {"terms": len(terms), "story_chars": len(story)}

    # --- raw automata, side by side ---------------------------------------------------------
    started = time.perf_counter()
    rs = ahocorasick_rs.AhoCorasick(terms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    figures["rs_build_s"] = time.perf_counter() - started
    figures["rs_scan_ms"] = timed(lambda: rs.find_matches_as_indexes(story), args.repeat) * 1000
    rs_count = len(rs.find_matches_as_indexes(story))
    if pyahocorasick is not None:
        started = time.perf_counter()
        py = pyahocorasick.Automaton()
        for index, term in enumerate(terms):
            py.add_word(term, index)
        py.make_automaton()
        figures["py_build_s"] = time.perf_counter() - started
        # iter_long: pyahocorasick's non-overlapping leftmost-longest scan, the same semantics
        figures["py_scan_ms"] = timed(lambda: list(py.iter_long(story)), args.repeat) * 1000
        figures["py_matches"] = len(list(py.iter_long(story)))
    figures["rs_matches"] = rs_count

    # --- the engine's word-list check -------------------------------------------------------
    entries = tuple(TermEntry(t, "caution", "warn", None, "", "bench") for t in terms)
    big = ListBundle(version=f"bench-{len(terms)}", terms=default_bundle().terms + entries)
    started = time.perf_counter()
    matchers = bundle_module.compiled(big)
    figures["engine_build_s"] = time.perf_counter() - started
    figures["wordlist_check_ms"] = timed(lambda: wordlists.check_terms(story, matchers), args.repeat) * 1000
    figures["wordlist_findings"] = len(wordlists.check_terms(story, matchers))

    # --- every check ------------------------------------------------------------------------
    proofread(story, lists=big)  # warm jieba's tagger and OpenCC
    all_s = timed(lambda: proofread(story, lists=big), max(5, args.repeat // 10))
    figures["all_checks_ms"] = all_s * 1000
    figures["all_checks_chars_per_s"] = len(story) / all_s
    megabyte = (story + "\n") * (1_000_000 // (len(story) + 1) + 1)
    started = time.perf_counter()
    findings = proofread(megabyte, lists=big)
    mb_s = time.perf_counter() - started
    figures["mb_chars"] = len(megabyte)
    figures["mb_s"] = mb_s
    figures["mb_chars_per_s"] = len(megabyte) / mb_s
    figures["mb_findings"] = len(findings)

    print(f"{len(terms):,} terms, story of {len(story):,} characters")
    print(
        f"ahocorasick-rs : build {figures['rs_build_s']:.2f} s, scan {figures['rs_scan_ms']:.3f} ms ({rs_count} matches)"
    )
    if pyahocorasick is not None:
        print(
            f"pyahocorasick  : build {figures['py_build_s']:.2f} s, scan {figures['py_scan_ms']:.3f} ms "
            f"({figures['py_matches']} matches)"
        )
    else:
        print("pyahocorasick  : not installed (pip install -e .[dev]) — skipped")
    print(
        f"word-list check (3 automata, findings built): {figures['wordlist_check_ms']:.3f} ms (goal ≤ 5 ms)"
    )
    print(
        f"all checks     : {figures['all_checks_ms']:.1f} ms per story, {figures['all_checks_chars_per_s']:,.0f} chars/s"
    )
    print(
        f"1 MB text      : {figures['mb_s']:.2f} s, {figures['mb_chars_per_s']:,.0f} chars/s, {figures['mb_findings']} findings"
    )
    print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
