"""Partners' documents into items: ninjs with per-item errors, RSS and Atom, sanitising."""

import json

import pytest

from rongmei.monitoring.sources.fetching.errors import FetchError
from rongmei.wire import incoming, sanitise

from .feed_server import fixture


def test_ninjs_feed_keeps_good_items_and_names_each_bad_one():
    result = incoming.parse_ninjs_document(fixture("partner_ninjs.json"))
    assert [i.guid for i in result.items] == ["urn:partner:xinhua:item:1001", "urn:partner:xinhua:item:1003"]
    first = result.items[0]
    assert first.headline == "全省冬小麦播种面积稳中有增"
    assert first.version == "3" and first.byline == "新华社记者 张华"
    assert first.lead.startswith("记者从省农业农村厅获悉")
    assert first.original_url == "https://www.partner.example/2026/11/26/1001.html"
    assert first.rights == "新华社\n仅限合作单位使用，转载须注明“新华社”"
    assert first.published_at.isoformat() == "2026-11-26T08:00:00+08:00"
    # the body is sanitised: no script, no event attributes, no javascript: links
    assert "<strong>稳中有增</strong>" in first.body_html
    for bad in ("<script", "onclick", "onerror", "javascript:"):
        assert bad not in first.body_html
    assert first.raw["uri"] == "urn:partner:xinhua:item:1001"  # kept as received
    # a plain-text body is escaped into paragraphs
    assert result.items[1].body_html == "<p>第一段&lt;不是标签&gt;</p><p>第二段</p>"

    problems = {p.ref: p.errors for p in result.problems}
    assert set(problems) == {"urn:partner:xinhua:item:1002", "没有 uri 的稿件", "#5"}
    assert problems["urn:partner:xinhua:item:1002"] == {
        "headlines": [{"code": "not_a_list_field", "params": {}}, {"code": "required", "params": {}}],
        "versioncreated": [{"code": "bad_date", "params": {}}],
    }
    assert problems["没有 uri 的稿件"] == {"uri": [{"code": "required", "params": {}}]}
    assert problems["#5"] == {"item": [{"code": "not_an_object", "params": {}}]}


def test_ninjs_a_bare_list_and_legacy_fields():
    doc = [{"uri": "urn:x:1", "headline": "旧版标题", "body_text": "正文", "version": 7}]
    result = incoming.parse_ninjs_document(json.dumps(doc).encode())
    assert result.items[0].headline == "旧版标题" and result.items[0].version == "7"
    assert result.items[0].body_html == "<p>正文</p>"


@pytest.mark.parametrize(
    "content, code",
    [(b"{not json", "bad_json"), (b'{"count": 3}', "not_a_list"), (b'"text"', "not_a_list")],
)
def test_ninjs_document_that_holds_no_items(content, code):
    with pytest.raises(FetchError) as error:
        incoming.parse_ninjs_document(content)
    assert error.value.code == code


def test_ninjs_field_errors():
    item, errors = incoming.parse_ninjs_item(
        {
            "uri": 5,
            "pubstatus": "gone",
            "headlines": [{"value": 3}],
            "renditions": [{"name": "web", "href": "ftp://x"}],
        }
    )
    assert item is None
    assert errors["uri"] == [{"code": "not_a_string", "params": {}}]
    assert errors["pubstatus"][0]["code"] == "bad_choice"
    assert errors["headlines[0].value"] == [{"code": "not_a_string", "params": {}}]
    assert errors["renditions[0].href"] == [{"code": "bad_url", "params": {}}]


def test_a_canceled_item_needs_no_headline():
    item, errors = incoming.parse_ninjs_item({"uri": "urn:x:1", "version": "2", "pubstatus": "canceled"})
    assert errors == {} and item.pubstatus == "canceled"


def test_rss_items_with_feed_rights_and_a_refused_entry():
    result = incoming.parse_feed_document(
        fixture("partner_rss.xml"), base_url="https://news.partner.example/rss"
    )
    assert [i.guid for i in result.items] == ["partner-2001", "https://news.partner.example/a/2002.html"]
    first = result.items[0]
    assert first.headline == "市区主干道夜间施工公告" and first.byline == "李明"
    assert first.original_url == "https://news.partner.example/a/2001.html"
    assert first.rights == "合作台版权所有，转载须注明出处"  # the channel's <copyright>
    assert "<b>夜间</b>" in first.body_html and "iframe" not in first.body_html
    assert first.published_at.isoformat() == "2026-11-25T02:00:00+00:00"
    assert len(result.problems) == 1
    assert set(result.problems[0].errors) == {"guid", "title"}


def test_atom_entries():
    result = incoming.parse_feed_document(fixture("partner_atom.xml"))
    assert [i.guid for i in result.items] == ["urn:partner:atom:3001"]
    entry = result.items[0]
    assert entry.headline == "高铁新站明年开通" and entry.byline == "王芳"
    assert entry.rights == "本站稿件仅供合作单位使用"
    assert entry.version == "2026-11-26T06:00:00+00:00"
    assert entry.lead == "新站建设进入收尾阶段。"
    assert "<em>收尾</em>" in entry.body_html
    assert result.problems[0].ref == "urn:partner:atom:3002"
    assert result.problems[0].errors == {"title": [{"code": "no_headline", "params": {}}]}


def test_html_page_is_not_a_feed():
    with pytest.raises(FetchError) as error:
        incoming.parse_feed_document(b"<!DOCTYPE html><html><body>hi</body></html>")
    assert error.value.code == "html_not_feed"


def test_story_body_keeps_what_the_editor_can_open():
    html = sanitise.clean_body(
        '<p>一<strong>二</strong><em>三</em></p><h4>四</h4><img src="https://x.example/a.jpg"><figure>五</figure>'
    )
    body = sanitise.story_body(html)
    assert body == "<p>一<b>二</b><i>三</i></p><h3>四</h3>五"
    assert sanitise.story_body("只有文字") == "<p>只有文字</p>"
