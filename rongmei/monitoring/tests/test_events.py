"""Events: groups joined by keywords, counts, volume per hour, heat and the spike detector."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rongmei.monitoring.models import Event, EventVolume, ItemGroup, Source
from rongmei.monitoring.services import analysis, events
from rongmei.newsroom.models import Region
from rongmei.organisation import roles
from rongmei.testing import TEST_PASSWORD, make_user

from .analysis_helpers import (
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


@pytest.fixture(autouse=True)
def fresh_process():
    analysis.reset()
    yield
    analysis.reset()


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
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert client.login(username=user.username, password=TEST_PASSWORD)
        response = client.get(reverse("monitoring_events"))
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count('class="sparkline"') == 2 and "Spiking" in body
        assert body.index(f'data-event="{spiking.pk}"') < body.index(EXPLOSION_1[0])  # hotter first
        response = client.get(reverse("monitoring_events"), {"spiking": "on", "window": "24h"})
        assert EXPLOSION_1[0] not in response.content.decode()
        response = client.get(reverse("monitoring_event", args=[spiking.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "聚合网" in body and 'class="chart-volume"' in body
    assert client.get(reverse("monitoring_event", args=[999999])).status_code == 404


def test_the_place_rule(regions):
    places = events.Places.load()
    assert places.canonical["张店区"] == "张店" and places.parents["张店"] == {"淄博"}
    assert places.most_specific(["淄博", "张店", "爆炸"]) == {"张店"}
    word = [("爆炸", 1.0)]
    city_wide = events.threshold(["淄博", "爆炸"], [("张店", 1.0), *word], places)
    assert city_wide == events.JOIN_SAME_PLACE  # a district of the city the event names
    assert events.threshold(["张店", "爆炸"], [("临淄", 1.0), *word], places) is None
    assert events.threshold(["爆炸"], [("临淄", 1.0), *word], places) == events.JOIN_NO_COMMON_PLACE
