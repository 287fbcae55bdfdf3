"""舆情 in a real browser, the analyst's whole day (issue 4's "done when"): add ten sources and a
client's watchlist, fetch, see the items matched and grouped into events with sentiment, get one
alert (not fifty) on the negative spike, work it as a case, download the PDF report with its charts,
and see which sites reprinted our own story.

The ten sources are RSS feeds on a local server, carrying the demo's items (a water cut told by many
sites within hours, ordinary district news, and copies of a story we publish here)."""

import io
import re
from datetime import timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest
from django.core import mail
from django.utils import timezone

from rongmei.demo import monitoring_content as content
from rongmei.monitoring.models import Alert, Case, MonitoredItem, Reprint, Source
from rongmei.monitoring.tests.fetching_server import LocalServer
from rongmei.newsroom.models import Region
from rongmei.organisation import roles
from rongmei.testing import make_user

from .test_review_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUR_TITLE = "张店区32个老旧小区改造全部完工 惠及居民1.2万户"
OUR_BODY = (
    "<p>本报讯 记者从张店区住建局获悉，今年张店区实施的32个老旧小区改造项目已全部完工，惠及居民1.2万户。</p>"
    "<p>改造内容包括雨污分流、道路硬化、绿化提升和加装电梯等。住建局负责人介绍，改造前广泛征求居民意见，"
    "做到一小区一方案，施工期间设立临时通道，尽量减少对居民生活的影响。</p>"
    "<p>家住和平小区的李大爷说，以前一下雨楼前就积水，现在路平了、灯亮了，出门方便多了。"
    "明年，张店区计划再改造28个老旧小区，并同步推进完整社区建设。</p>"
)
ARTICLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">首页</a> | <a href="/news/">新闻</a></nav>
<article><h1>{title}</h1><p class="meta">{time}</p>{paragraphs}</article>
<footer>版权所有 © 本站</footer></body></html>"""


def feeds(server, story_text, now):
    """One RSS feed per demo source, each item linking to an article page on the same server."""
    items = {key: [] for key, *_rest in content.SOURCES}
    for hours, key, title, prefix, tail in content.WATER_SIGHTINGS:
        items[key].append((hours, title or content.WATER_TITLE, prefix + content.WATER_BODY + tail))
    for hours, key, title, body, _tail in content.OTHER_ITEMS:
        items[key].append((hours, title, body))
    for _story, hours, key in content.REPRINTS[:2]:
        items[key].append((hours, OUR_TITLE, story_text))
    number = 0
    for key, entries in items.items():
        rss = []
        for hours, title, body in entries:
            number += 1
            path = f"/{key}/a/{number:04d}.html"
            moment = now - timedelta(hours=hours)
            paragraphs = "".join(f"<p>{escape(part)}</p>" for part in body.split("\n") if part)
            server.add(
                path,
                ARTICLE.format(title=escape(title), time=moment.strftime("%Y-%m-%d %H:%M"), paragraphs=paragraphs),
            )
            rss.append(
                f"<item><title>{escape(title)}</title><link>{{{{BASE}}}}{path}</link>"
                f"<pubDate>{format_datetime(moment)}</pubDate><description>{escape(body[:60])}</description></item>"
            )
        server.add(
            f"/{key}/rss.xml",
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{key}</title><link>{{{{BASE}}}}/{key}/</link>{''.join(rss)}</channel></rss>",
            content_type="application/rss+xml; charset=utf-8",
        )


def choose(page, field, label):
    """Pick a snippet in Wagtail's chooser modal (foreign keys to snippets are choosers, not selects)."""
    page.locator(f"#id_{field}-chooser .chooser__choose-button").click()
    page.locator(".modal").get_by_role("link", name=label, exact=True).click()
    page.locator(f"#id_{field}-chooser").get_by_text(label).wait_for()


@pytest.fixture
def zhangdian(db):
    shandong = Region.objects.create(name="山东省", slug="shandong", level=1)
    zibo = Region.objects.create(name="淄博市", slug="zibo", level=2, parent=shandong)
    return Region.objects.create(name="张店区", slug="zhangdian", level=3, parent=zibo)


def test_analyst_day_from_sources_to_report_and_reprints(newsroom, zhangdian, live_server, new_page, settings):
    settings.MONITORING_FETCH = {"host_interval": 0, "retries": 0}
    # The monitored sites run on 127.0.0.1, which fetching refuses unless allowed like an intranet source.
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    # Our own site is the live server (localhost); the monitored sites are on 127.0.0.1, so their
    # copies of our story are not mistaken for our own pages.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    shots = settings.VAR_DIR
    make_user("analyst", roles.ANALYST, display_name="郑敏")
    story = newsroom.add_story(title=OUR_TITLE, body=OUR_BODY, publish=True)
    from rongmei.monitoring.events.reprints import story_text

    server = LocalServer().start()
    try:
        now = timezone.now()
        feeds(server, story_text(story), now)
        base_url = live_server.url
        page = new_page()
        log_in(page, base_url, "analyst")

        # 1. Ten sources at once, from the sources list's "import" button; one bad line first.
        page.goto(f"{base_url}/admin/snippets/monitoring/source/")
        page.get_by_role("link", name="批量导入来源").click()
        lines = [f"{name} {server.base}/{key}/rss.xml" for key, name, *_rest in content.SOURCES]
        page.fill("#id_addresses", "\n".join([*lines[:9], f"{content.SOURCES[9][1]} htp:/weibo"]))
        page.select_option("#id_category", "local")
        page.click("#source-import button[type=submit]")
        assert "第 10 行" in page.locator("#source-import").inner_text()
        assert Source.objects.count() == 0
        page.screenshot(path=str(shots / "monitoring-import.png"), full_page=True)
        page.fill("#id_addresses", page.input_value("#id_addresses").replace("htp:/weibo", f"{server.base}/weibo/rss.xml"))
        page.click("#source-import button[type=submit]")
        page.wait_for_url(re.compile(r"/admin/monitoring/health/$"))
        assert Source.objects.filter(enabled=True).count() == 10
        assert page.locator("#source-health tbody tr").count() == 10

        # 2. The client and its watchlist; a rule with an unbalanced parenthesis says where.
        page.goto(f"{base_url}/admin/snippets/monitoring/client/add/")
        page.fill("#id_name", content.CLIENT["name"])
        choose(page, "region", "山东省 / 淄博市 / 张店区")
        page.fill("#id_report_emails", "xuanchuan@zhangdian.example")
        page.click("form button[type=submit]:has-text('保存')")
        page.wait_for_url(re.compile(r"/admin/snippets/monitoring/client/$"))
        page.goto(f"{base_url}/admin/snippets/monitoring/watchrule/add/")
        choose(page, "client", content.CLIENT["name"])
        page.fill("#id_name", "张店民生热点")
        page.fill("#id_expression", "张店 AND (停水 OR 投诉")
        page.click("form button[type=submit]:has-text('保存')")
        error = page.locator(".error-message").first.inner_text()
        assert "括号" in error, error
        page.fill("#id_expression", "张店 AND (停水 OR 停电 OR 投诉 OR 维权)")
        page.click("form button[type=submit]:has-text('保存')")
        page.wait_for_url(re.compile(r"/admin/snippets/monitoring/watchrule/$"))

        # An alert rule for spikes, told in the admin and by e-mail.
        page.goto(f"{base_url}/admin/snippets/monitoring/alertrule/add/")
        choose(page, "client", content.CLIENT["name"])
        page.fill("#id_name", "张店热度突增")
        page.select_option("#id_kind", "spike")
        notify = page.locator("#id_notify_users")
        notify.select_option(notify.locator("option", has_text=re.compile("analyst|郑敏")).first.get_attribute("value"))
        page.fill("#id_emails", "yuqing@zhangdian.example")
        page.click("form button[type=submit]:has-text('保存')")
        page.wait_for_url(re.compile(r"/admin/snippets/monitoring/alertrule/$"))

        # 3. Fetch everything now (the worker runs in this process in tests).
        page.goto(f"{base_url}/admin/monitoring/health/")
        with page.expect_navigation(timeout=180_000):
            page.get_by_role("button", name="立即抓取全部启用的来源").click()
        assert page.locator("#source-health .source-failing").count() == 0
        assert MonitoredItem.objects.count() == len(content.WATER_SIGHTINGS) + len(content.OTHER_ITEMS) + 2
        page.screenshot(path=str(shots / "monitoring-health.png"), full_page=True)

        # 4. Matched items with sentiment; the water cut is one event, spiking, on top.
        page.goto(f"{base_url}/admin/monitoring/matches/")
        matches = page.locator("#matches").inner_text()
        assert "停水" in matches and "负面" in matches
        # A rule tried on what came in, before saving it: the list's "try a rule" button.
        page.goto(f"{base_url}/admin/snippets/monitoring/watchrule/")
        page.get_by_role("link", name="试跑规则").click()
        page.fill("#id_expression", "张店 AND 停水 NOT 供暖")
        page.click("#rule-trial button[type=submit]")
        assert "条命中" in page.locator("#trial-summary").inner_text()
        assert page.locator("#trial-hits mark", has_text="停水").count() > 0
        page.screenshot(path=str(shots / "monitoring-rule-trial.png"), full_page=True)

        page.goto(f"{base_url}/admin/monitoring/events/")
        top = page.locator("#events tbody tr").first
        assert "停水" in top.inner_text()
        assert top.locator(".spiking").count() == 1
        page.screenshot(path=str(shots / "monitoring-events.png"), full_page=True)
        top.locator("a").first.click()
        page.locator("#event-volume svg").wait_for()
        assert "负面" in page.locator("#event-items").inner_text()

        # 5. One alert, not one per copy; by e-mail once.
        alerts = Alert.objects.filter(rule__name="张店热度突增")
        assert alerts.count() == 1
        assert len([m for m in mail.outbox if "yuqing@zhangdian.example" in m.to]) == 1
        page.goto(f"{base_url}/admin/monitoring/alerts/")
        assert page.locator("#alerts tbody tr").count() == 1
        with page.expect_navigation():
            page.get_by_role("button", name="建立处置工单").click()
        case = Case.objects.get()
        assert case.owner.username == "analyst"

        # 6. Worked as a case: verifying with a note, then the response, then resolved.
        page.select_option("#form-state select[name$=state]", "verifying")
        page.fill("#form-state textarea[name$=note]", "已联系区住建局和供水公司核实停水原因。")
        with page.expect_navigation():
            page.click("#form-state button[type=submit]")
        page.fill("#form-response input[name$=response_url]", "https://www.zhangdian.example/notice/1.html")
        page.fill("#form-response textarea[name$=response_text]", "供水管网已抢修完毕，今日18时恢复供水。")
        with page.expect_navigation():
            page.click("#form-response button[type=submit]")
        page.select_option("#form-state select[name$=state]", "resolved")
        with page.expect_navigation():
            page.click("#form-state button[type=submit]")
        case.refresh_from_db()
        assert case.state == "resolved"
        timeline = page.locator("#case-timeline").inner_text()
        assert "已联系区住建局" in timeline and "恢复供水" in page.content()
        page.screenshot(path=str(shots / "monitoring-case.png"), full_page=True)

        # 7. Today's daily report, downloaded as a PDF with its charts.
        page.goto(f"{base_url}/admin/monitoring/reports/")
        page.select_option("#id_client", label=content.CLIENT["name"])
        page.fill("#id_day", timezone.localdate().isoformat())
        with page.expect_navigation(timeout=120_000):
            page.click("#generate-report button[type=submit]")
        with page.expect_download() as download:
            page.locator("#reports").get_by_role("link", name="下载 PDF").first.click()
        data = open(download.value.path(), "rb").read()
        assert data.startswith(b"%PDF")
        from pypdf import PdfReader

        pdf = PdfReader(io.BytesIO(data))
        text = "".join(p.extract_text() for p in pdf.pages)
        assert content.CLIENT["name"] in text and "停水" in text
        # The charts are drawn as vector paths: the first page carries many drawing operators.
        assert pdf.pages[0].get_contents().get_data().count(b" l\n") > 20

        # 8. Who reprinted our story, and whether they may.
        page.goto(f"{base_url}/admin/monitoring/reprints/")
        reprints = page.locator("#reprints").inner_text()
        assert OUR_TITLE in reprints
        assert set(Reprint.objects.values_list("item__source__name", flat=True)) == {"淄博本地宝", "头条号·淄博身边事"}
        page.screenshot(path=str(shots / "monitoring-reprints.png"), full_page=True)
    finally:
        server.stop()
