"""The Chinese search backend: segmentation at index and query time, on SQLite and PostgreSQL."""

import pytest
from django.core.management import call_command
from modelsearch.backends import get_search_backend

from rongmei.newsroom.models import StoryPage
from rongmei.search import backend as search_backend
from rongmei.testing import publish_outside_review

SENTENCE = "国务院总理今天在北京出席新闻发布会"


def titles(results):
    return [page.title for page in results]


@pytest.fixture
def stories(newsroom):
    made = {
        "sentence": newsroom.add_story(title="总理出席活动", body=f"<p>{SENTENCE}。</p>", publish=True),
        "zibo": newsroom.add_story(
            title="淄博烧烤持续火热", body="<p>周末到淄博市张店区的游客超过十万人次。</p>", publish=True
        ),
        "ai": newsroom.add_story(
            title="产业大会开幕", body="<p>本届大会聚焦人工智能与先进制造业。</p>", publish=True
        ),
        "halves": newsroom.add_story(
            title="智能家居走进社区",
            body="<p>社区推出智能家居体验活动。</p><p>另外，人工湖景区周末免费开放。</p>",
            publish=True,
        ),
    }
    return made


def search(query, **kwargs):
    return titles(StoryPage.objects.search(query, **kwargs))


def test_backend_is_the_segmenting_one(db):
    backend = get_search_backend()
    assert type(backend).__name__ in {"ChineseSQLiteSearchBackend", "ChinesePostgresSearchBackend"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("北京", "总理出席活动"),
        ("新闻发布", "总理出席活动"),
        ("发布会", "总理出席活动"),
        ("淄博", "淄博烧烤持续火热"),
        ("张店区", "淄博烧烤持续火热"),
        ("人工智能", "产业大会开幕"),
        ("北京 新闻", "总理出席活动"),
    ],
)
def test_words_found_inside_sentences(stories, query, expected):
    assert search(query) == [expected]


@pytest.mark.parametrize("query", ["京出", "北海", "总理北海", "上海"])
def test_no_false_hits(stories, query):
    assert search(query) == []


def test_four_character_word_needs_the_word_not_its_halves(stories):
    # "halves" has 智能 and 人工 (in 人工湖) far apart but not 人工智能: it must not match.
    assert search("人工智能") == ["产业大会开幕"]
    # Each half on its own is a word and finds the stories that have it.
    assert set(search("智能")) == {"产业大会开幕", "智能家居走进社区"}


def test_title_hit_ranks_above_body_only_hit(newsroom):
    newsroom.add_story(
        title="本市召开环保工作会议", body="<p>会议要求加强垃圾分类，推进湿地保护。</p>", publish=True
    )
    newsroom.add_story(title="湿地保护取得新进展", body="<p>今年以来全市新增绿地一千亩。</p>", publish=True)
    assert search("湿地") == ["湿地保护取得新进展", "本市召开环保工作会议"]


def test_latin_words_and_numbers_are_kept(newsroom):
    newsroom.add_story(title="新品发布", body="<p>华为Mate 60 Pro今日开售，GDP增长5.2%。</p>", publish=True)
    assert search("mate") == ["新品发布"]
    assert search("GDP") == ["新品发布"]
    assert search("60") == ["新品发布"]


def test_punctuation_only_query_matches_nothing_without_error(stories):
    assert search("，。！？") == []
    assert search("!!!") == []


def test_edit_reindexes(newsroom):
    story = newsroom.add_story(title="旧标题", body="<p>青岛啤酒节开幕。</p>", publish=True)
    assert search("青岛") == ["旧标题"]
    story.body = "<p>烟台苹果丰收。</p>"
    publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)
    assert search("青岛") == []
    assert search("烟台") == ["旧标题"]


def test_autocomplete_segments_too(stories):
    found = titles(StoryPage.objects.autocomplete("淄博"))
    assert found == ["淄博烧烤持续火热"]
    assert titles(StoryPage.objects.autocomplete("淄")) == ["淄博烧烤持续火热"]  # prefix of the last word
    assert titles(StoryPage.objects.autocomplete("北海")) == []


def test_update_index_rebuilds(stories):
    from wagtail.search.models import IndexEntry

    IndexEntry.objects.all().delete()
    assert search("北京") == []
    call_command("update_index", verbosity=0)
    assert search("北京") == ["总理出席活动"]
    entry = IndexEntry.objects.get(object_id=str(stories["sentence"].pk))
    # SQLite keeps the segmented text in body; PostgreSQL keeps a tsvector there and the text in body_text.
    indexed_text = getattr(entry, "body_text", None) or entry.body
    assert "北京 出席 新闻 发布 发布会" in indexed_text


def test_has_terms():
    assert search_backend.has_terms("北京")
    assert not search_backend.has_terms(" ，。 ")


def test_sqlite_ranked_results_respect_queryset_filters(newsroom):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own results path")
    newsroom.add_story(title="淄博新闻一", publish=True)
    newsroom.add_story(title="淄博新闻二", publish=False)
    newsroom.add_story(title="淄博新闻三", section=newsroom.other_section, publish=True)
    results = StoryPage.objects.live().filter(path__startswith=newsroom.section.path).search("淄博")
    assert results.count() == 1
    assert titles(results) == ["淄博新闻一"]
    assert set(titles(StoryPage.objects.live().search("淄博"))) == {"淄博新闻一", "淄博新闻三"}
    assert len(titles(StoryPage.objects.search("淄博"))) == 3


def test_bookkeeping_saves_do_not_resegment_but_text_changes_do(newsroom, monkeypatch):
    from rongmei.search import backend as indexing

    story = newsroom.add_story(title="稿件", body="<p>青岛啤酒节开幕。</p>", publish=True)
    segmented = []
    original = indexing.segment_for_index
    monkeypatch.setattr(indexing, "segment_for_index", lambda text: segmented.append(text) or original(text))
    story = StoryPage.objects.get(pk=story.pk)
    story.body = "<p>烟台苹果丰收。</p>"
    story.save_revision(user=newsroom.reporter)  # a draft: the page row's text is unchanged
    story.locked = True
    story.save(update_fields=["locked"])
    assert segmented == []
    assert search("青岛") == ["稿件"]
    publish_outside_review(StoryPage.objects.get(pk=story.pk).get_latest_revision(), user=newsroom.chief)
    assert segmented  # publishing changes the text: re-indexed
    assert search("烟台") == ["稿件"] and search("青岛") == []
    story = StoryPage.objects.get(pk=story.pk)
    story.lead = "导语提到威海"
    story.save(update_fields=["lead"])
    assert search("威海") == ["稿件"]
    story.delete()
    assert search("烟台") == []


def test_only_the_newest_matches_of_a_very_common_word_are_ranked(newsroom, monkeypatch):
    from django.db import connection

    if connection.vendor == "sqlite":
        from rongmei.search.sqlite_backend import ChineseSQLiteSearchQueryCompiler as compiler
    else:
        from rongmei.search.postgres_backend import ChinesePostgresSearchQueryCompiler as compiler
    monkeypatch.setattr(compiler, "RANK_MAX_MATCHES", 3)
    # The oldest story is the best match (the word in its headline): the cap still leaves it out.
    newsroom.add_story(title="淄博发展大会", body="<p>淄博发展。</p>", publish=True)
    for n in range(4):
        newsroom.add_story(title=f"第{n}条", body="<p>全市经济持续发展。</p>", publish=True)
    results = StoryPage.objects.live().search("发展")
    assert results.count() == 3
    # SQLite counts every match cheaply; PostgreSQL only knows there were more than 3.
    assert results.ranking_window() == ((5, 3) if connection.vendor == "sqlite" else (None, 3))
    assert set(titles(results)) == {"第1条", "第2条", "第3条"}

    # A rarer query is ranked whole, best first.
    results = StoryPage.objects.live().search("淄博")
    assert results.ranking_window() is None and titles(results) == ["淄博发展大会"]


def test_a_very_common_word_at_scale_is_counted_by_estimate(newsroom, monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL does not count past the cap")
    from rongmei.search.sqlite_backend import ChineseSQLiteSearchQueryCompiler as compiler

    monkeypatch.setattr(compiler, "RANK_MAX_MATCHES", 2)
    for n in range(3):
        newsroom.add_story(title=f"无关{n}", body="<p>天气晴朗。</p>", publish=True)
    for n in range(4):
        newsroom.add_story(title=f"第{n}条", body="<p>全市经济持续发展。</p>", publish=True)
    monkeypatch.setattr(compiler, "EXACT_COUNT_MAX", 0)  # never count: estimate from the newest two
    results = StoryPage.objects.live().search("发展")
    total, newest = results.ranking_window()
    assert newest == 2 and results.count() == 2
    # The newest two matches fill the two newest entries: every older entry is assumed to match.
    from wagtail.search.models import IndexEntry

    assert total == IndexEntry.objects.count()
    assert set(titles(results)) == {"第2条", "第3条"}


def test_postgres_direct_query_ranks_as_modelsearch_did(newsroom, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own query")
    from rongmei.search.postgres_backend import ChinesePostgresSearchQueryCompiler as compiler

    newsroom.add_story(title="淄博发展大会召开", body="<p>淄博发展。人工智能。</p>", publish=True)
    newsroom.add_story(
        title="经济观察", body="<p>淄博经济持续发展，淄博人工智能产业发展迅速。</p>", publish=True
    )
    newsroom.add_story(title="人工智能走进淄博", body="<p>产业发展。</p>", publish=True)
    newsroom.add_story(title="天气", body="<p>淄博晴。</p>", publish=True)
    newsroom.add_story(title="草稿", body="<p>淄博发展人工智能。</p>", publish=False)
    newsroom.add_story(title="发展", body="<p>" + "发展。" * 30 + "</p>", publish=True)
    for query in ["淄博", "发展", "人工智能", "淄博 发展", "智能"]:
        ours = [
            (page.title, round(page.rank, 6))
            for page in StoryPage.objects.live().search(query).annotate_score("rank")
        ]
        monkeypatch.setattr(compiler, "CAPS_RANKING", False)
        before = [
            (page.title, round(page.rank, 6))
            for page in StoryPage.objects.live().search(query).annotate_score("rank")
        ]
        monkeypatch.setattr(compiler, "CAPS_RANKING", True)
        assert ours == before, query
        assert len(ours) >= 2


def test_postgres_words_split_between_title_and_body_match_and_a_negation_is_kept(newsroom):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own query")
    from modelsearch.query import And, Not, PlainText

    newsroom.add_story(title="淄博新闻", body="<p>产业发展迅速。</p>", publish=True)
    newsroom.add_story(title="发展观察", body="<p>淄博天气晴。</p>", publish=True)
    newsroom.add_story(title="淄博发展", body="<p>正文。</p>", publish=True)
    newsroom.add_story(title="淄博晚报", body="<p>天气预报。</p>", publish=True)

    def found(query):
        return sorted(page.title for page in StoryPage.objects.live().search(query))

    # 淄博 and 发展 in different columns: only title || body holds both
    assert found("淄博 发展") == ["发展观察", "淄博发展", "淄博新闻"]
    # 淄博晚报's title alone matches 淄博 & !天气, but its body has 天气
    without_weather = And([PlainText("淄博"), Not(PlainText("天气"))])
    assert found(without_weather) == ["淄博发展", "淄博新闻"]
