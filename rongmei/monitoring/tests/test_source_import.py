"""Adding many sources at once (pasted lines or OPML) and "fetch now" from the health page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from rongmei.monitoring.models import MonitoredItem, Source
from rongmei.monitoring.sources import imports as source_import
from rongmei.monitoring.sources import services as fetching
from rongmei.organisation import roles
from rongmei.testing import login, make_user

from .fetching_server import LocalServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # The service's messages are matched by their English msgids, whatever language is active;
    # the pages (requests) still come in the site's language.
    with translation.override("en"):
        yield


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>淄博媒体</title></head>
  <body>
    <outline text="省级媒体">
      <outline text="大众网" type="rss" xmlUrl="https://www.dzwww.com/rss/zibo.xml"/>
      <outline title="齐鲁网" text="ignored" type="rss" xmlUrl="https://www.iqilu.com/rss.xml"/>
    </outline>
    <outline text="鲁中网" type="rss" xmlUrl="http://www.lznews.cn/rss.xml"/>
  </body>
</opml>"""


@pytest.fixture
def analyst(newsroom):
    return make_user("analyst", roles.ANALYST, display_name="钱分析")


def test_lines_read_names_on_either_side_and_report_bad_lines_by_number():
    lines, errors = source_import.parse_lines(
        "人民网山东频道 http://sd.people.com.cn/rss/zibo.xml\n"
        "https://www.zibo.gov.cn/sitemap.xml，淄博市政府\n"
        "\n# 论坛\n"
        "鲁中论坛https://bbs.luzhong.cn/forum-12-1.html\n"
        "www.dzwww.com/rss.xml\n"
        "只有名字没有地址\n"
        "https://a.cn/1 https://b.cn/2\n"
        "坏地址 http://exa mple\n"
    )
    assert [(line.number, line.name, line.url) for line in lines] == [
        (1, "人民网山东频道", "http://sd.people.com.cn/rss/zibo.xml"),
        (2, "淄博市政府", "https://www.zibo.gov.cn/sitemap.xml"),
        (5, "鲁中论坛", "https://bbs.luzhong.cn/forum-12-1.html"),
        (6, "www.dzwww.com", "https://www.dzwww.com/rss.xml"),
    ]
    assert [error.split(":")[0] for error in errors] == ["Line 7", "Line 8", "Line 9"]
    assert "只有名字没有地址" in errors[0]


def test_plan_skips_watched_addresses_and_repeats(newsroom):
    watched = Source.objects.create(
        name="大众网", url="https://www.dzwww.com/rss/zibo.xml", category="provincial"
    )
    plan = source_import.plan_import(
        "大众网 HTTPS://WWW.DZWWW.COM/rss/zibo.xml#top\n"
        "鲁中网 http://www.lznews.cn/rss.xml\n"
        "鲁中网又一次 http://www.lznews.cn/rss.xml?utm_source=x\n"
    )
    assert plan.errors == []
    assert [line.name for line in plan.new] == ["鲁中网"]
    assert [source for _line, source in plan.already_watched] == [watched]
    assert [line.number for line in plan.repeated] == [3]


def test_empty_and_oversized_input_are_refused_with_a_reason():
    assert source_import.plan_import("\n# only a comment\n").errors == [
        "There is no address to import. Paste one address per line."
    ]
    many = "\n".join(f"https://site{n}.cn/rss.xml" for n in range(source_import.MAX_LINES + 1))
    assert "more than 500" in source_import.plan_import(many).errors[0]


def test_opml_feeds_become_lines_and_broken_files_say_why():
    assert source_import.opml_to_text(OPML.encode()).splitlines() == [
        "大众网 https://www.dzwww.com/rss/zibo.xml",
        "齐鲁网 https://www.iqilu.com/rss.xml",
        "鲁中网 http://www.lznews.cn/rss.xml",
    ]
    cases = {
        b"<html><body>feeds</body></html>": "root element is <html>",
        b"\xef\xbb\xbfnot xml at all": "not an OPML outline",
        b'<opml><body><outline text="folder"/></body></opml>': "no feeds",
        # An external entity is refused, never read.
        b'<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body>'
        b'<outline text="&x;" xmlUrl="https://a.cn/rss"/></body></opml>': "external entity",
    }
    for data, expected in cases.items():
        with pytest.raises(source_import.OPMLError) as raised:
            source_import.opml_to_text(data)
        assert expected in str(raised.value)


def test_import_page_adds_all_or_nothing_and_keeps_the_text(client, analyst, newsroom):
    login(client, analyst)
    url = reverse("monitoring_sources:import")
    form = {
        "kind": "feed",
        "category": "local",
        "fetch_interval_minutes": "15",
        "enabled": "on",
        "addresses": "鲁中网 http://www.lznews.cn/rss.xml\n淄博晚报 htp//zbwb.cn/rss\n",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "第 2 行" in page  # the page is in the site's language
    assert "淄博晚报 htp//zbwb.cn/rss" in page  # kept for correcting
    assert not Source.objects.exists()

    form["addresses"] = "鲁中网 http://www.lznews.cn/rss.xml\n淄博晚报 http://zbwb.cn/rss\n"
    response = client.post(url, {**form, "opml": SimpleUploadedFile("feeds.opml", OPML.encode())})
    assert response.status_code == 302 and response["Location"] == reverse("monitoring_sources:health")
    sources = Source.objects.order_by("name")
    assert sorted(source.name for source in sources) == sorted(["鲁中网", "淄博晚报", "大众网", "齐鲁网"])
    assert {(s.kind, s.category, s.fetch_interval_minutes, s.enabled) for s in sources} == {
        ("feed", "local", 15, True)
    }


def test_import_page_shows_a_broken_opml_on_the_file_field(client, analyst):
    login(client, analyst)
    response = client.post(
        reverse("monitoring_sources:import"),
        {
            "kind": "feed",
            "category": "local",
            "fetch_interval_minutes": "30",
            "addresses": "鲁中网 http://www.lznews.cn/rss.xml",
            "opml": SimpleUploadedFile("feeds.opml", b"<html>no</html>"),
        },
    )
    assert response.status_code == 200
    assert "文件是 XML 但不是 OPML" in response.content.decode()
    assert "http://www.lznews.cn/rss.xml" in response.content.decode()
    assert not Source.objects.exists()


def test_only_staff_who_may_add_sources_import(client, newsroom):
    Source.objects.create(name="本地", url="http://127.0.0.1:9/rss.xml", category="local")
    login(client, newsroom.reporter)
    # Wagtail's admin answers a refused page with a redirect to the dashboard and a message.
    for response in (
        client.get(reverse("monitoring_sources:import")),
        client.post(reverse("monitoring_sources:fetch_all")),
    ):
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert Source.objects.get().last_fetched_at is None


def test_importing_and_fetching_now_need_the_right_whoever_calls(newsroom, allow_loopback):
    plan = source_import.plan_import("本地 http://127.0.0.1:9/rss.xml")
    with pytest.raises(PermissionDenied):
        source_import.import_sources(plan, kind="feed", category="local", acting_user=newsroom.reporter)
    assert not Source.objects.exists()
    [source] = source_import.import_sources(plan, kind="feed", category="local", acting_user=None)
    with pytest.raises(PermissionDenied):
        fetching.queue_fetch_now([source], acting_user=newsroom.reporter)
    source.refresh_from_db()
    assert source.next_fetch_at is None  # not moved: nothing was queued


FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>张店区召开会议</title><link>{base}/a/1.html</link><description>张店区召开会议，部署工作。</description></item>
</channel></rss>"""
ARTICLE = "<html><body><article><h1>张店区召开会议</h1><p>张店区召开会议，部署冬季供暖保障工作，要求各部门做好准备。</p></article></body></html>"


def test_fetch_now_fetches_on_the_worker_and_the_health_page_shows_it(
    client, analyst, settings, on_commit, allow_loopback
):
    settings.MONITORING_FETCH = {"host_interval": 0, "retries": 0}
    server = LocalServer().start()
    try:
        server.add("/rss.xml", FEED.replace("{base}", "{{BASE}}"), content_type="application/rss+xml")
        server.add("/a/1.html", ARTICLE)
        on = Source.objects.create(name="本地", url=f"{server.base}/rss.xml", category="local")
        off = Source.objects.create(
            name="停用", url=f"{server.base}/none.xml", category="local", enabled=False
        )
        login(client, analyst)
        with on_commit():
            response = client.post(reverse("monitoring_sources:fetch_all"), follow=True)
        assert MonitoredItem.objects.filter(source=on).count() == 1
        off.refresh_from_db()
        assert off.last_fetched_at is None  # "all" means the enabled ones
        assert "正在抓取 1 个来源" in response.content.decode()  # "all" is the one enabled source

        # One source on its own, even a disabled one: trying it before switching it on.
        with on_commit():
            client.post(reverse("monitoring_sources:fetch", args=[off.pk]))
        off.refresh_from_db()
        assert off.last_error_code == "not_found"
        page = client.get(reverse("monitoring_sources:health")).content.decode()
        assert f'action="{reverse("monitoring_sources:fetch", args=[on.pk])}"' in page
    finally:
        server.stop()


def test_internal_addresses_are_refused_with_their_line_number(settings):
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = []
    text = "\n".join(
        [
            "大众网 https://www.dzwww.com/rss/zibo.xml",
            "本机 http://127.0.0.1:8000/rss.xml",
            "元数据 http://169.254.169.254/latest/meta-data/",
            "IPv6 http://[::1]:8080/feed",
        ]
    )
    plan = source_import.plan_import(text)
    assert [e.split(":")[0] for e in plan.errors] == ["Line 2", "Line 3", "Line 4"]
    assert "(127.0.0.1)" in plan.errors[0] and "(169.254.169.254)" in plan.errors[1]
    assert "(::1)" in plan.errors[2]
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32", "169.254.169.254/32", "::1/128"]
    assert source_import.plan_import(text).errors == []
