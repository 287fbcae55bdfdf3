"""Exact and near-duplicate grouping, signatures and reprint similarity."""

import os
import random
import subprocess
import sys

import numpy as np
import pytest

from rongmei.monitoring.analysis.engine import dedup
from rongmei.monitoring.analysis.engine.dedup import DedupIndex, Signature, reprint_similarity

STORY = (
    "淄博市生态环境局今天通报，张店区一化工企业夜间偷排废水，导致附近河道出现大量泡沫并伴有刺鼻气味。"
    "执法人员已赶赴现场取样检测，责令企业停产整改，并处罚款二十万元。附近三百多户居民联名向热线反映此事，"
    "目前下游水质各项指标已逐步恢复，取水未受影响。"
)
# Same topic, same place, different story: must never group with STORY.
OTHER = (
    "淄博市生态环境局发布十月空气质量通报，全市优良天数达到二十五天，细颗粒物平均浓度同比下降百分之八。"
    "通报显示，张店区、临淄区空气质量改善幅度居前，周村区排名末位，已被约谈。生态环境局表示，"
    "将加强工业企业排放监管，推进重点行业超低排放改造。"
)

# Same agency, same boilerplate sentences, another incident: Jaccard ~0.26 with STORY.
HARD = (
    "淄博市生态环境局今天通报，临淄区一造纸企业夜间违规排放废气，周边居民反映空气中有明显刺鼻气味。"
    "执法人员已赶赴现场调查，对企业负责人进行约谈，并处罚款十五万元。附近三百多户居民联名向热线反映此事，"
    "目前周边空气质量已恢复正常。"
)


def edit(text, share, seed=1):
    rng = random.Random(seed)
    chars = list(text)
    for _ in range(int(len(chars) * share)):
        chars[rng.randrange(len(chars))] = rng.choice("的一是在不了有和人这中大")
    return "".join(chars)


REPRINTS = {
    "headline changed": "转载｜化工企业偷排被罚\n" + STORY,
    "source line added": "来源：鲁中晨报。" + STORY + "（编辑：王强 审核：李明）",
    "characters edited": edit(STORY, 0.05),
    "truncated": STORY[: int(len(STORY) * 0.65)] + "……",
    "spacing and punctuation": STORY.replace("，", ", ").replace("。", "。\n"),
    "traditional script": "淄博市生態環境局今天通報，張店區一化工企業夜間偷排廢水" + STORY[27:],
}


@pytest.mark.parametrize("kind", sorted(REPRINTS))
def test_realistic_reprints_join_the_original_group(kind):
    index = DedupIndex()
    assert index.add("orig", STORY).new_group
    sighting = index.add("copy", REPRINTS[kind])
    assert not sighting.new_group
    assert sighting.group_id == "orig"
    assert sighting.reason in ("near", "hash")


def test_different_stories_on_the_same_topic_are_new_groups():
    index = DedupIndex()
    index.add("a", STORY)
    for doc_id, text in (("b", OTHER), ("c", HARD)):
        sighting = index.add(doc_id, text)
        assert sighting.new_group and sighting.group_id == doc_id
        assert index.query(text) == [(doc_id, doc_id, 1.0)]
    assert index.add("d", edit(HARD, 0.04)).group_id == "c"


def test_forty_reprints_are_one_group_with_forty_sightings_and_a_first_seen_member():
    index = DedupIndex()
    index.add("first", STORY, url="https://a.cn/1")
    for i in range(39):
        kind = sorted(REPRINTS)[i % len(REPRINTS)]
        index.add(f"copy{i}", edit(REPRINTS[kind], 0.02, seed=i), url=f"https://site{i}.cn/x")
    index.add("unrelated", OTHER)
    assert index.group_sizes["first"] == 40
    assert index.group_of("copy38") == "first"
    assert index.group_sizes["unrelated"] == 1


def test_exact_duplicates_by_url_and_by_content_hash():
    index = DedupIndex()
    index.add(1, STORY, url="https://a.cn/1?utm_source=x")
    by_url = index.add(2, "页面改版后的另一段文字", url="http://A.cn/1#top")
    assert (by_url.reason, by_url.group_id) == ("url", 1)
    by_hash = index.add(3, STORY.replace("，", ","), url="https://b.cn/2")
    assert (by_hash.reason, by_hash.group_id) == ("hash", 1)


def test_short_generic_post_is_not_contained_in_a_story():
    index = DedupIndex()
    index.add("story", STORY)
    assert index.add("post", "张店区一化工企业夜间偷排废水").new_group


def test_signature_round_trips_through_bytes_and_rejects_garbage():
    sig = dedup.signature(STORY)
    data = sig.to_bytes()
    assert isinstance(data, bytes) and len(data) == 8 + 4 * dedup.NUM_PERM
    back = Signature.from_bytes(data)
    assert np.array_equal(back.values, sig.values) and back.size == sig.size
    assert back.jaccard(sig) == 1.0
    with pytest.raises(ValueError):
        Signature.from_bytes(data[:-4])
    with pytest.raises(ValueError):
        Signature.from_bytes(b"\x09" + data[1:])


def test_signatures_are_stable_across_processes():
    # Stored signatures must stay comparable: nothing may depend on Python's per-process hash seed.
    code = (
        "from rongmei.monitoring.analysis.engine import dedup; "
        "print(dedup.signature('淄博烧烤火了，游客点赞').to_bytes().hex())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {dedup.signature("淄博烧烤火了，游客点赞").to_bytes().hex()}


def test_shingles_and_empty_text():
    assert len(dedup.shingle_hashes("abcd")) == 2  # abc, bcd
    assert len(dedup.shingle_hashes("abab" * 3)) == 2  # aba, bab
    assert len(dedup.shingle_hashes("ab")) == 1  # shorter than a shingle: the text itself
    empty = dedup.signature("，。！")
    assert empty.size == 0 and empty.jaccard(empty) == 0.0
    index = DedupIndex()
    index.add(1, "，。")
    assert index.add(2, "！？").reason == "hash"  # both empty after normalising: an exact copy


def test_index_rebuilt_from_stored_signatures_keeps_groups_and_grouping():
    index = DedupIndex()
    stored = []
    for doc_id, text in [("a", STORY), ("b", REPRINTS["source line added"]), ("c", OTHER)]:
        sighting = index.add(doc_id, text)
        stored.append((doc_id, sighting.signature.to_bytes(), sighting.group_id))
    rebuilt = DedupIndex()
    for doc_id, data, group_id in stored:
        rebuilt.add_signature(doc_id, Signature.from_bytes(data), group_id=group_id)
    assert rebuilt.group_of("b") == "a" and rebuilt.group_of("c") == "c"
    assert rebuilt.add("d", REPRINTS["truncated"]).group_id == "a"
    assert rebuilt.add("e", edit(OTHER, 0.03)).group_id == "c"


def test_reprint_similarity_scores_copies_high_and_other_stories_low():
    own = STORY
    for kind, text in REPRINTS.items():
        sim = reprint_similarity(own, text)
        assert sim.is_reprint(), (kind, sim)
    assert reprint_similarity(own, REPRINTS["truncated"]).containment > 0.95
    other = reprint_similarity(own, OTHER)
    assert other.score < 0.3 and not other.is_reprint()
    assert not reprint_similarity(own, HARD).is_reprint()
    assert reprint_similarity(own, "").score == 0.0
