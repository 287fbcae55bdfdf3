"""Segmentation and highlighting, without the database."""

from rongmei.search.highlight import excerpt, highlight
from rongmei.search.segment import (
    QUERY_MAX_CHARS,
    highlight_terms,
    query_groups,
    segment_for_index,
    segment_query,
    truncate_query,
)


def test_index_text_is_search_mode_tokens():
    assert (
        segment_for_index("国务院总理今天在北京出席新闻发布会")
        == "国务 国务院 总理 今天 在 北京 出席 新闻 发布 发布会"
    )


def test_index_strips_html_lowercases_and_drops_punctuation():
    text = segment_for_index("<p>华为Mate&nbsp;60发布，</p><p>GDP增长5.2%！</p>")
    assert "<" not in text and "，" not in text and "！" not in text
    assert text.split()[:3] == ["华为", "mate", "60"]
    assert "gdp" in text.split()
    # paragraphs do not run together
    assert "发布" in text.split() and "gdp" in text.split()


def test_plain_text_with_angle_bracket_is_not_mangled():
    assert segment_for_index("a<b 北京") == "a b 北京"


def test_query_groups_join_single_characters_as_a_phrase():
    assert query_groups("京出") == [["京", "出"]]
    assert query_groups("人工智能") == [["人工"], ["智能"], ["人工智能"]]
    assert query_groups("北京 新闻") == [["北京"], ["新闻"]]
    assert segment_query("北京，北京！") == ["北京"]


def test_punctuation_only_query_has_no_terms():
    assert query_groups("，。！？……") == []
    assert segment_query("!!! ???") == []


def test_query_is_capped():
    text, truncated = truncate_query("北" * 10_000)
    assert truncated and len(text) == QUERY_MAX_CHARS
    assert truncate_query("北京") == ("北京", False)
    assert len("".join(segment_query("北京" * 5_000))) <= QUERY_MAX_CHARS


def test_highlight_escapes_and_marks():
    html = highlight("<b>北京</b> & 北京市", ["北京"])
    assert html == "&lt;b&gt;<mark>北京</mark>&lt;/b&gt; &amp; <mark>北京</mark>市"


def test_highlight_prefers_longest_term():
    assert highlight("国务院", ["国务", "国务院"]) == "<mark>国务院</mark>"


def test_highlight_terms_skip_lone_characters_when_words_exist():
    assert highlight_terms("北京的新闻") == ["北京", "新闻"]
    assert highlight_terms("京出") == ["京出"]


def test_excerpt_centres_on_first_hit():
    text = "开头" * 100 + "淄博烧烤" + "结尾" * 100
    snippet = excerpt(f"<p>{text}</p>", ["淄博"], length=40)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>淄博</mark>烧烤" in snippet
    assert "<p>" not in snippet
