"""The command dashboard (指挥调度): each panel's figures from a day made through the services, who
may see it, the polled fragment's ETag and 304, a bounded number of queries, no tipster contact."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from rongmei.command import permissions, queries
from rongmei.newsroom.tests.factories import approve_all, pass_review
from rongmei.testing import fresh, login, make_user

pytestmark = pytest.mark.django_db

DASHBOARD = "command_dashboard"
PANELS = "command_panels"


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the figures -----------------------------------------------------------------------------------


def test_todays_topics_by_state_and_department(day):
    day.topic("张店区夜市升级改造")
    day.topic("周村古商城冬季旅游", department=day.economy)
    day.approved("淄博烧烤一周年回访")
    panel = queries.topics_today()
    counts = {state: count for state, _label, count, _newest in panel.states}
    assert counts["proposed"] == 2
    assert counts["approved"] == 1
    assert panel.total == 3
    newest = {state: [t.title for t in topics] for state, _label, _count, topics in panel.states}
    assert newest["proposed"] == ["周村古商城冬季旅游", "张店区夜市升级改造"]
    assert [(name, total) for name, total, _per_state in panel.departments] == [("时政部", 2), ("经济部", 1)]


def test_a_topic_of_another_day_is_not_todays(day):
    from rongmei.planning.models import Topic

    topic = day.approved("上周的选题")
    long_ago = timezone.now() - datetime.timedelta(days=8)
    Topic.objects.filter(pk=topic.pk).update(created_at=long_ago, decided_at=long_ago)
    assert queries.topics_today().total == 0


def test_overdue_assignments_say_who_what_and_how_late(day):
    assignment = day.overdue_assignment(hours_late=3)
    panel = queries.overdue_assignments()
    assert panel.total == 1
    row = panel.rows[0]
    assert row.assignment.pk == assignment.pk
    assert row.person == "王记者"
    assert row.topic_title == "城东片区老旧小区改造进展"
    assert row.late == "3 h 10 min"


def test_review_levels_count_the_waiting_and_the_oldest(day, on_commit):
    first = day.submitted("先送审的稿件")
    day.submitted("后送审的稿件")
    from wagtail.models import TaskState

    TaskState.objects.filter(workflow_state__object_id=str(first.pk)).update(
        started_at=timezone.now() - datetime.timedelta(minutes=95)
    )
    second_level = day.submitted("已过初审的稿件")
    from rongmei.review import services

    services.approve(fresh(second_level), acting_user=day.newsroom.editor)
    rows = {row.name: row for row in queries.review_levels()}
    assert [row.name for row in queries.review_levels()] == ["初审", "复审", "终审"]
    assert (rows["初审"].waiting, rows["复审"].waiting, rows["终审"].waiting) == (2, 1, 0)
    assert rows["初审"].oldest_title == "先送审的稿件"
    assert rows["初审"].oldest_for == "1 h 35 min"
    assert rows["复审"].oldest_title == "已过初审的稿件"
    assert rows["终审"].oldest_since is None


def test_published_today_per_channel_and_failed_deliveries(day, on_commit):
    from rongmei.distribution import services
    from rongmei.distribution.models import StoryChannelStatus

    services.ensure_channels()
    story = pass_review(day.newsroom, day.newsroom.add_story(title="今日发布的稿件"), on_commit)
    pass_review(day.newsroom, day.newsroom.add_story(title="今日第二篇"), on_commit)
    StoryChannelStatus.objects.filter(story=story, channel__code="rss").update(
        state=StoryChannelStatus.State.FAILED, error="连接超时"
    )
    panel = queries.published_per_channel(day.newsroom.director)
    assert panel.stories == 2
    rows = {row.channel.code: row for row in panel.channels}
    assert (rows["website"].published, rows["app"].published) == (2, 2)
    assert (rows["rss"].published, rows["rss"].failed) == (1, 1)
    assert panel.failed == 1
    assert [(s.story_id, s.channel.code) for s in panel.attention] == [(story.pk, "rss")]


def test_newest_tips_first_words_time_state_never_the_contact(day):
    day.tip(
        "我的电话 13912345678，昨晚张店区华光路一家商铺起火，消防已到场，现场有浓烟，周边道路已封闭",
        contact_name="刘女士",
        contact_phone="13800138000",
    )
    newest = day.tip("周村区一小区停水两天无人管", contact_name="王先生", contact_phone="13700137000")
    panel = queries.newest_tips()
    assert (panel.new, panel.today) == (2, 2)
    assert [row.reference for row in panel.rows][0] == newest.reference
    assert panel.rows[0].state_label and panel.rows[0].excerpt == "周村区一小区停水两天无人管"
    assert "13912345678" not in panel.rows[1].excerpt and "***" in panel.rows[1].excerpt
    assert panel.rows[1].excerpt.endswith("…")


def test_duration_text():
    assert queries.duration_text(59) == "0 min"
    assert queries.duration_text(25 * 60) == "25 min"
    assert queries.duration_text(3 * 3600 + 5 * 60) == "3 h 5 min"
    assert queries.duration_text(2 * 86400 + 4 * 3600) == "2 d 4 h"
    assert queries.duration_text(-30) == "0 min"


# --- the page --------------------------------------------------------------------------------------


def _full_day(day, on_commit):
    from rongmei.distribution import services

    services.ensure_channels()
    day.topic("张店区夜市升级改造")
    day.overdue_assignment()
    day.submitted("送审中的稿件")
    pass_review(day.newsroom, day.newsroom.add_story(title="今日发布的稿件"), on_commit)
    day.tip("华光路商铺起火", contact_name="刘女士", contact_phone="13800138000")


def test_the_director_sees_every_panel(client, day, on_commit):
    _full_day(day, on_commit)
    login(client, day.newsroom.director)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    body = response.content.decode()
    for panel in ("command-review", "command-overdue", "command-topics", "command-channels", "command-tips"):
        assert f'id="{panel}"' in body
    assert "指挥调度" in body
    assert "张店区夜市升级改造" in body and "送审中的稿件" in body and "华光路商铺起火" in body
    assert 'class="cmd-late"' in body
    assert 'data-poll-seconds="30"' in body
    assert f'data-etag="{escape(response.context["etag"])}"' in body
    assert "command/dashboard.js" in body and "command/dashboard.css" in body
    assert response["Cache-Control"] == "private, no-cache" or "no-cache" in response["Cache-Control"]


def test_the_poll_interval_comes_from_the_setting(client, day, settings):
    settings.COMMAND_DASHBOARD_POLL_SECONDS = 2
    login(client, day.newsroom.chief)
    assert 'data-poll-seconds="2"' in client.get(reverse(DASHBOARD)).content.decode()


def test_no_tipster_contact_anywhere_on_the_dashboard(client, day, on_commit):
    _full_day(day, on_commit)
    for user in (day.newsroom.director, day.newsroom.admin):
        client.logout()
        login(client, user)
        for url in (reverse(DASHBOARD), reverse(PANELS)):
            body = client.get(url).content.decode()
            assert "华光路商铺起火" in body
            assert "刘女士" not in body and "13800138000" not in body


@pytest.mark.parametrize("who", ["director", "chief", "admin"])
def test_who_may_see_it(client, day, who):
    login(client, getattr(day.newsroom, who))
    assert client.get(reverse(DASHBOARD)).status_code == 200
    assert client.get(reverse(PANELS)).status_code == 200
    assert reverse(DASHBOARD) in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("who", ["reporter", "editor", "newmedia"])
def test_others_are_sent_back_with_the_reason(client, day, who):
    login(client, getattr(day.newsroom, who))
    assert reverse(DASHBOARD) not in client.get(reverse("wagtailadmin_home")).content.decode()
    for url in (reverse(DASHBOARD), reverse(PANELS)):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
        assert str(permissions.REFUSAL) in _messages(response)
    # The page's script is answered 403, without a message left for the next page.
    response = client.get(reverse(PANELS), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 403


def test_the_tips_desk_is_sent_back_too(client, day):
    from rongmei.organisation import roles

    login(client, make_user("tipsdesk", roles.TIPSDESK))
    response = client.get(reverse(DASHBOARD))
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))


# --- the poll --------------------------------------------------------------------------------------


def test_the_panels_answer_304_until_something_changes(client, day, on_commit):
    _full_day(day, on_commit)
    login(client, day.newsroom.director)
    first = client.get(reverse(PANELS))
    assert first.status_code == 200
    assert first["X-Command-Panels"] == "1"
    etag = first["ETag"]
    assert etag == client.get(reverse(DASHBOARD)).context["etag"]

    again = client.get(reverse(PANELS), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    # The same ETag made weak by a compressing proxy still matches.
    assert client.get(reverse(PANELS), HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert client.get(reverse(PANELS), HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    # A story submitted: the 初审 figure changes, so does the ETag.
    day.submitted("刚送审的稿件")
    changed = client.get(reverse(PANELS), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "刚送审的稿件" in changed.content.decode() or 'data-count="2"' in changed.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        "topic",
        "topic_decided",
        "event_moved",
        "assignment_overdue",
        "approved",
        "tip",
        "tip_triaged",
        "channel_failed",
    ],
)
def test_every_kind_of_change_moves_the_etag(day, on_commit, change):
    from rongmei.distribution import services as distribution
    from rongmei.distribution.models import StoryChannelStatus
    from rongmei.planning import services as planning
    from rongmei.planning.models import Assignment
    from rongmei.tips import services as tips

    distribution.ensure_channels()
    director = day.newsroom.director
    topic = day.topic("待审选题")
    assignment = planning.assign(
        day.newsroom.chief,
        day.approved("已批选题"),
        format="text",
        assignee=day.newsroom.reporter,
        deadline=timezone.now() + datetime.timedelta(hours=2),
    )
    story = day.submitted("送审稿件")
    published = pass_review(day.newsroom, day.newsroom.add_story(title="已发稿件"), on_commit)
    tip = day.tip("华光路商铺起火")
    event = planning.save_event(day.newsroom.chief, title="区政府新闻发布会", starts_at=timezone.now())
    before = queries.fingerprint(director)
    assert queries.fingerprint(director) == before
    if change == "topic":
        day.topic("新报的选题")
    elif change == "topic_decided":
        planning.decide_topic(day.newsroom.chief, topic, planning.APPROVE)
    elif change == "event_moved":
        event.starts_at += datetime.timedelta(days=1)
        event.save()
    elif change == "assignment_overdue":
        # Nothing is written when a deadline passes: the overdue count notices it.
        Assignment.objects.filter(pk=assignment.pk).update(
            deadline=timezone.now() - datetime.timedelta(minutes=1)
        )
        assert queries.fingerprint(director, now=timezone.now()) != before
        return
    elif change == "approved":
        with on_commit():
            approve_all(day.newsroom, story, on_commit)
    elif change == "tip":
        day.tip("又一条线索")
    elif change == "tip_triaged":
        tips.triage(tip, acting_user=day.newsroom.admin, state="not_news", note="广告")
    elif change == "channel_failed":
        StoryChannelStatus.objects.filter(story=published, channel__code="rss").first().save()
    assert queries.fingerprint(director) != before


def test_the_fingerprint_differs_per_reader_and_language(day):
    from django.utils import translation

    director, chief = day.newsroom.director, day.newsroom.chief
    assert queries.fingerprint(director) != queries.fingerprint(chief)
    with translation.override("zh-hans"):
        chinese = queries.fingerprint(director)
    assert chinese != queries.fingerprint(director)


# --- queries ---------------------------------------------------------------------------------------


def _count_queries(client, url, **headers):
    with CaptureQueriesContext(connection) as queries_run:
        response = client.get(url, **headers)
    assert response.status_code in (200, 304)
    return len(queries_run)


def test_the_number_of_queries_does_not_grow_with_the_day(client, day, on_commit):
    _full_day(day, on_commit)
    login(client, day.newsroom.director)
    client.get(reverse(DASHBOARD))  # warm caches (site, permissions) before counting
    small = _count_queries(client, reverse(PANELS))
    page_small = _count_queries(client, reverse(DASHBOARD))

    for n in range(4):
        day.topic(f"选题{n}", department=day.economy)
        day.overdue_assignment(f"逾期选题{n}")
        day.submitted(f"送审稿件{n}")
        pass_review(day.newsroom, day.newsroom.add_story(title=f"发布稿件{n}"), on_commit)
        day.tip(f"线索{n}")
    large = _count_queries(client, reverse(PANELS))
    assert large == small
    assert _count_queries(client, reverse(DASHBOARD)) == page_small
    assert large <= 40, large

    etag = client.get(reverse(PANELS))["ETag"]
    # A 304 costs the fingerprint's aggregates, the session and the second-factor gate's look for
    # the person's devices (rongmei.accounts: one query), nothing more.
    assert _count_queries(client, reverse(PANELS), HTTP_IF_NONE_MATCH=etag) <= 13
