"""Indexing speed-ups (issue 12) must not change what the index holds."""

import pytest
from modelsearch.backends import get_search_backend

from rongmei.newsroom.models import StoryPage
from rongmei.search import segment

TEXTS = [
    "国务院总理今天在北京出席新闻发布会",
    "<p>华为Mate&nbsp;60发布，</p><p>GDP增长5.2%！</p>",
    "淄博烧烤持续火热，周末到淄博市张店区的游客超过十万人次。",
    "ＧＤＰ２０２４年增长５％，人工智能与先进制造业",
    "a<b 北京",
    "",
    "   ",
    '稷下学宫遗址考古发掘取得新成果 O\'Brien "quoted" back\\slash',
] * 20


def test_parallel_segmentation_gives_the_same_text_as_serial():
    serial = [segment.segment_for_index(text) for text in TEXTS]
    assert segment.segment_many(TEXTS, workers=2, min_parallel=1) == serial
    assert segment.segment_many(TEXTS, workers=1) == serial


def test_a_batch_leaves_no_worker_process_behind():
    """A pool kept after its batch holds the process's open pipes (a Playwright driver's, an ffmpeg
    child's), so they never see their input close."""
    import multiprocessing

    segment.segment_many(TEXTS, workers=2, min_parallel=1)
    assert multiprocessing.active_children() == []


def _index_rows():
    from wagtail.search.models import IndexEntry

    fields = ["object_id", "title", "autocomplete", "body"]
    if hasattr(IndexEntry, "body_text"):
        fields = ["object_id", "title_text", "body_text"]
    return sorted(IndexEntry.objects.values_list(*fields))


def test_parallel_add_items_gives_the_same_index_as_serial(newsroom, settings):
    from wagtail.search.models import IndexEntry

    for n, text in enumerate(TEXTS[:8]):
        story = newsroom.add_story(title=f"稿件{n}{text[:6]}", body=f"<p>{text}</p>", publish=True)
        story.tags.add("淄博烧烤", "人工智能")
    stories = list(StoryPage.objects.all())
    index = get_search_backend().get_index_for_model(StoryPage)

    settings.RONGMEI_SEARCH_INDEX_WORKERS = 1
    IndexEntry.objects.all().delete()
    index.add_items(StoryPage, stories)
    serial = _index_rows()
    assert any("淄博 烧烤" in str(row) for row in serial)  # tags are indexed

    settings.RONGMEI_SEARCH_INDEX_WORKERS = 2
    IndexEntry.objects.all().delete()
    index.add_items(StoryPage, list(StoryPage.objects.all()))
    assert _index_rows() == serial


@pytest.mark.parametrize("text", TEXTS[:8])
def test_token_cleaning_cache_keeps_the_tokens(text):
    segment._clean_token.cache_clear() if hasattr(segment._clean_token, "cache_clear") else None
    first = segment.segment_for_index(text)
    assert segment.segment_for_index(text) == first


def _corpus():
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    import search as bench_search  # bench/search.py: the benchmark's story generator

    rng = random.Random(12)
    texts = [" ".join(bench_search.make_story(rng)) for _ in range(300)]
    return (
        TEXTS[:8]
        + texts
        + [
            "Ｃ＋＋和C#都是语言，x&y 3.14 a_b c-d #话题# 100%",
            "\t北京\r\n上海  深圳",
            "𠀀𠀁北京。．！？",
        ]
    )


def test_segmenters_give_the_same_tokens():
    rjieba = pytest.importorskip("rjieba")
    del rjieba
    for text in _corpus():
        with segment.using_segmenter("jieba"):
            by_jieba = segment.segment_for_index(text)
        with segment.using_segmenter("rjieba"):
            by_rjieba = segment.segment_for_index(text)
        assert by_rjieba == by_jieba, text
    with segment.using_segmenter("rjieba"):
        assert segment.query_groups("京出 人工智能") == [["京", "出"], ["人工"], ["智能"], ["人工智能"]]


def test_the_segmenter_falls_back_to_jieba(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_rjieba(name, *args, **kwargs):
        if name == "rjieba":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rjieba)
    with segment.using_segmenter(None):
        assert segment.segmenter_name() == "jieba"
        assert segment.segment_for_index("国务院总理今天在北京出席新闻发布会").split()[-1] == "发布会"
