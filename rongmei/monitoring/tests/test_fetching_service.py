"""Fetching sources end to end against a local HTTP server: items, notes, errors on the source,
scheduling with claims, the task, the command and the admin screens."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from rongmei.monitoring.models import MonitoredItem, Source
from rongmei.monitoring.sources import services as fetching
from rongmei.monitoring.sources import tasks
from rongmei.monitoring.sources.fetching.http import FetchPolicy, PoliteClient
from rongmei.monitoring.sources.health import source_health
from rongmei.newsroom.models import Region

from .factories import make_source
from .fetching_server import LocalServer, fixture, huge, with_etag

POLICY = dict(
    connect_timeout=1.0, read_timeout=0.5, total_timeout=3.0, retries=0, backoff=0.01, host_interval=0
)


@pytest.fixture
def server(allow_loopback):
    srv = LocalServer().start()
    # the article pages every source type links to
    srv.add_fixture("/articles/1.html", "article_1.html")
    srv.add_fixture("/articles/2.html", "article_2.html")
    srv.add_fixture("/articles/traditional.html", "traditional.html")
    srv.add_fixture("/articles/gbk.html", "gbk_nometa.html", content_type="text/html")
    srv.add_fixture("/art/*", "article_2.html")
    yield srv
    srv.stop()


@pytest.fixture
def client(db):
    with PoliteClient(FetchPolicy(**POLICY)) as c:
        yield c


@pytest.fixture(autouse=True)
def fast_fetch_settings(settings):
    settings.MONITORING_FETCH = POLICY  # for the task and the command, which build their own client


def served_source(server, path, kind=Source.Kind.FEED, **fields):
    """An enabled source on the test server."""
    fields.setdefault("name", f"源 {path}")
    fields.setdefault("enabled", True)
    return make_source(url=server.url(path), kind=kind, **fields)


def test_feed_source_end_to_end(server, client):
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    source = served_source(server, "/feed.xml")
    report = fetching.fetch_source(source.pk, client=client)
    assert report.ok and report.new_items == 3
    item = MonitoredItem.objects.get(normalized_url=server.url("/articles/1.html"))
    assert item.title == "市政府召开新闻发布会通报经济运行情况"  # the feed's title
    assert item.url.endswith("?utm_source=rss")  # the original is kept; the key drops tracking
    assert "地区生产总值比上年同期增长5.2%" in item.body and item.extraction == "trafilatura"
    assert item.body_simplified == item.body
    assert item.content_hash and item.raw_encoding == "utf-8"
    # the page is gone: the feed's summary is kept, and the source says so
    gone = MonitoredItem.objects.get(normalized_url=server.url("/articles/gone.html"))
    assert gone.body == "这篇稿件的页面已经不存在，只剩摘要。" and gone.extraction == "feed"
    source.refresh_from_db()
    assert source.last_success_at and source.consecutive_failures == 0
    assert {"code": "article_failed", "params": {"count": 1}} in source.last_run_notes
    # second run: unchanged feed, nothing fetched again
    requests_before = len(server.requests)
    again = fetching.fetch_source(source.pk, client=client)
    assert again.ok and again.new_items == 0
    assert server.paths()[requests_before:] == ["/feed.xml"]
    source.refresh_from_db()
    assert source.last_run_notes == [{"code": "unchanged"}]


def test_conditional_get_on_the_second_run(server, client):
    server.add_handler("/feed.xml", with_etag(fixture("rss.xml"), '"abc"'))
    source = served_source(server, "/feed.xml")
    assert fetching.fetch_source(source.pk, client=client).new_items == 3
    source.refresh_from_db()
    assert source.etag == '"abc"'
    report = fetching.fetch_source(source.pk, client=client)
    assert report.ok and report.notes == [{"code": "not_modified"}]
    assert server.requests[-1][1].get("If-None-Match") == '"abc"'


def test_traditional_chinese_is_simplified_for_matching(server, client):
    server.add_fixture("/atom.xml", "atom.xml", content_type="application/atom+xml")
    source = served_source(server, "/atom.xml")
    assert fetching.fetch_source(source.pk, client=client).new_items == 1
    item = MonitoredItem.objects.get()
    assert "臺灣青年組成的參訪團" in item.body  # the original, untouched
    assert "台湾青年组成的参访团" in item.body_simplified
    assert item.title_simplified == "台湾同胞参访团抵达本市"


def test_gbk_article_without_charset_header(server, client):
    server.add(
        "/feed.xml",
        fixture("rss.xml").replace(b"/articles/1.html?utm_source=rss", b"/articles/gbk.html"),
        content_type="application/rss+xml",
    )
    source = served_source(server, "/feed.xml")
    fetching.fetch_source(source.pk, client=client)
    item = MonitoredItem.objects.get(normalized_url=server.url("/articles/gbk.html"))
    assert item.raw_encoding == "gb18030"
    assert "修旧如旧" in item.body


def test_html_served_as_feed_is_an_error_on_the_source(server, client):
    server.add_fixture("/feed.xml", "not_a_feed.html")
    source = served_source(server, "/feed.xml")
    report = fetching.fetch_source(source.pk, client=client)
    assert not report.ok and report.error_code == "html_not_feed"
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and source.last_success_at is None
    with translation.override("en"):
        assert source.last_error_message == "This address returned a web page, not a feed."
    with translation.override("zh-hans"):
        assert source.last_error_message == "该地址返回的是网页，不是订阅源（RSS/Atom）。"
    assert source.next_fetch_at > timezone.now() + timedelta(minutes=29)
    fetching.fetch_source(source.pk, client=client)
    source.refresh_from_db()
    assert source.consecutive_failures == 2
    assert source.next_fetch_at > timezone.now() + timedelta(minutes=59)  # backing off


def test_broken_feed_and_404_source(server, client):
    server.add_fixture("/broken.xml", "broken.xml", content_type="application/xml")
    broken = served_source(server, "/broken.xml")
    assert fetching.fetch_source(broken.pk, client=client).error_code == "broken_feed"
    missing = served_source(server, "/nothing.xml")
    assert fetching.fetch_source(missing.pk, client=client).error_code == "not_found"


def test_huge_source_is_an_error_and_the_run_goes_on(server, db):
    server.add_handler("/huge.xml", huge(3 * 1024 * 1024))
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    big = served_source(server, "/huge.xml", name="大")
    good = served_source(server, "/feed.xml", name="好")
    with PoliteClient(FetchPolicy(**{**POLICY, "max_bytes": 1024 * 1024})) as c:
        reports = fetching.fetch_due_sources_inline(client=c)
    by_name = {r.source_name: r for r in reports}
    assert by_name["大"].error_code == "too_large" and not by_name["大"].ok
    assert by_name["好"].ok and by_name["好"].new_items == 3
    big.refresh_from_db()
    good.refresh_from_db()
    with translation.override("en"):
        assert big.last_error_message == "The response is larger than 1 MB; reading stopped there."


def test_future_dates_are_clamped_with_a_note(server, client):
    server.add_fixture("/future.xml", "future.xml", content_type="application/rss+xml")
    source = served_source(server, "/future.xml")
    now = timezone.now()
    fetching.fetch_source(source.pk, client=client, now=now)
    item = MonitoredItem.objects.get()
    assert item.published_at == item.fetched_at == now
    assert item.notes[0]["code"] == "future_date" and item.notes[0]["params"]["given"].startswith(
        "2099-01-01"
    )
    with translation.override("en"):
        assert item.note_messages[0].startswith("The source gave a publish time in the future (2099-01-01")
    source.refresh_from_db()
    assert any(note["code"] == "future_date" for note in source.last_run_notes)


def test_ninjs_source_needs_no_article_pages(server, client):
    server.add_fixture("/api/items", "ninjs.json", content_type="application/json")
    source = served_source(server, "/api/items", Source.Kind.NINJS)
    report = fetching.fetch_source(source.pk, client=client)
    assert report.ok and report.new_items == 2
    assert not [p for p in server.paths() if p.startswith("/partner/")]
    item = MonitoredItem.objects.get(normalized_url="urn:partner:item:102")
    assert item.body == "气象台发布暴雨蓝色预警。" and item.extraction == "ninjs"


def test_ninjs_source_that_returns_html(server, client):
    server.add_fixture("/api/items", "not_a_feed.html")
    source = served_source(server, "/api/items", Source.Kind.NINJS)
    assert fetching.fetch_source(source.pk, client=client).error_code == "bad_json"


def test_sitemap_index_source(server, client):
    server.add_fixture("/sitemap.xml", "sitemap_index.xml", content_type="application/xml")
    server.add_fixture("/sitemap-news.xml", "sitemap_news.xml", content_type="application/xml")
    server.add_fixture("/sitemap-old.xml", "sitemap_old.xml", content_type="application/xml")
    source = served_source(server, "/sitemap.xml", Source.Kind.SITEMAP)
    report = fetching.fetch_source(source.pk, client=client)
    assert report.new_items == 2  # articles 1 and 2; old.html is a 404 without a summary: skipped
    assert {n["code"] for n in report.notes} == {"article_skipped"}
    item = MonitoredItem.objects.get(normalized_url=server.url("/articles/1.html"))
    assert item.title == "市政府召开新闻发布会通报经济运行情况"


def test_list_page_sources(server, client):
    server.add_fixture("/local/", "list_selector.html")
    server.add_fixture("/local/articles/2.html", "article_2.html")
    by_selector = served_source(server, "/local/", Source.Kind.LIST_PAGE, link_selector="ul.news-list a")
    assert fetching.fetch_source(by_selector.pk, client=client).new_items == 2
    assert "/articles/ad-9999.html" not in server.paths()
    server.add_fixture("/list.html", "list_auto.html")
    auto = served_source(server, "/list.html", Source.Kind.LIST_PAGE)
    assert fetching.fetch_source(auto.pk, client=client).new_items == 3
    assert MonitoredItem.objects.filter(source=auto, title="全区秋粮收购工作有序推进").count() == 1


def test_robots_disallowed_source(server, client):
    server.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    source = served_source(server, "/feed.xml")
    report = fetching.fetch_source(source.pk, client=client)
    assert report.error_code == "robots_disallowed"
    assert "/feed.xml" not in server.paths()


def test_per_run_limit_leaves_the_rest_for_the_next_run(server, db):
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    source = served_source(server, "/feed.xml")
    with PoliteClient(FetchPolicy(**{**POLICY, "max_articles_per_run": 2})) as c:
        first = fetching.fetch_source(source.pk, client=c)
        assert first.new_items == 2
        assert {"code": "more_pending", "params": {"count": 1}} in first.notes
        source.refresh_from_db()
        assert source.content_hash == ""  # not remembered: the next run must read the feed again
        assert fetching.fetch_source(source.pk, client=c).new_items == 1
    assert MonitoredItem.objects.count() == 3


def test_unexpected_error_is_recorded_not_raised(server, client, monkeypatch):
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    source = served_source(server, "/feed.xml")

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(fetching, "parse_feed", explode)
    report = fetching.fetch_source(source.pk, client=client)
    assert report.error_code == "unexpected"
    source.refresh_from_db()
    assert source.last_error_params == {"detail": "RuntimeError"} and "boom" in source.last_error_detail


# -- scheduling -----------------------------------------------------------------------------------


def test_claims_are_exclusive(server, db):
    due = served_source(server, "/a.xml")
    later = served_source(server, "/b.xml", next_fetch_at=timezone.now() + timedelta(minutes=10))
    served_source(server, "/c.xml", enabled=False)
    now = timezone.now()
    assert fetching.claim_due_sources(now) == [due.pk]
    assert fetching.claim_due_sources(now) == []  # a second worker finds nothing left to claim
    due.refresh_from_db()
    assert due.next_fetch_at == now + timedelta(minutes=30)
    # a worker that read the old value loses the race
    assert not fetching.claim_source(due.pk, None, 30, now)
    assert fetching.claim_due_sources(now + timedelta(minutes=11)) == [later.pk]


def test_periodic_task_fetches_due_sources(server, db):
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    source = served_source(server, "/feed.xml")
    result = tasks.fetch_due_sources.enqueue()  # the test backend runs tasks inline
    assert result.return_value == [source.pk]
    assert MonitoredItem.objects.filter(source=source).count() == 3
    assert tasks.fetch_due_sources.enqueue().return_value == []  # not due again yet


def test_periodic_job_is_declared():
    from rongmei.core.scheduler import registered_jobs

    assert "rongmei.monitoring.sources.tasks.fetch_due_sources" in {
        job.task_path for job in registered_jobs()
    }


def test_fetch_sources_command(server, db, capsys):
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    server.add_fixture("/page.xml", "not_a_feed.html")
    good = served_source(server, "/feed.xml", name="好源", next_fetch_at=timezone.now() + timedelta(hours=1))
    call_command("fetch_sources", "--source", str(good.pk))
    assert f"[{good.pk}] 好源: 3 new" in capsys.readouterr().out
    bad = served_source(server, "/page.xml", name="坏源")
    with translation.override("en"), pytest.raises(CommandError, match="1 of 1 sources failed"):
        call_command("fetch_sources")  # only the due one
    assert "This address returned a web page, not a feed." in capsys.readouterr().out
    bad.refresh_from_db()
    assert bad.consecutive_failures == 1
    with pytest.raises(CommandError, match="No source with id 999"):
        call_command("fetch_sources", "--source", "999")


# -- model rules and admin -----------------------------------------------------------------------


def test_source_validation(db):
    source = Source(
        name="x", kind=Source.Kind.FEED, url="http://x.test/", category="local", fetch_interval_minutes=1
    )
    source.link_selector = "a"
    with translation.override("en"), pytest.raises(ValidationError) as info:
        source.full_clean()
    assert set(info.value.message_dict) == {"fetch_interval_minutes", "link_selector"}
    source = Source(
        name="x", kind=Source.Kind.LIST_PAGE, url="http://x.test/", category="local", link_selector="a["
    )
    with pytest.raises(ValidationError) as info:
        source.full_clean()
    assert "link_selector" in info.value.message_dict


def test_health_figures(server, client):
    region = Region.objects.create(name="测试区", slug="ceshiqu", level=Region.Level.DISTRICT)
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    source = served_source(server, "/feed.xml", region=region)
    fetching.fetch_source(source.pk, client=client)
    MonitoredItem.objects.filter(normalized_url=server.url("/articles/2.html")).update(
        fetched_at=timezone.now() - timedelta(days=2)
    )
    days, rows = source_health()
    assert len(days) == 7 and days[-1] == timezone.localdate()
    assert rows[0].per_day[-1] == 2 and rows[0].per_day[-3] == 1 and rows[0].week_total == 3
    assert rows[0].state == "ok"


def test_health_view_and_admin_menu(server, newsroom, client):
    server.add_fixture("/feed.xml", "not_a_feed.html")
    source = served_source(server, "/feed.xml", name="某县政府网")
    fetching.fetch_source(source.pk, client=client)
    from django.test import Client

    web = Client()
    web.force_login(newsroom.admin)
    response = web.get(reverse("monitoring_sources:health"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert "某县政府网" in html and "该地址返回的是网页，不是订阅源（RSS/Atom）。" in html
    assert "来源健康" in html
    assert web.get(reverse("wagtailsnippets_monitoring_source:list")).status_code == 200
    assert web.get(reverse("wagtailsnippets_monitoring_source:add")).status_code == 200
    assert (
        web.get(reverse("wagtailadmin_home")).content.decode().count(reverse("monitoring_sources:health"))
        >= 1
    )
    # fetched items can be read, not made up by hand
    assert web.get(reverse("wagtailsnippets_monitoring_monitoreditem:list")).status_code == 200
    refused = web.get(reverse("wagtailsnippets_monitoring_monitoreditem:add"))
    assert refused.status_code == 302 and refused.url == reverse(
        "wagtailadmin_home"
    )  # Wagtail's "permission denied"
    web.force_login(newsroom.reporter)
    refused = web.get(reverse("monitoring_sources:health"))
    assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))


# -- outbound: only public addresses (issue 8, point 3) -------------------------------------------

INTERNAL = [
    "http://127.0.0.1:8000/rss.xml",
    "http://localhost:8080/",
    "http://169.254.169.254/latest/meta-data/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://192.168.1.10/rss",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_source_addresses_are_refused_at_save(url, db, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    source = Source(name="内网", kind=Source.Kind.FEED, url=url, category="local")
    with translation.override("en"), pytest.raises(ValidationError) as info:
        source.full_clean()
    assert "intranet or local machine" in " ".join(info.value.message_dict["url"])


def test_the_allow_list_lets_an_intranet_source_be_saved(db, settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["192.168.1.0/24"]
    Source(name="内网", kind=Source.Kind.FEED, url="http://192.168.1.10/rss", category="local").full_clean()


def test_the_admin_form_refuses_a_loopback_source(newsroom, settings):
    from django.test import Client

    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    web = Client()
    web.force_login(newsroom.admin)
    web.cookies["django_language"] = "en"
    response = web.post(
        reverse("wagtailsnippets_monitoring_source:add"),
        {
            "name": "元数据",
            "kind": "feed",
            "url": "http://169.254.169.254/latest/meta-data/",
            "category": "local",
            "fetch_interval_minutes": "30",
            "enabled": "on",
        },
    )
    assert response.status_code == 200
    assert "(169.254.169.254)" in response.content.decode()
    assert not Source.objects.exists()


def test_a_refused_fetch_is_the_sources_error_in_plain_words(server, client, settings):
    server.add_fixture("/feed.xml", "rss.xml", content_type="application/rss+xml")
    source = served_source(server, "/feed.xml")  # stored before the rule, or by hand
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    report = fetching.fetch_source(source.pk, client=client)
    assert not report.ok and report.error_code == "outbound_refused"
    source.refresh_from_db()
    assert source.last_error_code == "outbound_refused" and source.consecutive_failures == 1
    with translation.override("en"):
        assert "(127.0.0.1)" in source.last_error_message
    assert server.paths() == []
