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
        story.save()  # a cluster's tags are written with the page
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


def test_a_story_is_found_by_a_tag_that_is_not_in_its_text(newsroom):
    # Session 12's fast rich-text reading replaced the field of every value with the top-level
    # field, so a tag's value came back under RelatedFields, neither title nor body, and was lost.
    story = newsroom.add_story(title="周末好去处", body="<p>城市书房开到夜里十点。</p>", publish=True)
    story.tags.add("蹴鞠联赛")
    story.save()  # a cluster's tags are written with the page
    assert list(StoryPage.objects.get(pk=story.pk).tags.names()) == ["蹴鞠联赛"]
    index = get_search_backend().get_index_for_model(StoryPage)
    index.add_items(StoryPage, [StoryPage.objects.get(pk=story.pk)])
    index.add_items(StoryPage, list(StoryPage.objects.all()))  # a batch, tags prefetched

    assert [page.title for page in StoryPage.objects.live().search("蹴鞠")] == ["周末好去处"]
    assert list(StoryPage.objects.live().search("夜里")) == [story]


def test_tags_are_read_for_a_chunk_with_one_query_and_match_django_s_prefetch(newsroom):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rongmei.search.management.commands.update_index import keyset_chunks

    for n in range(6):
        story = newsroom.add_story(title=f"稿件{n}", body="<p>正文</p>", publish=True)
        story.tags.add(*[f"标签{n}", "共同"][: 1 + n % 2])
        story.save()
    expected = {s.pk: sorted(t.name for t in s.tags.all()) for s in StoryPage.objects.prefetch_related("tags")}

    with CaptureQueriesContext(connection) as queries:
        chunks = list(keyset_chunks(StoryPage.get_indexed_objects(), 4))
        got = {s.pk: sorted(t.name for t in s.tags.all()) for chunk in chunks for s in chunk}
    assert got == expected
    assert any(names for names in got.values())
    # per chunk: its key range, the stories, and their tags (none per story); then the range
    # read that finds no more
    assert len(queries.captured_queries) == 3 * len(chunks) + 1


def test_the_postgres_indexer_gathers_in_one_walk_what_modelsearch_s_five_walks_gather(newsroom, monkeypatch):
    from types import SimpleNamespace

    from modelsearch.backends.database.postgres import postgres as pg
    from modelsearch.backends.database.postgres import weights

    if not weights.BOOSTS_WEIGHTS:  # set by the PostgreSQL backend when it starts
        monkeypatch.setattr(weights, "BOOSTS_WEIGHTS", weights.determine_boosts_weights())

    from rongmei.search.postgres_backend import PostgresSegmentingIndexer

    story = newsroom.add_story(
        title="淄博烧烤 周末", body="<p>游客超过十万人次。</p>", lead="导语 ＧＤＰ", publish=True
    )
    story.tags.add("人工智能", "蹴鞠")
    story.save()
    story = StoryPage.objects.get(pk=story.pk)
    backend = SimpleNamespace(config="simple", autocomplete_config="simple")
    ours = PostgresSegmentingIndexer(story, backend)
    theirs = PostgresSegmentingIndexer(story, backend)
    for name in ("title", "body", "autocomplete", "title_text", "body_text"):
        assert getattr(ours, name) == getattr(pg.ObjectIndexer, name).func(theirs), name
    assert "蹴鞠" in ours.body_text and "人工智能" in " ".join(ours.body[1])
    assert ours.title_text == "淄博 烧烤 周末"
