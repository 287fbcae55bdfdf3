"""Property tests (Hypothesis) for what monitoring reads from outside: watch rules typed by
clients' staff, and the feeds, ninjs documents and sitemaps fetched from sources.

Properties: a parser either answers or raises its own error type with a message (``RuleError``
with a position inside the rule, ``FetchError`` with a known code); never anything else."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongmei.monitoring.analysis.engine.messages import RULE_STRAY_QUOTE as STRAY_QUOTE
from rongmei.monitoring.analysis.engine.watchlist import RuleError, Watchlist, parse_rule
from rongmei.monitoring.messages import MESSAGES
from rongmei.monitoring.sources.fetching.charset import decode
from rongmei.monitoring.sources.fetching.dates import parse_datetime_text
from rongmei.monitoring.sources.fetching.errors import FetchError
from rongmei.monitoring.sources.fetching.extract import extract_article
from rongmei.monitoring.sources.fetching.parsers import find_links, parse_feed, parse_ninjs, parse_sitemap

FAST = settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Rules made of the grammar's own pieces, so most draws get deep into the parser.
RULE_PIECES = st.sampled_from(
    [
        "淄博",
        "烧烤",
        "张店",
        "AND",
        "OR",
        "NOT",
        "(",
        ")",
        '"',
        "NEAR/5",
        "NEAR/",
        "~",
        "region:",
        "person:",
        " ",
        "-",
        "+",
        "*",
        "“",
        "”",
        "和",
        "或",
        "非",
        "/",
        "0",
        "9999",
    ]
)
rules = st.one_of(st.text(max_size=60), st.lists(RULE_PIECES, max_size=30).map(" ".join))


@FAST
@given(rules)
def test_a_rule_parses_or_says_where_it_is_wrong(rule):
    try:
        parse_rule(rule)
    except RuleError as error:
        assert error.message and str(error)
        assert 0 <= error.position <= max(len(rule), 0)


@FAST
@given(st.lists(rules, min_size=1, max_size=5), st.text(max_size=200))
def test_a_watchlist_of_any_rules_compiles_and_matches_any_text(rule_list, text):
    watchlist = Watchlist.compile({index: rule for index, rule in enumerate(rule_list)})
    assert set(watchlist.rules) | set(watchlist.errors) == set(range(len(rule_list)))
    for match in watchlist.match(text):
        assert match.rule_id in watchlist.rules


@pytest.mark.parametrize("rule", ["淄博 ”", "」", "烧烤” AND 淄博", "“a” ”"])
def test_a_closing_quote_without_an_opening_one_is_refused_not_looped_on(rule):
    # Found by the property above: the tokenizer never moved past a lone closing quote.
    with pytest.raises(RuleError) as refused:
        parse_rule(rule)
    assert refused.value.message == STRAY_QUOTE
    assert rule[refused.value.position] in "”」"


@pytest.mark.parametrize(
    ("item", "body"),
    [
        ({"uri": "x", "bodies": [{"contenttype": "text/plain", "value": 5}]}, ""),
        ({"uri": "x", "bodies": [{"contenttype": ["text/html"], "value": "<p>正文</p>"}]}, "正文"),
        ({"uri": "x", "bodies": [{"value": ["a"]}]}, ""),
        ({"uri": "x", "body_text": 5, "body_html": {"p": 1}}, ""),
    ],
)
def test_ninjs_fields_of_the_wrong_type_are_left_out_not_a_crash(item, body):
    # Found by the property below: non-string body values and content types raised.
    result = parse_ninjs(json.dumps([item]).encode())
    assert [(entry.url, entry.body) for entry in result.entries] == [("x", body)]


@pytest.mark.parametrize(
    "page",
    [
        "<html><base href='http://[::1'><a href='/2024/01/123.html'>淄博烧烤再上新闻头条</a></html>",
        "<html><a href='/2024/01/123.html'>淄博烧烤再上新闻头条</a><a href='/a\x01b.html'>x</a></html>",
    ],
)
def test_a_list_page_with_a_broken_base_or_link_still_gives_its_links(page):
    # Found by the list-page property: lxml raised ValueError while making links absolute.
    result = find_links(page, base_url="http://example.com/news/", selector="a")
    assert "http://example.com/2024/01/123.html" in [entry.url for entry in result.entries]


def test_a_known_rule_matches_its_words():
    watchlist = Watchlist.compile({1: "淄博 AND 烧烤"})
    assert [match.rule_id for match in watchlist.match("淄博烧烤火了")] == [1]


def _fails_cleanly(error):
    assert isinstance(error, FetchError)
    assert error.code in MESSAGES, error.code


# XML-ish bytes: tags of RSS, Atom and sitemaps, entities, broken encodings.
XML_PIECES = st.sampled_from(
    [
        b"<?xml version='1.0' encoding='utf-8'?>",
        b"<rss version='2.0'>",
        b"<channel>",
        b"<item>",
        b"</item>",
        b"<title>",
        b"</title>",
        b"<link>",
        b"http://example.com/a",
        b"</link>",
        b"<pubDate>",
        b"</pubDate>",
        b"Mon, 01 Jan 2024 00:00:00 +0800",
        b"<feed xmlns='http://www.w3.org/2005/Atom'>",
        b"<entry>",
        b"</entry>",
        b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>",
        b"<url>",
        b"<loc>",
        b"</loc>",
        b"<lastmod>",
        b"2024-13-45",
        b"</lastmod>",
        b"<sitemapindex>",
        b"&amp;",
        b"&xx;",
        b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
        "淄博".encode(),
        "淄博".encode("gbk"),
        b"\x00",
        b"\xff\xfe",
        b"<html>",
    ]
)
xmlish = st.one_of(st.binary(max_size=300), st.lists(XML_PIECES, max_size=40).map(b"".join))


@FAST
@given(xmlish)
def test_a_feed_parses_or_fails_with_a_known_code(content):
    try:
        result = parse_feed(content, content_type="application/rss+xml", base_url="http://example.com/")
    except FetchError as error:
        _fails_cleanly(error)
    else:
        for entry in result.entries:
            assert isinstance(entry.title, str) and isinstance(entry.url, str)


@FAST
@given(xmlish)
def test_a_sitemap_parses_or_fails_with_a_known_code(content):
    try:
        parse_sitemap(content)
    except FetchError as error:
        _fails_cleanly(error)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
NINJS_KEYS = [
    "uri",
    "headlines",
    "headline",
    "title",
    "bodies",
    "body_html",
    "body_text",
    "by",
    "pubstatus",
    "firstcreated",
    "versioncreated",
    "contentcreated",
    "descriptions",
    "value",
    "role",
    "contenttype",
]
ninjs_like = st.recursive(
    st.none()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(["2024-01-01T08:00:00+08:00", "canceled", "text/plain", "text/html", "main"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(NINJS_KEYS), children, max_size=6)
    ),
    max_leaves=30,
)


# Items shaped like ninjs, each field any JSON value: where a partner's feed goes wrong.
entry = st.fixed_dictionaries(
    {}, optional={"role": ninjs_like, "contenttype": ninjs_like, "value": ninjs_like}
)
ninjs_items = st.fixed_dictionaries(
    {"uri": st.one_of(st.text(min_size=1, max_size=10), ninjs_like)},
    optional={
        "headlines": st.lists(entry, max_size=3) | ninjs_like,
        "bodies": st.lists(entry, max_size=3) | ninjs_like,
        "body_text": ninjs_like,
        "body_html": ninjs_like,
        "by": ninjs_like,
        "pubstatus": ninjs_like,
        "firstcreated": ninjs_like,
    },
)


@FAST
@given(
    st.one_of(
        st.lists(ninjs_items, max_size=4),
        ninjs_like,
        json_values,
        st.fixed_dictionaries({"items": st.lists(ninjs_items | ninjs_like, max_size=4)}),
    )
)
def test_a_ninjs_document_parses_or_fails_with_a_known_code(document):
    try:
        result = parse_ninjs(json.dumps(document, ensure_ascii=False).encode())
    except FetchError as error:
        _fails_cleanly(error)
    else:
        for entry in result.entries:
            assert entry.url and isinstance(entry.title, str) and isinstance(entry.body, str)


@FAST
@given(st.binary(max_size=200))
def test_ninjs_bytes_that_are_not_json_fail_with_a_known_code(content):
    try:
        parse_ninjs(content)
    except FetchError as error:
        _fails_cleanly(error)


# List pages: bytes in any charset, links under any selector the source's form took, articles.
HTML_PIECES = st.sampled_from(
    [
        b"<html>",
        b"<meta charset='gbk'>",
        b"<meta charset='nonsense'>",
        b"<nav>",
        b"</nav>",
        b"<ul class='list'>",
        b"<li><a href='/2024/01/01/123.html'>",
        "淄博烧烤再上新闻头条".encode(),
        "张店".encode("gbk"),
        b"</a></li>",
        b"<a href='javascript:x'>",
        b"<a href='http://[::1'>",
        b"<base href='::'>",
        b"<article><p>",
        b"</p></article>",
        b"<meta property='og:title' content='x'>",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\x00",
        b"<!--",
        b"<![CDATA[",
    ]
)
html_bytes = st.one_of(st.binary(max_size=200), st.lists(HTML_PIECES, max_size=40).map(b"".join))
selectors = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["ul.list a", "a[href*=html]", "li:nth-child(2n) > a", "::", "a:has(b)"]),
)


@FAST
@given(
    html_bytes,
    st.sampled_from(["", "text/html; charset=gbk", "text/html; charset=bogus", "text/html"]),
    selectors,
)
def test_a_list_page_gives_links_or_a_known_code(content, content_type, selector):
    text, codec = decode(content, content_type)
    assert isinstance(text, str) and codec
    try:
        links = find_links(text, base_url="http://example.com/news/", selector=selector)
    except FetchError as error:
        _fails_cleanly(error)
    else:
        assert isinstance(links, list)
    extract_article(text, url="http://example.com/news/1.html")


@FAST
@given(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["2024-02-30", "2024-01-01T25:61:00Z", "9999-12-31T23:59:59+14:00"]),
    )
)
def test_a_date_is_read_or_left_out(text):
    value = parse_datetime_text(text)
    assert value is None or value.tzinfo is not None
