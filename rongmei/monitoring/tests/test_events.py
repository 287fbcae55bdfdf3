"""Events: groups joined by keywords, counts, volume per hour, heat and the spike detector."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rongmei.monitoring.analysis import services as analysis
from rongmei.monitoring.events import services as events
from rongmei.monitoring.models import Event, EventVolume, ItemGroup, Source
from rongmei.newsroom.models import Region
from rongmei.organisation import roles
from rongmei.testing import login, make_user

from .factories import (
    EXPLOSION_1,
    EXPLOSION_2,
    EXPLOSION_3,
    FIRE_ELSEWHERE,
    HEATING,
    STORY_BODY,
    STORY_TITLE,
    make_item,
    make_source,
    minutes,
)

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture
def regions():
    zibo = Region.objects.create(name="淄博市", slug="zibo", level=Region.Level.CITY)
    for name, slug in (("张店区", "zhangdian"), ("临淄区", "linzi")):
        Region.objects.create(name=name, slug=slug, level=Region.Level.DISTRICT, parent=zibo)


def event_of(item):
    return ItemGroup.objects.get(analyses__item=item).event


def test_reports_of_one_incident_form_one_event_and_other_stories_their_own(regions):
    t0 = timezone.now() - timedelta(hours=5)
    a1 = make_item(make_source("鲁中网"), *EXPLOSION_1, fetched_at=t0)
    a2 = make_item(
        make_source("大众网", category=Source.Category.PROVINCIAL), *EXPLOSION_2, fetched_at=t0 + HOUR
    )
    a3 = make_item(
        make_source("淄博论坛", category=Source.Category.FORUM), *EXPLOSION_3, fetched_at=t0 + 2 * HOUR
    )
    heating = make_item(make_source("张店发布"), *HEATING, fetched_at=t0 + 2 * HOUR)
    fire = make_item(make_source("临淄发布"), *FIRE_ELSEWHERE, fetched_at=t0 + 3 * HOUR)
    analysis.analyse_new_items()

    explosion = event_of(a1)
    assert event_of(a2) == explosion and event_of(a3) == explosion
    assert len({explosion, event_of(heating), event_of(fire)}) == 3  # same place / same kind elsewhere
    assert explosion.title == EXPLOSION_1[0]
    assert {"张店", "化工厂", "发生爆炸"} <= set(explosion.keywords)
    assert explosion.item_count == 3 and explosion.source_count == 3
    assert explosion.first_seen_at == a1.fetched_at and explosion.last_seen_at == a3.fetched_at
    assert sum(EventVolume.objects.filter(event=explosion).values_list("items", flat=True)) == 3
    assert 0 <= explosion.negative_share <= 1 and explosion.heat > 0


def test_copies_add_to_their_group_event_and_old_events_take_no_new_groups(regions):
    t0 = timezone.now() - timedelta(days=5)
    first = make_item(make_source("鲁中网"), *EXPLOSION_1, fetched_at=t0)
    copy = make_item(make_source("山东网"), *EXPLOSION_1, fetched_at=t0 + HOUR)
    analysis.analyse_new_items()
    event = event_of(first)
    assert event_of(copy) == event and event.item_count == 2 and event.source_count == 2
    later = make_item(make_source("大众网"), *EXPLOSION_2, fetched_at=t0 + timedelta(days=4))
    analysis.analyse_new_items()
    assert event_of(later) != event  # more than 72 hours after the event's last item


def make_copies(source, per_hour: dict, now):
    """Items of one story (one group, so one event), ``per_hour[k]`` of them k hours ago."""
    for hours_ago, count in per_hour.items():
        for i in range(count):
            published = events.hour_of(now) - hours_ago * HOUR + minutes(1 + i)
            make_item(source, STORY_TITLE, STORY_BODY, fetched_at=now, published_at=published)


def test_a_jump_in_volume_marks_the_event_spiking_and_it_clears_later():
    now = events.hour_of(timezone.now()) + minutes(40)
    source = make_source("聚合网")
    make_copies(source, {k: 1 for k in range(1, 25)} | {0: 12}, now)
    analysis.analyse_new_items(now=now)
    event = Event.objects.get()
    assert event.item_count == 36
    assert event.spiking_since == now
    volumes = dict(event.volumes.values_list("hour", "items"))
    assert volumes[events.hour_of(now)] == 12 and volumes[events.hour_of(now) - HOUR] == 1

    # Two hours on, nothing new: the burst is over.
    assert events.refresh_spikes(now=now + 2 * HOUR) == 1
    event.refresh_from_db()
    assert event.spiking_since is None


def test_steady_volume_is_not_a_spike():
    now = events.hour_of(timezone.now()) + minutes(40)
    make_copies(make_source("聚合网"), {k: 3 for k in range(0, 25)}, now)
    analysis.analyse_new_items(now=now)
    event = Event.objects.get()
    assert event.item_count == 75 and event.spiking_since is None


def test_the_spike_rule():
    hour = events.hour_of(timezone.now())
    quiet = {hour - k * HOUR: 0 for k in range(1, 25)}
    assert events.is_spike(quiet | {hour: 5}, hour)
    assert not events.is_spike(quiet | {hour: 4}, hour)  # too few items to call it a burst
    steady = {hour - k * HOUR: 10 for k in range(1, 25)}
    assert not events.is_spike(steady | {hour: 15}, hour)  # within √mean noise
    assert events.is_spike(steady | {hour: 30}, hour)


def test_heat_orders_events_by_volume_reach_and_negativity(regions):
    t0 = timezone.now() - timedelta(hours=5)
    central = make_source("新华网", category=Source.Category.CENTRAL)
    explosion = make_item(central, *EXPLOSION_1, fetched_at=t0)
    make_item(make_source("大众网", category=Source.Category.PROVINCIAL), *EXPLOSION_2, fetched_at=t0 + HOUR)
    make_item(make_source("鲁中网"), *EXPLOSION_3, fetched_at=t0 + HOUR)
    heating = make_item(make_source("张店发布"), *HEATING, fetched_at=t0 + HOUR)
    analysis.analyse_new_items()
    hot, cool = event_of(explosion), event_of(heating)
    assert hot.heat > cool.heat
    assert list(Event.objects.all()) == [hot, cool]  # the default order is by heat
    assert events.heat(10, {"local": 2}, 0.5) > events.heat(10, {"local": 2}, 0.0)
    assert events.heat(10, {"central": 1}, 0.0) > events.heat(10, {"local": 1}, 0.0)
    assert events.heat(100, {"local": 1}, 0.0) < 2 * events.heat(10, {"local": 1}, 0.0)  # log-scaled


def test_event_pages_render_for_analyst_and_admin(client, newsroom, regions):
    now = events.hour_of(timezone.now()) + minutes(40)
    make_copies(make_source("聚合网"), {k: 1 for k in range(1, 25)} | {0: 12}, now)
    make_item(make_source("鲁中网"), *EXPLOSION_1, fetched_at=now)
    analysis.analyse_new_items(now=now)
    spiking = Event.objects.get(spiking_since__isnull=False)
    analyst = make_user("analyst", roles.ANALYST)
    for user in (analyst, newsroom.admin):
        login(client, user, language="en")
        response = client.get(reverse("monitoring_events:index"))
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count('class="sparkline"') == 2 and "Spiking" in body
        assert body.index(f'data-event="{spiking.pk}"') < body.index(EXPLOSION_1[0])  # hotter first
        response = client.get(reverse("monitoring_events:index"), {"spiking": "on", "window": "24h"})
        assert EXPLOSION_1[0] not in response.content.decode()
        response = client.get(reverse("monitoring_events:detail", args=[spiking.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "聚合网" in body and 'class="chart-volume"' in body
    assert client.get(reverse("monitoring_events:detail", args=[999999])).status_code == 404


def test_the_place_rule(regions):
    places = events.Places.load()
    assert places.canonical["张店区"] == "张店" and places.parents["张店"] == {"淄博"}
    assert places.most_specific(["淄博", "张店", "爆炸"]) == {"张店"}
    word = [("爆炸", 1.0)]
    city_wide = events.threshold(["淄博", "爆炸"], [("张店", 1.0), *word], places)
    assert city_wide == events.JOIN_SAME_PLACE  # a district of the city the event names
    assert events.threshold(["张店", "爆炸"], [("临淄", 1.0), *word], places) is None
    assert events.threshold(["爆炸"], [("临淄", 1.0), *word], places) == events.JOIN_NO_COMMON_PLACE


# --- keywords and joining as the demo showed them (issue 10) --------------------------------------

WATER_POST = (
    "鑫苑小区停水三天了，有没有人管？",
    "张店区鑫苑小区自本周一起连续三天停水，物业未提前通知，也没有给出恢复供水的时间。居民只能到亲戚家接水。",
)
WATER_REPORT = (
    "张店区鑫苑小区连续三天停水 居民生活受影响",
    "近日，张店区鑫苑小区多名居民反映，小区自本周一起连续三天停水，物业未提前通知。记者致电小区物业，"
    "工作人员称是供水管网老化破裂，正在抢修。",
)
VISIT = (
    "李卫东到张店区重点项目现场调研",
    "张店区区长李卫东到张店区重点项目建设现场调研，要求加快项目建设进度，确保按期投产达效。",
)
VISIT_RETOLD = (
    "李区长调研智能装备产业园等项目 详细了解项目进展",
    "日前，张店区区长李卫东先后到智能装备产业园、新能源汽车产业园等重点项目建设现场，详细了解项目进展和"
    "存在的困难，要求各部门加快项目建设进度，确保早日投产达效。",
)
CITY_MEETING = (  # the demo's own story, reprinted: same words, another story
    "全市重点项目建设现场推进会召开",
    "11月下旬，全市重点项目建设现场推进会召开，与会人员分组观摩了张店、临淄、桓台等区县的28个在建项目，"
    "现场比进度、比质量、比效益。观摩现场，一台台塔吊林立，一辆辆工程车往来穿梭。位于张店区的一家智能装备"
    "产业园项目已完成主体结构施工。会议指出，今年以来，全市上下坚持把项目建设作为稳增长的“压舱石”，重点"
    "项目开工率、投资完成率均高于去年同期。",
)


@pytest.fixture
def district_head(regions):
    from rongmei.proofing.models import PersonTitle

    PersonTitle.objects.create(name="李卫东", title="区长", unit="张店区")


def test_keywords_leave_out_chat_and_keep_people_whole(district_head):
    places, people = events.Places.load(), events.People.load()
    post = [word for word, _weight in events.keywords(*WATER_POST, places, people)]
    assert "停水" in post and "鑫苑" in post
    assert not {"有没有", "人管", "没有"} & set(post)
    visit = [word for word, _weight in events.keywords(*VISIT, places, people)]
    assert "李卫东" in visit[:3] and "卫东" not in visit
    retold = [word for word, _weight in events.keywords(*VISIT_RETOLD, places, people)]
    assert "李卫东" in retold  # 李区长 counts as the name
    assert "李卫东" in events.event_vector(visit, places, people)
    assert "卫东" not in events.event_vector(visit, places, people)


def test_event_keywords_are_those_most_of_its_items_share(regions):
    t0 = timezone.now() - timedelta(hours=5)
    first = make_item(
        make_source("鲁中论坛"), "鑫苑小区停水三天了，楼主快崩溃了", WATER_POST[1], fetched_at=t0
    )
    analysis.analyse_new_items()
    assert "楼主" in event_of(first).keywords  # one item: nothing to compare with
    for k, name in enumerate(("微博", "头条号", "淄博本地宝", "鲁中网")):
        make_item(make_source(name), *WATER_REPORT, fetched_at=t0 + (k + 1) * HOUR)
    analysis.analyse_new_items()
    event = event_of(first)
    assert event.item_count == 5
    assert "楼主" not in event.keywords and "崩溃" not in event.keywords  # only in the first post
    assert {"鑫苑", "停水", "张店"} <= set(event.keywords)


def test_a_story_sharing_only_generic_words_does_not_join_and_a_retelling_does(district_head):
    t0 = timezone.now() - timedelta(hours=12)
    visit = make_item(make_source("张店区人民政府网"), *VISIT, fetched_at=t0)
    analysis.analyse_new_items()
    retold = make_item(make_source("鲁中网"), *VISIT_RETOLD, fetched_at=t0 + HOUR)
    meeting = make_item(make_source("大众网"), *CITY_MEETING, fetched_at=t0 + 2 * HOUR)
    analysis.analyse_new_items()
    assert event_of(retold) == event_of(visit)  # one visit told in other words
    assert event_of(meeting) != event_of(visit)  # 重点项目, 现场, 建设 are every such story's words
    assert event_of(visit).item_count == 2


def test_sharing_generic_words_alone_is_not_enough(regions):
    places = events.Places.load()
    event = events.event_vector(["张店", "重点项目", "现场", "调研", "建设", "进度"], places)
    meeting = events.group_vector(events.keywords(*CITY_MEETING, places), places)
    assert events.cosine(event, meeting) >= events.JOIN_SAME_PLACE  # the score alone would join
    assert not events.joinable(event, meeting, CITY_MEETING[0])
    explosion = events.event_vector(["张店", "化工厂", "发生爆炸", "消防"], places)
    report = events.group_vector(events.keywords(*EXPLOSION_3, places), places)
    assert events.joinable(explosion, report, EXPLOSION_3[0])


def test_people_work_like_places(district_head):
    from rongmei.proofing.models import PersonTitle

    PersonTitle.objects.create(name="陈立群", title="县长", unit="沂源县")
    places, people = events.Places.load(), events.People.load()
    words = [("重点项目", 1.0), ("张店", 1.0)]
    assert events.threshold(["李卫东", "张店"], [("陈立群", 1.0), *words], places, people) is None
    assert events.threshold(["李卫东", "张店"], [("李卫东", 1.0), *words], places, people) == (
        events.JOIN_SAME_PLACE
    )
    assert events.threshold(["李卫东", "张店"], words, places, people) == events.JOIN_NO_COMMON_PLACE


def test_the_sentiment_badge_writes_the_probability_as_a_percentage():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    analysis_ = SimpleNamespace(
        sentiment="negative", sentiment_probability=0.914, get_sentiment_display="负面"
    )
    html = render_to_string("monitoring/includes/sentiment.html", {"analysis": analysis_})
    assert "负面 91%" in html and "0.91" not in html
