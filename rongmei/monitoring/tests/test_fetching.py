"""The fetching mechanics against a local HTTP server: HTTP politeness and limits, charsets, parsers,
extraction. The service (sources, items, scheduling, admin) is in test_fetching_service.py."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from rongmei.core.weburls import host_key
from rongmei.monitoring.models import HostThrottle, RobotsCache
from rongmei.monitoring.sources.fetching import extract as extract_module
from rongmei.monitoring.sources.fetching.charset import decode
from rongmei.monitoring.sources.fetching.dates import parse_datetime_text
from rongmei.monitoring.sources.fetching.errors import FetchError
from rongmei.monitoring.sources.fetching.extract import extract_article
from rongmei.monitoring.sources.fetching.http import FetchPolicy, PoliteClient, wait_for_host
from rongmei.monitoring.sources.fetching.parsers import (
    check_selector,
    find_links,
    parse_feed,
    parse_ninjs,
    parse_sitemap,
)

from .fetching_server import LocalServer, fixture, flaky, huge, redirect, slow, with_etag

MB = 1024 * 1024
FAST = FetchPolicy(
    connect_timeout=1.0,
    read_timeout=0.3,
    total_timeout=3.0,
    retries=1,
    backoff=0.01,
    host_interval=0,
    max_bytes=1 * MB,
)


@pytest.fixture
def server(allow_loopback):
    srv = LocalServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def client(db):
    with PoliteClient(FAST, sleep=lambda s: time.sleep(min(s, 0.5))) as c:
        yield c


def error_of(call):
    with pytest.raises(FetchError) as info:
        call()
    return info.value


# -- HTTP -----------------------------------------------------------------------------------------


def test_404_is_a_plain_error(server, client):
    error = error_of(lambda: client.get(server.url("/missing.html")))
    assert error.code == "not_found"
    with translation.override("en"):
        assert error.message == "The address no longer exists (HTTP 404)."
    with translation.override("zh-hans"):
        assert error.message == "该地址已不存在（HTTP 404）。"


def test_redirects_are_followed_hop_by_hop(server, client):
    server.add_handler("/old", redirect("/moved", 301))
    server.add_handler("/moved", redirect(server.url("/final.html")))
    server.add("/final.html", "<html><body>到了</body></html>")
    response = client.get(server.url("/old"))
    assert response.url == server.url("/final.html")
    assert response.history == [server.url("/old"), server.url("/moved")]
    assert "到了" in response.content.decode()


def test_redirect_loop_stops(server, client):
    server.add_handler("/a", redirect("/b"))
    server.add_handler("/b", redirect("/a"))
    error = error_of(lambda: client.get(server.url("/a")))
    assert error.code == "too_many_redirects"
    assert len([p for p in server.paths() if p in ("/a", "/b")]) == FAST.max_redirects + 1


def test_redirect_to_another_scheme_is_refused(server, client):
    server.add_handler("/ftp", redirect("ftp://example.test/file"))
    assert error_of(lambda: client.get(server.url("/ftp"))).code == "bad_redirect"


def test_slow_server_times_out_quickly(server, client):
    server.add_handler("/slow", slow(2.0))
    started = time.monotonic()
    error = error_of(lambda: client.get(server.url("/slow")))
    assert error.code == "timeout"
    assert time.monotonic() - started < 1.5  # two attempts of 0.3 s, not two of 2 s
    assert server.paths().count("/slow") == 2  # retried once


def test_huge_page_is_cut_at_the_cap(server, client):
    server.add_handler("/huge", huge(3 * MB))
    error = error_of(lambda: client.get(server.url("/huge")))
    assert error.code == "too_large"
    with translation.override("en"):
        assert error.message == "The response is larger than 1 MB; reading stopped there."


def test_declared_huge_page_is_refused_before_reading(server, db):
    server.add_handler("/declared", huge(50 * MB, declare_length=True))
    with PoliteClient(FetchPolicy(max_bytes=5 * MB, host_interval=0, retries=0)) as c:
        error = error_of(lambda: c.get(server.url("/declared")))
    assert error.code == "too_large"
    assert error.params["limit_mb"] == "5"


def test_transient_errors_are_retried_with_backoff(server, db):
    server.add_handler("/flaky", flaky(2))
    sleeps = []
    policy = FetchPolicy(retries=2, backoff=0.01, host_interval=0, read_timeout=1)
    with PoliteClient(policy, sleep=sleeps.append) as c:
        assert c.get(server.url("/flaky")).status == 200
    assert sleeps == [0.01, 0.02]  # doubled each time
    with PoliteClient(FetchPolicy(retries=0, host_interval=0), sleep=sleeps.append) as c:
        server.add_handler("/flaky2", flaky(1))
        assert error_of(lambda: c.get(server.url("/flaky2"))).params["status"] == "503"


def test_robots_txt_disallow_is_obeyed_and_cached(server, client):
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.add("/private/a.html", "<html>secret</html>")
    server.add("/public.html", "<html>open</html>")
    error = error_of(lambda: client.get(server.url("/private/a.html")))
    assert error.code == "robots_disallowed"
    assert client.get(server.url("/public.html")).status == 200
    assert "/private/a.html" not in server.paths()
    assert RobotsCache.objects.get(host=host_key(server.base)).rule == "parse"
    # A second client (another worker) reads the cached copy instead of asking again.
    with PoliteClient(FAST) as other:
        assert not other.allowed_by_robots(server.url("/private/b.html"))
    assert server.paths().count("/robots.txt") == 1


def test_missing_robots_txt_allows_everything(server, client):
    server.add("/page.html", "<html>ok</html>")
    assert client.get(server.url("/page.html")).status == 200
    assert RobotsCache.objects.get(host=host_key(server.base)).rule == "allow_all"


def test_conditional_get_gets_304(server, client):
    server.add_handler("/feed.xml", with_etag(fixture("rss.xml"), '"v1"'))
    first = client.get(server.url("/feed.xml"))
    assert first.status == 200 and first.headers["etag"] == '"v1"'
    second = client.get(server.url("/feed.xml"), headers={"If-None-Match": '"v1"'})
    assert second.not_modified and second.content == b""


def test_host_throttle_is_a_conditional_claim(db):
    """Two workers: the first claims the slot, the second must wait (or give up) until it passes."""
    wait_for_host("news.example.test", interval=60, max_wait=0)
    with pytest.raises(FetchError) as info:
        wait_for_host("news.example.test", interval=60, max_wait=1)  # 60 s to wait > 1 s allowed
    assert info.value.code == "host_busy"
    HostThrottle.objects.filter(host="news.example.test").update(
        next_allowed_at=timezone.now() - timedelta(seconds=1)
    )
    wait_for_host("news.example.test", interval=60, max_wait=0)  # slot passed: claimed again


def test_host_throttle_spaces_requests(server, db):
    server.add("/a.html", "<html>a</html>")
    started = time.monotonic()
    with PoliteClient(FetchPolicy(host_interval=0.2, retries=0)) as c:
        for _ in range(3):
            c.get(server.url("/a.html"))  # robots.txt, then three pages: four requests
    assert time.monotonic() - started >= 0.55


# -- dates, charsets -----------------------------------------------------------------------


def test_parse_dates():
    assert parse_datetime_text("2025-11-20T01:30:00Z") == datetime(2025, 11, 20, 1, 30, tzinfo=UTC)
    assert parse_datetime_text("2025年11月20日 09:30") == datetime(2025, 11, 20, 1, 30, tzinfo=UTC)
    assert parse_datetime_text("2025-11-20") == datetime(2025, 11, 19, 16, 0, tzinfo=UTC)  # Shanghai midnight
    assert parse_datetime_text("not a date") is None


def test_gbk_page_with_meta_but_no_header():
    content = fixture("gbk_meta.html")
    with pytest.raises(UnicodeDecodeError):
        content.decode("gb2312")  # the label lies: 镕 is GBK, not GB2312
    text, encoding = decode(content, "text/html")
    assert encoding == "gb18030"
    assert "朱镕基同志旧居修缮工程完工" in text


def test_gbk_page_without_any_charset_is_detected():
    text, encoding = decode(fixture("gbk_nometa.html"), "text/html")
    assert encoding in ("gb18030", "gbk", "gb2312")
    assert "修旧如旧" in text


def test_wrong_charset_header_falls_back():
    text, _encoding = decode(fixture("gbk_nometa.html"), "text/html; charset=utf-8")
    assert "修旧如旧" in text
    text, encoding = decode("新闻".encode(), "text/html; charset=iso-8859-1")  # latin-1 label tried last
    assert (text, encoding) == ("新闻", "utf-8")


# -- parsers --------------------------------------------------------------------------------------


def feed_bytes(name, base="http://news.example.test"):
    return fixture(name).replace(b"{{BASE}}", base.encode())


def test_rss_feed():
    parsed = parse_feed(
        feed_bytes("rss.xml"), content_type="application/rss+xml", base_url="http://news.example.test/"
    )
    assert [e.title for e in parsed.entries][:2] == [
        "市政府召开新闻发布会通报经济运行情况",
        "全区秋粮收购工作有序推进",
    ]
    first = parsed.entries[0]
    assert first.url == "http://news.example.test/articles/1.html?utm_source=rss"
    assert first.published_at == datetime(2025, 11, 20, 1, 30, tzinfo=UTC)
    assert "张记者" in first.author
    assert first.body == "市政府召开新闻发布会（摘要）。"


def test_atom_feed_skips_entries_without_link():
    parsed = parse_feed(feed_bytes("atom.xml"), base_url="http://news.example.test/atom.xml")
    assert [e.title for e in parsed.entries] == ["臺灣同胞參訪團抵達本市"]
    assert parsed.entries[0].author == "李記者"
    assert {"code": "entries_without_link", "params": {"count": 1}} in parsed.notes


def test_broken_feed():
    error = error_of(lambda: parse_feed(fixture("broken.xml")))
    assert error.code == "broken_feed"
    with translation.override("en"):
        assert error.message.startswith("The feed could not be read: ")


def test_html_is_not_a_feed():
    error = error_of(lambda: parse_feed(fixture("not_a_feed.html"), content_type="text/html"))
    assert error.code == "html_not_feed"
    with translation.override("en"):
        assert error.message == "This address returned a web page, not a feed."
    with translation.override("zh-hans"):
        assert error.message == "该地址返回的是网页，不是订阅源（RSS/Atom）。"


def test_ninjs():
    parsed = parse_ninjs(feed_bytes("ninjs.json"))
    assert [e.title for e in parsed.entries] == [
        "合作媒体：县里新建三座便民服务中心",
        "合作媒体：暴雨预警发布",
    ]
    first = parsed.entries[0]
    assert first.complete and first.body == "县里今年新建三座便民服务中心。\n群众办事不出村。"
    assert first.author == "合作媒体 王记者"
    assert first.published_at == datetime(2025, 11, 23, 2, 0, tzinfo=UTC)  # firstcreated
    assert parsed.entries[1].body == "气象台发布暴雨蓝色预警。"
    assert {"code": "ninjs_items_skipped", "params": {"count": 1}} in parsed.notes
    assert error_of(lambda: parse_ninjs(b"<html>")).code == "bad_json"
    assert error_of(lambda: parse_ninjs(b'{"items": 3}')).code == "bad_ninjs"


def test_sitemaps():
    index = parse_sitemap(feed_bytes("sitemap_index.xml"))
    assert index.child_sitemaps == [
        "http://news.example.test/sitemap-news.xml",
        "http://news.example.test/sitemap-old.xml",
    ]
    news = parse_sitemap(feed_bytes("sitemap_news.xml"))
    assert [e.url.rsplit("/", 1)[1] for e in news.entries] == ["2.html", "1.html"]  # newest first
    assert news.entries[1].title == "市政府召开新闻发布会通报经济运行情况"
    import gzip

    assert len(parse_sitemap(gzip.compress(feed_bytes("sitemap_news.xml"))).entries) == 2
    assert error_of(lambda: parse_sitemap(fixture("not_a_feed.html"))).code == "bad_sitemap"
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset><url><loc>&e;</loc></url></urlset>'
    assert parse_sitemap(xxe).entries == []  # entities are never resolved


def test_list_page_with_selector():
    html = fixture("list_selector.html").decode()
    parsed = find_links(html, base_url="http://news.example.test/local/", selector="ul.news-list")
    assert [e.url for e in parsed.entries] == [
        "http://news.example.test/articles/1.html",
        "http://news.example.test/local/articles/2.html",
    ]
    assert parsed.entries[0].title == "市政府召开新闻发布会通报经济运行情况"
    error = error_of(lambda: find_links(html, base_url="http://news.example.test/", selector="ul[[["))
    assert error.code == "bad_selector"
    assert (
        error_of(lambda: find_links(html, base_url="http://x.test/", selector="table.none")).code
        == "no_links"
    )


def test_list_page_auto_detected():
    parsed = find_links(fixture("list_auto.html").decode(), base_url="http://www.gov.example.test/list.html")
    assert [e.url.rsplit("/", 1)[1] for e in parsed.entries] == [
        "art_1_1.html",
        "art_1_2.html",
        "art_1_3.html",
    ]


def test_check_selector():
    assert check_selector("ul.news-list > li a") is None
    with translation.override("en"):
        assert check_selector("a[").startswith("The link selector “a[” is not a valid CSS selector")


# -- extraction -----------------------------------------------------------------------------------


def test_extraction_with_trafilatura():
    article = extract_article(fixture("article_1.html").decode(), "http://news.example.test/articles/1.html")
    assert article.method == "trafilatura"
    assert article.title == "市政府召开新闻发布会通报经济运行情况"
    assert article.author == "张记者"
    assert article.published_at == datetime(2025, 11, 20, 1, 30, tzinfo=UTC)
    assert "地区生产总值比上年同期增长5.2%" in article.body
    assert "版权所有" not in article.body and "首页" not in article.body
    assert not article.body.startswith(article.title)


def test_extraction_fallback_when_trafilatura_finds_nothing(monkeypatch):
    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", lambda *a, **k: None)
    text, _ = decode(fixture("gbk_meta.html"), "text/html")
    article = extract_article(text, "http://news.example.test/gbk.html")
    assert article.method == "fallback"
    assert article.title == "朱镕基同志旧居修缮工程完工"
    assert article.body.startswith("本报讯")
    assert "每天接待游客不超过八百人次" in article.body


def test_extraction_of_a_page_with_no_text():
    article = extract_article("<html><head><title>空页面</title></head><body></body></html>")
    assert article.title == "空页面" and article.body == ""


# -- outbound: only public addresses (issue 8, point 3) -------------------------------------------


def test_a_loopback_source_is_refused_before_any_request(server, client, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []  # the server fixture allowed 127.0.0.1
    server.add("/feed.xml", "<rss/>")
    for url in (server.url("/feed.xml"), server.url("/feed.xml").replace("127.0.0.1", "2130706433")):
        error = error_of(lambda url=url: client.get(url))
        assert (error.code, error.params["address"]) == ("outbound_refused", "127.0.0.1")
    assert server.paths() == []  # not even robots.txt


def test_a_public_name_resolving_to_loopback_is_refused_when_connecting(
    server, client, settings, monkeypatch
):
    from rongmei.core import outbound

    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["127.0.0.1"])
    server.add("/feed.xml", "<rss/>")
    url = server.url("/feed.xml").replace("127.0.0.1", "news.example.com")
    error = error_of(lambda: client.get(url))
    assert (error.code, error.params["address"]) == ("outbound_refused", "127.0.0.1")
    assert server.paths() == []


def test_a_redirect_to_the_metadata_address_is_refused_at_that_hop(server, client):
    server.add_handler("/go", redirect("http://169.254.169.254/latest/meta-data/"))
    error = error_of(lambda: client.get(server.url("/go")))
    assert (error.code, error.params["address"]) == ("outbound_refused", "169.254.169.254")
    with translation.override("en"):
        assert "(169.254.169.254)" in error.message and "allow-list" in error.message


# -- hostile link selectors (issue 8, point 9's sibling) ------------------------------------------

DEEP_PAGE = (
    "<html><body>"
    + "<div>" * 200
    + "<a href='/2024/1.html'>一篇足够长的文章标题</a>"
    + "</div>" * 200
    + "</body></html>"
)


def test_deeply_nested_selectors_are_refused_on_save_and_at_fetch(db):
    hostile = ":has(" * 4 + "a" + ")" * 4
    with translation.override("en"):
        assert "nests parentheses more than 2 deep" in check_selector(hostile)
    assert check_selector("ul.news-list a") is None and check_selector("li:not(.ad) a") is None
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        find_links(DEEP_PAGE, base_url="https://news.example.com/", selector=hostile)
    assert info.value.code == "selector_too_complex" and time.monotonic() - started < 1
    assert (
        len(
            find_links(DEEP_PAGE, base_url="https://news.example.com/", selector="div:has(:has(a)) a").entries
        )
        == 1
    )
