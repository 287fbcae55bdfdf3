"""The analysis service on items stored in the database: groups of copies, watch rules, sentiment,
restarts, the task hooks and the admin screens for rules and matched items."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from rongmei.core.scheduler import registered_jobs
from rongmei.monitoring.analysis import services as analysis
from rongmei.monitoring.analysis import tasks as tasks_analysis
from rongmei.monitoring.models import Client, ItemAnalysis, ItemGroup, RuleMatch, WatchRule
from rongmei.newsroom.models import Region
from rongmei.organisation import roles
from rongmei.proofing.models import PersonTitle
from rongmei.testing import login, make_user

from .factories import OTHER_STORY, STORY_BODY, STORY_TITLE, make_item, make_source, minutes

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_rules():
    client = Client.objects.create(name="张店区政府")

    def add(expression, name=None):
        return WatchRule.objects.create(client=client, name=name or expression[:20], expression=expression)

    client.add_rule = add
    return client


def test_a_story_reprinted_by_several_sites_is_one_group_with_its_first_source():
    t0 = timezone.now() - timedelta(hours=3)
    origin = make_item(make_source("淄博日报"), STORY_TITLE, STORY_BODY, fetched_at=t0)
    edited = STORY_BODY.replace("记者从", "本报讯 记者从").replace("。\n", "。\n\n") + "\n（来源：淄博日报）"
    copy_a = make_item(
        make_source("山东网"), "淄博老旧小区改造三年行动启动", edited, fetched_at=t0 + minutes(20)
    )
    cut = STORY_BODY[: int(len(STORY_BODY) * 0.7)]
    copy_b = make_item(make_source("鲁中论坛"), STORY_TITLE, cut, fetched_at=t0 + minutes(40))
    exact = make_item(make_source("聚合网"), STORY_TITLE, STORY_BODY, fetched_at=t0 + minutes(50))

    assert analysis.analyse_new_items() == 4

    group = ItemGroup.objects.get()
    assert group.item_count == 4
    assert group.first_item == origin and group.first_item.source.name == "淄博日报"
    assert group.first_seen_at == origin.fetched_at
    reasons = dict(ItemAnalysis.objects.values_list("item_id", "dedup_reason"))
    assert reasons == {origin.pk: "", copy_a.pk: "near", copy_b.pk: "near", exact.pk: "hash"}
    # An exact copy is not scored again: it carries its group's first item's sentiment.
    first = ItemAnalysis.objects.get(item=origin)
    copied = ItemAnalysis.objects.get(item=exact)
    assert (copied.sentiment, copied.sentiment_probability) == (first.sentiment, first.sentiment_probability)
    assert analysis.analyse_new_items() == 0  # nothing is analysed twice


def test_two_different_stories_on_the_same_topic_are_two_groups():
    source = make_source("淄博日报")
    make_item(source, STORY_TITLE, STORY_BODY)
    make_item(source, *OTHER_STORY)
    analysis.analyse_new_items()
    assert ItemGroup.objects.count() == 2
    assert sorted(ItemGroup.objects.values_list("item_count", flat=True)) == [1, 1]


def test_a_restarted_worker_keeps_grouping_with_stored_signatures():
    t0 = timezone.now() - timedelta(hours=1)
    origin = make_item(make_source("淄博日报"), STORY_TITLE, STORY_BODY, fetched_at=t0)
    analysis.analyse_new_items()
    analysis.reset()  # a new process: the index is rebuilt from ItemAnalysis.signature
    copy = make_item(make_source("山东网"), STORY_TITLE, "本报讯 " + STORY_BODY, fetched_at=t0 + minutes(5))
    analysis.analyse_new_items()
    group = ItemGroup.objects.get()
    assert group.item_count == 2 and group.first_item == origin
    assert copy.analysis.group == group and copy.analysis.dedup_reason == "near"


def test_a_copy_seen_later_but_published_earlier_becomes_the_first_item():
    t0 = timezone.now() - timedelta(hours=2)
    seen_first = make_item(make_source("聚合网"), STORY_TITLE, STORY_BODY, fetched_at=t0)
    analysis.analyse_new_items()
    origin = make_item(
        make_source("淄博日报"),
        STORY_TITLE,
        STORY_BODY + "\n（编辑：王明）",
        fetched_at=t0 + minutes(30),
        published_at=t0 - minutes(60),
    )
    analysis.analyse_new_items()
    group = ItemGroup.objects.get()
    assert group.item_count == 2 and group.first_item == origin and group.first_seen_at == origin.published_at
    assert seen_first.analysis.group == group


def test_watch_rules_match_with_spans_not_and_near(client_rules):
    pollution = client_rules.add_rule("淄博 AND (污染 OR 排放) NOT 演练", "污染")
    barbecue = client_rules.add_rule("烧烤 NEAR/5 八大局", "烧烤")
    source = make_source("鲁中网")
    hit = make_item(source, "淄博一企业偷排污水", "群众举报淄博某企业夜间排放污水，河道污染严重。")
    drill = make_item(source, "淄博举行环境污染应急演练", "淄博市今天举行突发环境污染事件应急演练。")
    near = make_item(source, "八大局烧烤", "周末去八大局吃烧烤的游客很多。")
    far = make_item(source, "烧烤季", "今年的烧烤节很热闹，" + "游客络绎不绝，" * 3 + "八大局也人气很旺。")
    analysis.analyse_new_items()

    match = RuleMatch.objects.get(item=hit)
    assert match.rule == pollution and match.client == client_rules
    text = analysis.item_text(hit.title, hit.body)
    assert all(text[start:end] == word for start, end, word in match.spans)
    assert {word for _s, _e, word in match.spans} == {"淄博", "排放", "污染"}
    assert match.spans[0] == [0, 2, "淄博"]  # offsets into title + "\n" + body
    assert not RuleMatch.objects.filter(item=drill).exists()  # NOT 演练
    near_match = RuleMatch.objects.get(item=near)
    assert near_match.rule == barbecue and {w for _s, _e, w in near_match.spans} == {"八大局", "烧烤"}
    assert not RuleMatch.objects.filter(item=far).exists()  # more than 5 characters apart


def test_a_traditional_script_item_matches_a_simplified_rule(client_rules):
    client_rules.add_rule("环境 AND 污染")
    item = make_item(make_source("香港新聞網"), "淄博環境污染問題引關注", "當地居民反映環境問題。")
    analysis.analyse_new_items()
    match = RuleMatch.objects.get(item=item)
    # The spans point into the text as fetched: the highlight shows the Traditional characters.
    assert [word for _s, _e, word in match.spans][:2] == ["環境", "污染"]


def test_region_and_person_terms_use_the_region_and_people_tables(client_rules):
    Region.objects.create(name="张店区", slug="zhangdian", level=Region.Level.DISTRICT)
    PersonTitle.objects.create(name="张三", title="区长")
    client_rules.add_rule("region:张店 AND 停水", "停水")
    client_rules.add_rule("person:张三 AND 投诉", "投诉")
    source = make_source("鲁中网")
    water = make_item(source, "张店区明日部分区域停水", "因管网维修，张店区部分小区停水十小时。")
    complaint = make_item(source, "居民投诉噪音", "多名居民向张区长投诉工地夜间施工噪音。")
    analysis.analyse_new_items()
    assert RuleMatch.objects.get(item=water).rule.name == "停水"
    spans = RuleMatch.objects.get(item=complaint).spans
    assert "张区长" in [word for _s, _e, word in spans]


def test_the_watchlist_is_recompiled_when_rules_change(client_rules):
    source = make_source("鲁中网")
    make_item(source, "淄博发布暴雨预警", "淄博市气象台发布暴雨黄色预警。")
    analysis.analyse_new_items()
    assert not RuleMatch.objects.exists()
    rule = client_rules.add_rule("暴雨 AND 预警")
    second = make_item(source, "暴雨预警升级", "淄博暴雨预警升级为橙色。")
    analysis.analyse_new_items()
    assert RuleMatch.objects.get().item == second
    rule.enabled = False
    rule.save()
    make_item(source, "暴雨预警解除", "淄博暴雨预警解除。")
    analysis.analyse_new_items()
    assert RuleMatch.objects.count() == 1


def test_items_are_analysed_in_batches_in_fetch_order():
    source = make_source("鲁中网")
    t0 = timezone.now() - timedelta(hours=1)
    items = [
        make_item(source, f"新闻{i}", f"第{i}条不同的新闻内容。" * (i + 1), fetched_at=t0 + minutes(i))
        for i in range(5)
    ]
    assert analysis.analyse_new_items(batch_size=2, max_batches=1) == 2
    assert set(ItemAnalysis.objects.values_list("item_id", flat=True)) == {items[0].pk, items[1].pk}
    assert analysis.pending_count() == 3
    assert analysis.analyse_new_items(batch_size=2) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time anyway")
def test_a_second_worker_leaves_the_items_to_the_one_holding_the_lock():
    source = make_source("鲁中网")
    for i in range(3):
        make_item(source, f"新闻{i}", f"第{i}条新闻的内容各不相同。" * (i + 2))
    holding, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                assert analysis._take_lock()
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert holding.wait(10)
    try:
        assert analysis.analyse_new_items() == 0  # the lock is taken: this worker stands aside
        assert not ItemAnalysis.objects.exists()
    finally:
        release.set()
        thread.join()
    assert analysis.analyse_new_items() == 3


def test_a_fetch_with_new_items_queues_the_analysis_then_the_alerts(django_capture_on_commit_callbacks):
    make_item(make_source("鲁中网"), "淄博发布暴雨预警", "淄博市气象台发布暴雨黄色预警。")
    with django_capture_on_commit_callbacks() as callbacks:
        tasks_analysis.analyse_after_fetch(0)
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks_analysis.analyse_after_fetch(1)
    # The immediate backend ran the analysis, which queued the alert evaluation after it.
    assert ItemAnalysis.objects.count() == 1
    assert [callback.__self__.name for callback in callbacks] == [
        "analyse_new_items_task",
        "evaluate_alerts_task",
    ]
    job = next(job for job in registered_jobs() if job.name == "monitoring_analyse")
    assert (
        job.task_path == "rongmei.monitoring.analysis.tasks.analyse_new_items_task" and job.every_minutes == 1
    )


# --- admin ------------------------------------------------------------------------------------------


@pytest.fixture
def analyst(newsroom):
    return make_user("analyst", roles.ANALYST)


def test_a_rule_that_does_not_parse_is_refused_on_the_form_with_its_position(client, analyst, client_rules):
    login(client, analyst, language="en")
    url = reverse("wagtailsnippets_monitoring_watchrule:add")
    assert client.get(url).status_code == 200
    data = {
        "client": client_rules.pk,
        "name": "污染",
        "expression": "淄博 AND (污染 OR 排放",
        "enabled": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Opening parenthesis at character 8 is never closed." in body
    assert "淄博 AND ▲(污染 OR 排放" in body  # where, in the rule's own text
    assert "淄博 AND (污染 OR 排放</textarea>" in body  # the text is kept for correcting
    assert not WatchRule.objects.exists()
    response = client.post(url, {**data, "expression": "淄博 AND region:不存在区"})
    assert "Unknown region “不存在区” at character 8." in response.content.decode()
    response = client.post(url, {**data, "expression": "淄博 AND (污染 OR 排放)"})
    assert (response.status_code, response.url) == (302, reverse("wagtailsnippets_monitoring_watchrule:list"))
    assert WatchRule.objects.get().expression == "淄博 AND (污染 OR 排放)"


def test_matched_items_view_highlights_and_filters(client, newsroom, analyst, client_rules):
    client_rules.add_rule("淄博 AND 污染", "污染")
    other = Client.objects.create(name="周村区政府")
    WatchRule.objects.create(client=other, name="停电", expression="停电")
    source = make_source("鲁中网")
    item = make_item(source, "淄博一企业偷排污水", "群众举报淄博某企业夜间排放污水，河道污染严重。")
    make_item(source, "周村区明日停电", "周村区部分小区明日停电。")
    make_item(make_source("山东网"), "淄博一企业偷排污水", "群众举报淄博某企业夜间排放污水，河道污染严重。")
    analysis.analyse_new_items()
    for user in (analyst, newsroom.admin):
        login(client, user, language="en")
        response = client.get(reverse("monitoring_matches:index"), {"client": client_rules.pk})
        assert response.status_code == 200
        body = response.content.decode()
        assert f'data-item="{item.pk}"' in body and "周村区明日停电" not in body
        assert "<mark>淄博</mark>" in body and "<mark>污染</mark>" in body
        assert "2 sites" in body
        sentiment = ItemAnalysis.objects.get(item=item).sentiment
        assert f"sentiment-{sentiment}" in body
    today = timezone.localdate()
    response = client.get(reverse("monitoring_matches:index"), {"date_from": today + timedelta(days=1)})
    assert "淄博一企业偷排污水" not in response.content.decode()
    response = client.get(
        reverse("monitoring_matches:index"), {"sentiment": "positive", "client": client_rules.pk}
    )
    assert (f'data-item="{item.pk}"' in response.content.decode()) == (sentiment == "positive")
    for name in ("client", "watchrule"):
        assert client.get(reverse(f"wagtailsnippets_monitoring_{name}:list")).status_code == 200


def test_people_without_monitoring_roles_do_not_see_the_analysis(client, newsroom):
    login(client, newsroom.reporter, language="en")
    for name in ("monitoring_matches:index", "monitoring_events:index", "monitoring_reprints:index"):
        response = client.get(reverse(name))
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home")), name
