"""舆情报告: the numbers of a known period, the SVG charts, HTML and PDF, e-mail, the hourly
schedule and the admin screens."""

import importlib
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from rongmei.core.scheduler import registered_jobs
from rongmei.monitoring.events import charts
from rongmei.monitoring.models import (
    Case,
    Client,
    Event,
    ItemAnalysis,
    ItemGroup,
    MonitoredItem,
    Report,
    Reprint,
    RuleMatch,
    Source,
    WatchRule,
)
from rongmei.monitoring.reports import services as reports
from rongmei.monitoring.reports import tasks as tasks_reports
from rongmei.organisation import roles
from rongmei.testing import make_user

from .fetching_server import LocalServer

DAY = date(2026, 3, 2)  # a Monday, so its week starts on DAY too


def at(day, hour, minute=0):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


class World:
    """One client with a known day of items, and the noise a report must leave out."""

    def __init__(self, newsroom):
        self.client = Client.objects.create(
            name="城东区人民政府",
            report_emails="office@chengdong.example\nnot an address\n\nweb@chengdong.example",
        )
        self.other = Client.objects.create(name="城西区人民政府", report_emails="x@chengxi.example")
        self.rule1 = WatchRule.objects.create(client=self.client, name="区名", expression="城东区")
        self.rule2 = WatchRule.objects.create(client=self.client, name="书记", expression="person:张三")
        other_rule = WatchRule.objects.create(client=self.other, name="区名", expression="城西区")
        self.paper = Source.objects.create(
            name="东方日报", url="https://paper.example/feed", category=Source.Category.PROVINCIAL
        )
        self.forum = Source.objects.create(
            name="城东论坛", url="https://bbs.example/", category=Source.Category.FORUM
        )
        self.central = Source.objects.create(
            name="新华网", url="https://news.example/", category=Source.Category.CENTRAL
        )
        self.event_big = Event.objects.create(
            title="城东区化工厂异味",
            first_seen_at=at(DAY, 8),
            last_seen_at=at(DAY, 9),
            heat=80,
            item_count=40,
        )
        self.event_small = Event.objects.create(
            title="城东区道路施工", first_seen_at=at(DAY, 9), last_seen_at=at(DAY, 9), heat=30, item_count=3
        )
        self.event_elsewhere = Event.objects.create(
            title="前一天的事件", first_seen_at=at(DAY, 0), last_seen_at=at(DAY, 0), heat=99
        )
        g_big = ItemGroup.objects.create(first_seen_at=at(DAY, 8), event=self.event_big)
        g_small = ItemGroup.objects.create(first_seen_at=at(DAY, 9), event=self.event_small)
        g_none = ItemGroup.objects.create(first_seen_at=at(DAY, 14))
        g_before = ItemGroup.objects.create(first_seen_at=at(DAY, 0), event=self.event_elsewhere)
        n = iter(range(1000))

        def item(
            source, when, sentiment=None, probability=0.9, group=g_none, rules=(), url=None, fetched=None
        ):
            number = next(n)
            obj = MonitoredItem.objects.create(
                source=source,
                url=url or f"https://{source.pk}.example/a/{number}.html",
                normalized_url=f"https://{source.pk}.example/a/{number}.html",
                title=f"稿件{number}",
                published_at=when,
                fetched_at=fetched or (when + timedelta(minutes=5)),
            )
            if sentiment:
                ItemAnalysis.objects.create(
                    item=obj,
                    group=group,
                    signature=b"",
                    sentiment=sentiment,
                    sentiment_probability=probability,
                    analysed_at=obj.fetched_at,
                )
            for rule in rules:
                RuleMatch.objects.create(item=obj, rule=rule, client=rule.client, matched_at=obj.fetched_at)
            return obj

        neg, neu, pos = (
            ItemAnalysis.Sentiment.NEGATIVE,
            ItemAnalysis.Sentiment.NEUTRAL,
            ItemAnalysis.Sentiment.POSITIVE,
        )
        both = (self.rule1, self.rule2)
        # Matched by both rules: still one item.
        self.i1 = item(self.paper, at(DAY, 8, 10), neg, 0.91, g_big, both)
        self.i2 = item(self.forum, at(DAY, 8, 40), neg, 0.75, g_big, (self.rule1,))
        self.i3 = item(self.forum, at(DAY, 9, 5), neu, 0.8, g_small, (self.rule1,))
        self.i4 = item(self.forum, at(DAY, 14, 30), pos, 0.7, g_none, (self.rule2,))
        # No publication date: counted when fetched; its address is not a web link.
        self.i5 = item(
            self.central,
            None,
            neg,
            0.66,
            g_none,
            (self.rule1,),
            url="javascript:alert(1)",
            fetched=at(DAY, 14, 50),
        )
        self.i6 = item(self.paper, at(DAY, 23, 59), None, rules=(self.rule1,))  # not analysed yet
        # Noise: the day before, another client's, matched by nobody.
        self.before = item(self.paper, at(DAY, 0) - timedelta(minutes=1), neg, 0.99, g_before, (self.rule1,))
        item(self.forum, at(DAY, 10), neg, 0.99, g_none, (other_rule,))
        item(self.forum, at(DAY, 11), neg, 0.99, g_none, ())
        # Later in the week, for the weekly report.
        self.wed = item(self.forum, at(DAY + timedelta(days=2), 12), neu, 0.6, g_none, (self.rule1,))

        self.case_open = Case.objects.create(
            client=self.client,
            title="回应化工厂异味",
            state=Case.State.RESPONDING,
            created_at=at(DAY, 9),
            owner=newsroom.admin,
        )
        self.case_done = Case.objects.create(
            client=self.client,
            title="施工扰民",
            state=Case.State.RESOLVED,
            created_at=at(DAY - timedelta(days=3), 9),
            resolved_at=at(DAY, 10),
        )
        Case.objects.create(  # resolved before the day
            client=self.client,
            title="旧案",
            state=Case.State.RESOLVED,
            created_at=at(DAY - timedelta(days=5), 9),
            resolved_at=at(DAY - timedelta(days=1), 9),
        )
        Case.objects.create(client=self.other, title="别人的案子", created_at=at(DAY, 9))

        story = newsroom.add_story(title="城东区召开发布会", publish=True)
        Reprint.objects.create(
            story=story, item=self.i3, site="bbs.example", similarity=0.95, found_at=at(DAY, 10)
        )
        Reprint.objects.create(
            story=story,
            item=self.i4,
            site="bbs.example",
            similarity=0.9,
            authorised=True,
            found_at=at(DAY, 15),
        )
        self.story = story


@pytest.fixture
def world(newsroom):
    return World(newsroom)


def daily_bounds():
    return reports.period_bounds(Report.Period.DAILY, DAY)


# --- the numbers ---------------------------------------------------------------------------------
def test_report_data_of_a_day(world):
    data = reports.report_data(world.client, *daily_bounds())
    assert data.hourly and data.total_items == 6
    assert len(data.volume) == 24 and data.volume[0].label == "00" and data.volume[23].label == "23"
    assert {b.label: b.count for b in data.volume if b.count} == {"08": 2, "09": 1, "14": 2, "23": 1}
    assert data.peak.label == "08"

    shares = {s.key: (s.count, round(s.share, 4)) for s in data.sentiment}
    assert shares == {
        "negative": (3, 0.5),
        "neutral": (1, 0.1667),
        "positive": (1, 0.1667),
        "unanalysed": (1, 0.1667),
    }
    assert data.negative_total == 3 and data.negative_percent == "50.0%"

    assert [(e.title, e.period_items) for e in data.top_events] == [
        ("城东区化工厂异味", 2),
        ("城东区道路施工", 1),
    ]
    assert [(s["name"], s["items"], s["negative"]) for s in data.top_sources] == [
        ("城东论坛", 3, 1),
        ("东方日报", 2, 1),
        ("新华网", 1, 1),
    ]
    # i1 and i2 are copies of one text (one group): one row, its first copy, its best probability
    assert [i.pk for i in data.negative_items] == [world.i1.pk, world.i5.pk]
    assert [(i.copies, i.sites) for i in data.negative_items] == [(2, 2), (1, 1)]
    assert data.negative_texts == 2
    assert data.negative_items[0].source.name == "东方日报"
    assert data.negative_items[0].probability == 0.91
    assert data.negative_items[1].at == at(DAY, 14, 50)  # the fetch time stands in for the date

    assert [c.pk for c in data.cases] == [world.case_open.pk, world.case_done.pk]
    assert {row["state"]: row["count"] for row in data.case_states} == {
        "new": 0,
        "verifying": 0,
        "responding": 1,
        "resolved": 1,
    }
    assert data.reprint_total == 2
    assert data.reprint_stories == [
        {
            "story_id": world.story.pk,
            "title": "城东区召开发布会",
            "reprints": 2,
            "unauthorised": 1,
            "sites": 1,
        }
    ]


def test_report_data_of_a_week_counts_per_day(world):
    data = reports.report_data(
        world.client, *reports.period_bounds(Report.Period.WEEKLY, DAY + timedelta(days=3))
    )
    assert not data.hourly and data.total_items == 7
    assert [(b.label, b.count) for b in data.volume] == [
        ("03-02", 6),
        ("03-03", 0),
        ("03-04", 1),
        ("03-05", 0),
        ("03-06", 0),
        ("03-07", 0),
        ("03-08", 0),
    ]


def test_report_data_query_count_does_not_grow_with_items(world):
    bounds = daily_bounds()
    with CaptureQueriesContext(connection) as first:
        reports.report_data(world.client, *bounds)
    group = ItemGroup.objects.create(first_seen_at=at(DAY, 12), event=world.event_small)
    for number in range(30):
        extra = MonitoredItem.objects.create(
            source=world.central,
            url=f"https://x.example/{number}",
            normalized_url=f"https://x.example/{number}",
            published_at=at(DAY, 12),
            fetched_at=at(DAY, 12),
        )
        ItemAnalysis.objects.create(
            item=extra,
            group=group,
            signature=b"",
            sentiment="negative",
            sentiment_probability=0.5,
            analysed_at=at(DAY, 12),
        )
        RuleMatch.objects.create(item=extra, rule=world.rule1, client=world.client, matched_at=at(DAY, 12))
    with CaptureQueriesContext(connection) as second:
        data = reports.report_data(world.client, *bounds)
    assert data.total_items == 36 and data.negative_total == 33
    assert len(second.captured_queries) == len(first.captured_queries) <= 12


# --- charts --------------------------------------------------------------------------------------
def test_bar_chart_has_a_bar_per_bucket_with_labels():
    bars = [charts.Bar("08", 2), charts.Bar("09", 5), charts.Bar("", 0), charts.Bar("<b>", 1)]
    svg = charts.bar_chart(bars, title="声量走势", x_label="小时", y_label="条数")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('<rect class="bar"') == 4
    assert 'data-label="09" data-value="5"' in svg
    assert ">声量走势</text>" in svg and ">小时</text>" in svg and ">条数</text>" in svg
    assert "Noto Sans CJK SC" in svg
    assert "&lt;b&gt;" in svg and "<b>" not in svg  # labels are escaped
    # y axis up to the next round number with whole ticks: 0 1 2 3 4 5
    assert re.findall(r'<text class="tick"[^>]*>(\d+)</text>', svg) == ["0", "1", "2", "3", "4", "5"]
    # the tallest bar fills the plot (240 - 30 - 48 = 162 high), the empty one is flat
    assert 'data-value="5" x=' in svg and 'height="162"' in svg and 'height="0"' in svg
    assert charts.bar_chart(bars, title="声量走势", x_label="小时", y_label="条数") == svg


def test_stacked_share_bar_shows_shares_and_legend():
    svg = charts.stacked_share_bar(
        [
            charts.Segment("negative", "负面", 3),
            charts.Segment("neutral", "中性", 1),
            charts.Segment("positive", "正面", 0),
        ],
        title="情感占比",
        empty_text="无",
    )
    assert svg.count('<rect class="segment"') == 2  # an empty share draws no segment
    assert 'data-key="negative" data-count="3" data-share="0.750"' in svg
    assert "负面 3 (75.0%)" in svg and "中性 1 (25.0%)" in svg and "正面 0 (0.0%)" in svg
    empty = charts.stacked_share_bar(
        [charts.Segment("negative", "负面", 0)], title="情感占比", empty_text="本期无数据"
    )
    assert "本期无数据" in empty and 'class="segment"' not in empty


def test_report_charts_use_the_report_numbers(world):
    data = reports.report_data(world.client, *daily_bounds())
    volume = reports.volume_chart(data)
    assert volume.count('<rect class="bar"') == 24
    assert 'data-label="08" data-value="2"' in volume and 'data-label="14" data-value="2"' in volume
    sentiment = reports.sentiment_chart(data)
    assert 'data-key="negative" data-count="3" data-share="0.500"' in sentiment


# --- rendering -----------------------------------------------------------------------------------
def test_weasyprint_system_libraries_are_installed():
    try:
        reports._weasyprint()
    except reports.ReportError as error:
        pytest.fail(error.message)


def test_missing_system_libraries_name_the_install_script(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    with translation.override("en"), pytest.raises(reports.ReportError) as info:
        reports.render_pdf("<p>x</p>")
    assert "scripts/install-system-deps.sh" in info.value.message and "libpango" in info.value.message


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_fonts(data: bytes) -> set[str]:
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_generate_report_html_pdf_and_regeneration(world, newsroom, on_commit):
    report = reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=newsroom.admin)
    assert report.starts_at == at(DAY, 0) and report.ends_at == at(DAY + timedelta(days=1), 0)
    assert report.generated_by == newsroom.admin
    html = report.html
    for section in ("summary", "volume", "sentiment", "events", "sources", "negative", "cases", "reprints"):
        assert f'<section id="{section}">' in html
    assert "城东区人民政府" in html and "<svg" in html and "<script" not in html
    assert f'<a href="{world.i1.url}">稿件' in html  # negative items link to the original
    # an address that is not a web link is listed by its title, never as a link
    assert f"<td>{world.i5.title}</td>" in html and "javascript:" not in html
    assert "城东区化工厂异味" in html and "回应化工厂异味" in html and "城东区召开发布会" in html
    assert "城西区" not in html and "旧案" not in html and "前一天的事件" not in html
    assert "Noto Sans CJK SC" in html
    peak = re.search(r'<p id="peak">(.*?)</p>', html, re.S).group(1)
    assert "08:00" in peak and "2" in peak.replace("08:00", "")

    report.pdf.open("rb")
    pdf = report.pdf.read()
    report.pdf.close()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "城东区人民政府" in text and "城东区化工厂异味" in text
    # Chinese set in Noto Sans CJK SC (simplified forms), as the stylesheet asks
    assert any("NotoSansCJKSC" in name.replace("-", "") for name in pdf_fonts(pdf))

    first_file = report.pdf.name
    with on_commit():  # the old file goes once the new row is saved
        again = reports.generate_report(
            world.client, Report.Period.DAILY, at(DAY, 15), acting_user=None
        )  # any time of the day
    assert again.pk == report.pk and Report.objects.count() == 1
    assert again.generated_by is None and again.pdf.name != first_file
    assert not report.pdf.storage.exists(first_file)  # the old PDF is removed, not left behind


def test_weekly_report_covers_the_week(world):
    report = reports.generate_report(
        world.client, Report.Period.WEEKLY, DAY + timedelta(days=4), acting_user=None
    )
    assert report.starts_at == at(DAY, 0) and report.ends_at == at(DAY + timedelta(days=7), 0)
    assert 'data-label="03-04" data-value="1"' in report.html
    assert report.period == "weekly" and Report.objects.count() == 1


def test_rendering_fetches_nothing_from_the_network():
    server = LocalServer().start()
    try:
        server.add("/pixel.png", b"\x89PNG", content_type="image/png")
        html = (
            f'<html><head><link rel="stylesheet" href="{server.url("/style.css")}"></head>'
            f'<body><p>报告</p><img src="{server.url("/pixel.png")}"></body></html>'
        )
        pdf = reports.render_pdf(html)
    finally:
        server.stop()
    assert pdf.startswith(b"%PDF") and server.requests == []


# --- e-mail --------------------------------------------------------------------------------------
def test_email_report_sends_the_pdf_to_valid_recipients(world):
    report = reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=None)
    sent_to = reports.email_report(report, acting_user=None)
    assert sent_to == ["office@chengdong.example", "web@chengdong.example"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == sent_to and "城东区人民政府" in message.subject and "2026-03-02" in message.subject
    ((filename, content, mimetype),) = message.attachments
    assert filename == "城东区人民政府舆情日报-2026-03-02.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    report.refresh_from_db()
    assert report.emailed_at is not None


def test_email_report_without_recipients_says_so(world):
    world.client.report_emails = "nobody at all"
    world.client.save()
    report = reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=None)
    with translation.override("en"), pytest.raises(reports.ReportError, match="no valid report recipients"):
        reports.email_report(report, acting_user=None)
    assert mail.outbox == []


# --- schedule ------------------------------------------------------------------------------------
def test_reports_job_is_scheduled_hourly():
    job = next(job for job in registered_jobs() if job.name == "monitoring_reports")
    assert job.every_minutes == 60 and job.task_path == "rongmei.monitoring.reports.tasks.send_due_reports"


def test_scheduled_reports_are_generated_and_sent_once(world):
    Client.objects.create(name="停用客户", report_emails="off@example.test", active=False)
    tuesday = DAY + timedelta(days=1)
    assert reports.send_due_reports(now=at(tuesday, 6, 59)) == []  # before 07:00 nothing is due
    done = reports.send_due_reports(now=at(tuesday, 7, 0))
    assert len(done) == 2  # both active clients, yesterday's daily report
    assert set(Report.objects.values_list("client__name", "period", "starts_at")) == {
        ("城东区人民政府", "daily", at(DAY, 0)),
        ("城西区人民政府", "daily", at(DAY, 0)),
    }
    assert len(mail.outbox) == 2 and all(m.attachments for m in mail.outbox)
    # the next hourly runs find nothing to do
    assert reports.send_due_reports(now=at(tuesday, 8, 0)) == []
    assert reports.send_due_reports(now=at(tuesday, 23, 0)) == []
    assert Report.objects.count() == 2 and len(mail.outbox) == 2

    # Monday after 07:00: Sunday's daily report and last week's weekly report
    monday = DAY + timedelta(days=7)
    reports.send_due_reports(now=at(monday, 7, 30))
    weekly = Report.objects.get(client=world.client, period="weekly")
    assert weekly.starts_at == at(DAY, 0) and weekly.emailed_at is not None
    assert Report.objects.filter(period="daily", starts_at=at(DAY + timedelta(days=6), 0)).count() == 2
    assert reports.send_due_reports(now=at(monday, 8, 30)) == []
    assert Report.objects.filter(period="weekly").count() == 2


def test_a_report_made_before_its_day_was_over_is_redone_once(world):
    partial = reports.generate_report(
        world.client, Report.Period.DAILY, DAY, now=at(DAY, 12), acting_user=None
    )
    done = reports.send_due_reports(now=at(DAY + timedelta(days=1), 7, 0))
    assert partial.pk in done
    partial.refresh_from_db()
    assert partial.generated_at == at(DAY + timedelta(days=1), 7, 0) and partial.emailed_at is not None
    assert reports.send_due_reports(now=at(DAY + timedelta(days=1), 8, 0)) == []


def test_one_failing_client_does_not_stop_the_others(world, monkeypatch):
    real = reports.render_html

    def broken_for_one(data, period, **kwargs):
        if data.client.pk == world.client.pk:
            raise RuntimeError("template broke")
        return real(data, period, **kwargs)

    monkeypatch.setattr(reports, "render_html", broken_for_one)
    done = reports.send_due_reports(now=at(DAY + timedelta(days=1), 7, 0))
    assert list(Report.objects.values_list("client_id", flat=True)) == [world.other.pk]
    assert len(done) == 1
    monkeypatch.setattr(reports, "render_html", real)
    # the failed claim was released: the next hour tries again
    assert len(reports.send_due_reports(now=at(DAY + timedelta(days=1), 8, 0))) == 1
    assert Report.objects.count() == 2


def test_generate_now_task(world, newsroom):
    report_id = tasks_reports.generate_report_now.call(
        world.client.pk, "daily", DAY.isoformat(), newsroom.admin.pk, True
    )
    report = Report.objects.get(pk=report_id)
    assert report.generated_by == newsroom.admin and report.emailed_at is not None and len(mail.outbox) == 1


# --- admin ---------------------------------------------------------------------------------------
@pytest.fixture
def web(newsroom):
    analyst = make_user("analyst", roles.ANALYST)
    profile = UserProfile.get_for_user(analyst)
    profile.preferred_language = "en"
    profile.save()
    client = WebClient()
    client.force_login(analyst)
    client.user = analyst
    return client


def test_admin_list_generate_view_download_and_email(world, web):
    url = reverse("monitoring_reports:index")
    response = web.get(url)
    assert response.status_code == 200 and "No reports yet." in response.content.decode()
    assert url in web.get(reverse("wagtailadmin_home")).content.decode()  # the menu entry

    response = web.post(url, {"client": world.client.pk, "period": "daily", "day": "2026-03-02"})
    assert response.status_code == 302 and response.url == f"{url}?client={world.client.pk}"
    report = Report.objects.get()
    assert report.generated_by == web.user and report.starts_at == at(DAY, 0)

    page = web.get(response.url).content.decode()
    assert "城东区人民政府" in page and "2026-03-02" in page and "<td>analyst</td>" in page  # made by
    assert reverse("monitoring_reports:pdf", args=[report.pk]) in page
    assert "城东区人民政府 daily 2026-03-02 was generated." in page

    html = web.get(reverse("monitoring_reports:html", args=[report.pk]))
    assert html.status_code == 200 and "default-src 'none'" in html["Content-Security-Policy"]
    assert '<section id="negative">' in html.content.decode()

    pdf = web.get(reverse("monitoring_reports:pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert "2026-03-02.pdf" in pdf["Content-Disposition"]
    assert "%E5%9F%8E%E4%B8%9C%E5%8C%BA" in pdf["Content-Disposition"]  # 城东区, RFC 5987-encoded
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    sent = web.post(
        reverse("monitoring_reports:email", args=[report.pk]), {"next": f"{url}?client={world.client.pk}"}
    )
    assert sent.status_code == 302 and sent.url == f"{url}?client={world.client.pk}"
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments
    assert "office@chengdong.example" in web.get(sent.url).content.decode()


def test_admin_form_rejects_a_bad_date_and_keeps_the_input(world, web):
    response = web.post(
        reverse("monitoring_reports:index"),
        {"client": world.client.pk, "period": "weekly", "day": "2026-13-45"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert f"“2026-13-45” is not a date. Write it like {today}." in page
    assert 'value="2026-13-45"' in page and Report.objects.count() == 0

    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = web.post(
        reverse("monitoring_reports:index"), {"client": world.client.pk, "period": "daily", "day": future}
    )
    assert "is in the future" in response.content.decode() and Report.objects.count() == 0


def test_admin_email_without_recipients_shows_a_message(world, web):
    report = reports.generate_report(world.other, Report.Period.DAILY, DAY, acting_user=None)
    world.other.report_emails = ""
    world.other.save()
    response = web.post(reverse("monitoring_reports:email", args=[report.pk]), follow=True)
    assert "城西区人民政府 has no valid report recipients" in response.content.decode()
    assert mail.outbox == []


def test_reports_need_the_view_client_permission(world, newsroom):
    report = reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=None)
    client = WebClient()
    client.force_login(newsroom.reporter)
    for url in (
        reverse("monitoring_reports:index"),
        reverse("monitoring_reports:html", args=[report.pk]),
        reverse("monitoring_reports:pdf", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home"), url
    refused = client.post(reverse("monitoring_reports:email", args=[report.pk]))
    assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))
    assert mail.outbox == []
    assert (
        reverse("monitoring_reports:index") not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_making_and_sending_reports_needs_the_right_whoever_calls(world, newsroom):
    with pytest.raises(PermissionDenied):
        reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=newsroom.reporter)
    assert not Report.objects.exists()
    report = reports.generate_report(
        world.client, Report.Period.DAILY, DAY, acting_user=None
    )  # the hourly run
    with pytest.raises(PermissionDenied):
        reports.email_report(report, acting_user=newsroom.reporter)
    assert mail.outbox == []


# --- the PDF is private ------------------------------------------------------------------------------
def test_report_pdf_is_private_and_not_served_from_media(world, newsroom, settings):
    """The probe fetched /media/monitoring/reports/2026/12/report-1-daily-20261205.pdf without login."""
    report = reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=None)
    assert WebClient().get(settings.MEDIA_URL + report.pdf.name).status_code == 404

    stored = Path(report.pdf.path).resolve()
    assert Path(settings.PRIVATE_ROOT).resolve() in stored.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in stored.parents
    assert not (Path(settings.MEDIA_ROOT) / report.pdf.name).exists()
    with pytest.raises(NotImplementedError):
        report.pdf.url  # noqa: B018 - a private file has no address to link


def test_report_pdf_download_checks_the_permission_and_streams_an_attachment(world, newsroom, web):
    report = reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=None)
    response = web.get(reverse("monitoring_reports:pdf", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    # The service refuses too, whoever calls it.
    with pytest.raises(PermissionDenied):
        reports.report_pdf_download(report, newsroom.reporter)

    anonymous = WebClient().get(reverse("monitoring_reports:pdf", args=[report.pk]))
    assert anonymous.status_code == 302 and "login" in anonymous.url


def test_migration_moves_public_report_files_into_private_storage(world, settings, tmp_path):
    """Reports made before the fix sit in MEDIA_ROOT/monitoring; the migration moves them out."""
    # Directories of this test's own: a report another test generated for the same day would
    # otherwise already sit at the private name, and the move would have to pick another name.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")
    migration = importlib.import_module("rongmei.monitoring.migrations.0003_private_report_files")
    name = "monitoring/reports/2026/12/report-1-daily-20261205.pdf"
    orphan = "monitoring/reports/2026/11/report-1-daily-20261101.pdf"  # an earlier regeneration's
    for stored in (name, orphan):
        public = Path(settings.MEDIA_ROOT) / stored
        public.parent.mkdir(parents=True, exist_ok=True)
        public.write_bytes(b"%PDF-1.7 " + stored.encode())
    report = Report.objects.create(
        client=world.client, period="daily", starts_at=at(DAY, 0), ends_at=at(DAY, 0), generated_at=at(DAY, 0)
    )
    Report.objects.filter(pk=report.pk).update(pdf=name)

    migration.move_report_files(django_apps, None)
    migration.move_report_files(django_apps, None)  # twice is harmless

    report.refresh_from_db()
    assert report.pdf.name == name
    for stored in (name, orphan):
        assert not (Path(settings.MEDIA_ROOT) / stored).exists()
        assert (Path(settings.PRIVATE_ROOT) / stored).read_bytes() == b"%PDF-1.7 " + stored.encode()
    assert report.pdf.read().startswith(b"%PDF")
    report.pdf.close()


# --- what the report's reader saw (issue 10) -------------------------------------------------------
def row_of(html: str, attribute: str, pk) -> str:
    return re.search(rf'<tr {attribute}="{pk}"[^>]*>(.*?)</tr>', html, re.S).group(1)


def test_report_tables_write_shares_as_percentages(world):
    world.event_big.negative_share = 1.0
    world.event_big.save()
    data = reports.report_data(world.client, *daily_bounds())
    html = reports.render_html(data, Report.Period.DAILY, generated_at=at(DAY + timedelta(days=1), 7))
    assert '<th class="num">负面占比</th>' in html
    forum = row_of(html, "data-source", world.forum.pk)  # 3 items, 1 negative
    assert "33.3%" in forum and '<td class="num" title="1">' in forum
    event = row_of(html, "data-event", world.event_big.pk)
    assert "100.0%" in event and "1.00" not in event
    assert "0.0%" in row_of(html, "data-event", world.event_small.pk)
    assert "91.0%" in row_of(html, "data-item", world.i1.pk)  # the probability too


def test_copies_of_one_text_are_one_row_naming_the_sites(world):
    group = ItemGroup.objects.create(first_seen_at=at(DAY, 12))
    first = None
    for number in range(20):
        source = Source.objects.create(name=f"转载站{number:02d}", url=f"https://copy{number}.example/")
        item = MonitoredItem.objects.create(
            source=source,
            url=f"https://copy{number}.example/a.html",
            normalized_url=f"https://copy{number}.example/a.html",
            title="鑫苑小区停水三天了，有没有人管？",
            published_at=at(DAY, 12, number),
            fetched_at=at(DAY, 12, number),
        )
        first = first or item
        ItemAnalysis.objects.create(
            item=item,
            group=group,
            signature=b"",
            sentiment="negative",
            sentiment_probability=0.8 + number / 1000,
            analysed_at=at(DAY, 13),
        )
        RuleMatch.objects.create(item=item, rule=world.rule1, client=world.client, matched_at=at(DAY, 13))
    data = reports.report_data(world.client, *daily_bounds())
    assert data.negative_total == 23 and data.negative_texts == 3
    row = next(i for i in data.negative_items if i.pk == first.pk)
    assert (row.copies, row.sites, row.probability) == (20, 20, pytest.approx(0.819))
    html = reports.render_html(data, Report.Period.DAILY, generated_at=at(DAY + timedelta(days=1), 7))
    assert html.count("鑫苑小区停水三天了") == 1
    # Needs the merged catalogue (var/po-pending/monitoring.po): "%(source)s等 %(sites)s 家".
    assert "转载站00等 20 家" in row_of(html, "data-item", first.pk)


def test_short_labels_are_not_broken_inside_a_word(world):
    Case.objects.create(
        client=world.client,
        title="关于城东区化工厂异味问题的网络舆情持续发酵需要多个部门联合核实并统一发布权威信息的处置工作",
        state=Case.State.VERIFYING,
        created_at=at(DAY, 11),
        owner=world.case_open.owner,
    )
    report = reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=None)
    report.pdf.open("rb")
    text = pdf_text(report.pdf.read())
    report.pdf.close()
    # The cases table, from its header to the next section: 核实中, 处置中, 所有者 each on one line.
    table = text[text.index("处置工单") : text.index("本台稿件转载")]
    for label in ("核实中", "处置中", "已办结", "所有者", "管理员"):
        assert label in table and f"{label[:-1]}\n{label[-1]}" not in table
    assert "核实中 管理员 03-02 11:00" in table  # a row's short cells on one line


def test_report_file_name_is_in_the_site_language(world, web):
    daily = reports.generate_report(world.client, Report.Period.DAILY, DAY, acting_user=None)
    weekly = reports.generate_report(world.client, Report.Period.WEEKLY, DAY, acting_user=None)
    with translation.override("en"):  # whoever asks: the report itself is in the site's language
        assert reports.report_filename(daily) == "城东区人民政府舆情日报-2026-03-02.pdf"
        assert reports.report_filename(weekly) == "城东区人民政府舆情周报-2026-03-02.pdf"
    pdf = web.get(reverse("monitoring_reports:pdf", args=[daily.pk]))
    from urllib.parse import quote

    assert (
        pdf["Content-Disposition"]
        == f"attachment; filename*=utf-8''{quote('城东区人民政府舆情日报-2026-03-02.pdf')}"
    )


def test_a_weekly_report_without_a_date_covers_this_week_so_far(world, web):
    wednesday = at(DAY + timedelta(days=2), 15)
    assert reports.default_day(Report.Period.WEEKLY, wednesday) == DAY + timedelta(days=2)
    assert reports.default_day(Report.Period.DAILY, wednesday) == DAY + timedelta(days=1)
    report = reports.generate_report(
        world.client,
        Report.Period.WEEKLY,
        reports.default_day(Report.Period.WEEKLY, wednesday),
        now=wednesday,
        acting_user=None,
    )
    assert report.starts_at == at(DAY, 0) and 'data-label="03-04" data-value="1"' in report.html
    # The reader is told the period so far, not a Sunday still to come.
    meta = re.search(r'<p class="meta">(.*?)</p>', report.html, re.S).group(1)
    assert "2026-03-02 – 2026-03-04" in meta and "2026-03-08" not in meta

    response = web.post(
        reverse("monitoring_reports:index"), {"client": world.client.pk, "period": "weekly", "day": ""}
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('monitoring_reports:index')}?client={world.client.pk}"
    today = timezone.localdate()
    made = Report.objects.get(period="weekly", starts_at__gte=at(today - timedelta(days=today.weekday()), 0))
    assert timezone.localdate(made.starts_at) == today - timedelta(days=today.weekday())


def test_the_date_field_suggests_today(world, web):
    page = web.get(reverse("monitoring_reports:index")).content.decode()
    field = re.search(r'<input[^>]*name="day"[^>]*>', page).group(0)
    assert f'placeholder="{timezone.localdate():%Y-%m-%d}"' in field
    assert "2026-03-02" not in field
