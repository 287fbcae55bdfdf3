"""Property tests (Hypothesis) for what partners send the incoming wire: ninjs items (pushed or
polled), ninjs documents and RSS/Atom feeds, and the HTML kept from them.

Properties: an item is taken or refused with errors by field whose codes have a message (never an
exception); a document parses or fails with a known ``FetchError``; a taken item round-trips its
uri and headline; kept HTML holds no script, event handler or javascript: address."""

import json
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongmei.monitoring.sources.fetching.errors import FetchError
from rongmei.wire import incoming, messages, sanitise
from rongmei.wire.models import WireItem, WireSource
from rongmei.wire.signing import signed_headers

from .helpers import SECRET, make_source, ninjs_item

FAST = settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

KEYS = [
    "uri",
    "version",
    "pubstatus",
    "headlines",
    "headline",
    "bodies",
    "body_html",
    "body_text",
    "by",
    "language",
    "versioncreated",
    "firstcreated",
    "contentcreated",
    "descriptions",
    "role",
    "value",
    "contenttype",
    "copyrightnotice",
    "usageterms",
    "renditions",
    "href",
    "items",
    "guid",
    "title",
]
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "main",
            "text/html",
            "canceled",
            "usable",
            "2024-02-30T25:00:00Z",
            "2024-01-01T08:00:00+08:00",
            "<p onclick=x()>正文<script>alert(1)</script></p>",
            "javascript:alert(1)",
            "http://a.cn/1",
        ]
    )
)
json_values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=30,
)


KNOWN = set(messages.MESSAGES) | set(messages.FETCH_MESSAGES)  # fetch errors share monitoring's words


def _known_codes(errors):
    assert errors
    for field_name, problems in errors.items():
        assert isinstance(field_name, str)
        for problem in problems:
            assert problem["code"] in KNOWN, problem


@FAST
@given(json_values)
def test_any_item_is_taken_or_refused_with_known_codes(item):
    parsed, errors = incoming.parse_ninjs_item(item)
    if parsed is None:
        _known_codes(errors)
    else:
        assert errors == {} and parsed.guid == item["uri"].strip() and parsed.version


@FAST
@given(
    st.text(min_size=1, max_size=80).filter(str.strip),
    st.text(min_size=1, max_size=100).filter(str.strip),
    st.text(max_size=200),
)
def test_a_valid_item_round_trips_its_uri_and_headline(uri, headline, body):
    item = {
        "uri": uri,
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
    }
    parsed, errors = incoming.parse_ninjs_item(item)
    assert errors == {}
    assert parsed.guid == uri.strip()
    assert parsed.headline.strip() == " ".join(headline.split()) or parsed.headline


@FAST
@given(st.one_of(json_values, st.fixed_dictionaries({"items": st.lists(json_values, max_size=4)})))
def test_a_ninjs_document_parses_or_fails_with_a_known_code(document):
    try:
        result = incoming.parse_ninjs_document(json.dumps(document, ensure_ascii=False).encode())
    except FetchError as error:
        assert error.code in KNOWN and error.message
    else:
        for problem in result.problems:
            _known_codes(problem.errors)


FEED_PIECES = st.sampled_from(
    [
        b"<?xml version='1.0'?>",
        b"<rss version='2.0'><channel>",
        b"<item>",
        b"</item>",
        b"<title>",
        b"</title>",
        b"<link>http://example.com/a</link>",
        b"<link>javascript:x</link>",
        b"<guid>1</guid>",
        b"<description>&lt;script&gt;alert(1)&lt;/script&gt;<![CDATA[<p onclick='x'>a</p>]]></description>",
        b"<pubDate>Mon, 01 Jan 2024 00:00:00 +0800</pubDate>",
        b"<pubDate>not a date</pubDate>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'>",
        b"<entry>",
        b"</entry>",
        b"<id>x</id>",
        b"<link href='http://example.com/b'/>",
        b"</channel></rss>",
        b"</feed>",
        b"&bogus;",
        "淄博".encode(),
        "张店".encode("gbk"),
        b"\x00",
        b"<html>",
    ]
)


@FAST
@given(st.one_of(st.binary(max_size=200), st.lists(FEED_PIECES, max_size=40).map(b"".join)))
def test_a_feed_parses_or_fails_with_a_known_code(content):
    try:
        result = incoming.parse_feed_document(content, content_type="application/rss+xml")
    except FetchError as error:
        assert error.code in KNOWN and error.message
    else:
        for item in result.items:
            _clean(item.body_html)
        for problem in result.problems:
            _known_codes(problem.errors)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _clean(html):
    """No script, style or frame element, no event handler, no javascript: address."""
    elements = _Elements()
    elements.feed(html)
    for tag, attrs in elements.found:
        assert tag not in {"script", "style", "iframe", "svg", "object", "embed"}, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert not (value or "").strip().lower().startswith("javascript:"), html


HTML_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>",
        "<a href='http://a.cn'>",
        "</a>",
        "<iframe src=x>",
        "<style>p{}</style>",
        "<p onclick=x()>",
        "正文",
        "<",
        ">",
        "&lt;script&gt;",
        "<svg onload=alert(1)>",
        "<b>",
        "<h4>",
        "</h4>",
    ]
)


@FAST
@given(st.one_of(st.text(max_size=100), st.lists(HTML_PIECES, max_size=30).map("".join)))
def test_kept_html_is_sanitised_and_stays_so(html):
    cleaned = sanitise.clean_body(html)
    _clean(cleaned)
    assert sanitise.clean_body(cleaned) == cleaned
    _clean(sanitise.story_body(cleaned))


@pytest.mark.django_db
def test_a_push_with_nul_characters_is_stored_without_them(client):
    # Found by tests/fuzz on PostgreSQL: its text and jsonb columns refuse NUL, so such a push was a 500.
    source = make_source(kind=WireSource.Kind.PUSH, name="合作台")
    item = ninjs_item(uri="urn:x:\x00nul", headline="标题\x00一", by="通讯员\x00", extra={"\x00k": "v\x00"})
    body = json.dumps(item, ensure_ascii=False).encode()
    response = client.post(
        f"/wire/push/{source.pk}/",
        data=body,
        content_type="application/json",
        headers=signed_headers(SECRET, body),
    )
    assert response.status_code == 201, response.content
    stored = WireItem.objects.get()
    assert (stored.guid, stored.headline) == ("urn:x:nul", "标题一")
    assert "\x00" not in json.dumps(stored.raw, ensure_ascii=False)


def test_a_polled_ninjs_document_loses_its_nul_characters_and_lone_surrogates():
    content = json.dumps([ninjs_item(uri="urn:x:\x00", headline="标\x00题\ud800")]).encode()
    (item,) = incoming.parse_ninjs_document(content).items
    assert (item.guid, item.headline) == ("urn:x:", "标题?")
