"""Trying a watch rule on recent items before saving it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from rongmei.monitoring.analysis import services as analysis
from rongmei.monitoring.models import Client, RuleMatch, WatchRule
from rongmei.newsroom.models import Region
from rongmei.organisation import roles
from rongmei.testing import login, make_user

from .factories import make_item, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    source = make_source("鲁中网")
    now = timezone.now()
    return [
        make_item(
            source,
            "张店区鑫苑小区停水三天",
            "居民反映小区停水，物业称管网破裂。",
            fetched_at=now - timedelta(hours=1),
        ),
        make_item(
            source, "張店區一路段施工擾民", "居民投訴夜間施工噪音。", fetched_at=now - timedelta(hours=2)
        ),
        make_item(
            source, "淄川区停水通知", "因管网检修，淄川区部分小区停水。", fetched_at=now - timedelta(hours=3)
        ),
        make_item(source, "张店停水已恢复", "十天前的报道。", fetched_at=now - timedelta(days=10)),
    ]


def test_a_rule_is_tried_on_recent_items_with_the_matched_words_and_nothing_stored(items):
    Region.objects.create(name="张店区", slug="zhangdian", level=3)
    trial = analysis.try_rule("region:张店 AND (停水 OR 投诉)", days=7)
    assert trial.error == "" and (trial.checked, trial.matched) == (3, 2)
    assert [hit.item for hit in trial.hits] == items[:2]  # newest first; the Traditional one too
    text = analysis.item_text(items[1].title, items[1].body)
    assert {text[start:end] for start, end in trial.hits[1].spans} == {"張店區", "投訴"}
    assert not RuleMatch.objects.exists()

    assert analysis.try_rule("张店 AND 停水", days=30).matched == 2
    limited = analysis.try_rule("停水", days=30, limit=1, max_items=2)
    assert (limited.checked, limited.capped, len(limited.hits)) == (2, True, 1)


def test_a_broken_rule_says_what_and_where(items):
    with translation.override("en"):
        trial = analysis.try_rule("张店 AND (停水 OR 投诉")
    assert trial.checked == 0 and trial.hits == []
    assert "Here:" in trial.error and "▲" in trial.error


def test_the_page_lists_the_hits_and_keeps_a_broken_rule_in_the_box(client, items, newsroom):
    login(client, make_user("analyst", roles.ANALYST))
    url = reverse("monitoring_matches:rule_trial")
    page = client.get(url, {"expression": "张店 AND 停水", "days": 7}).content.decode()
    assert "3 条信息中有 1 条命中" in page
    assert "<mark>张店</mark>" in page and "<mark>停水</mark>" in page

    page = client.get(url, {"expression": "张店 AND (停水", "days": 7}).content.decode()
    assert "张店 AND (停水</textarea>" in page
    assert "▲" in page and 'id="trial-hits"' not in page

    # Each saved rule's page links to a trial of its text.
    rule = WatchRule.objects.create(
        client=Client.objects.create(name="张店区政府"), name="停水", expression="张店 AND 停水"
    )
    edit = client.get(reverse("wagtailsnippets_monitoring_watchrule:edit", args=[rule.pk])).content.decode()
    assert f"{url}?expression=%E5%BC%A0%E5%BA%97+AND+%E5%81%9C%E6%B0%B4&amp;days=7" in edit

    login(client, newsroom.reporter)
    refused = client.get(url)
    assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))  # Wagtail's refusal


# --- hostile rules (issue 8, point 9) -------------------------------------------------------------

HOSTILE = {
    "parentheses": "(" * 1000 + "淄博" + ")" * 1000,
    "nots": "NOT " * 5000 + "淄博",
    "near chain": " NEAR/1000 ".join(["淄博"] * 2000),
    "huge distance": "淄博 NEAR/" + "9" * 3000 + " 污染",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_rule_is_an_error_in_the_trial_not_a_crash(name, items):
    with translation.override("en"):
        trial = analysis.try_rule(HOSTILE[name])
    assert trial.error and "▲" in trial.error and trial.checked == 0


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_rule_is_refused_on_save(name):
    rule = WatchRule(client=Client.objects.create(name="张店区政府"), name="x", expression=HOSTILE[name])
    with translation.override("en"), pytest.raises(ValidationError) as info:
        rule.full_clean()
    assert "Here:" in info.value.message_dict["expression"][0]


def test_the_trial_page_shows_a_hostile_rule_as_an_error(client, items, newsroom):
    login(client, make_user("analyst", roles.ANALYST), language="en")
    response = client.get(
        reverse("monitoring_matches:rule_trial"), {"expression": "(" * 1000 + "淄博" + ")" * 1000, "days": 7}
    )
    assert response.status_code == 200
    assert "nested more than 20 deep at character 21" in response.content.decode()


def test_an_over_limit_rule_stored_earlier_is_skipped_and_logged_not_fatal(items, caplog):
    client = Client.objects.create(name="张店区政府")
    good = WatchRule.objects.create(client=client, name="停水", expression="停水")
    WatchRule.objects.create(client=client, name="坏", expression="(" * 1000 + "停水" + ")" * 1000)
    with caplog.at_level("ERROR", logger="rongmei.monitoring.analysis.services"):
        analysis.analyse_new_items()
    assert set(RuleMatch.objects.values_list("rule", flat=True)) == {good.pk}
    assert any("no longer parses" in record.getMessage() for record in caplog.records)


def test_the_rule_fields_help_text_states_the_limits():
    from rongmei.monitoring.analysis.engine import watchlist as wl
    from rongmei.monitoring.analysis.viewsets import RULE_HELP

    with translation.override("en"):
        help_text = str(RULE_HELP)
    for limit in (wl.MAX_RULE_LENGTH, wl.MAX_TERMS, wl.MAX_OPERATORS, wl.MAX_NEAR_OPERATORS, wl.MAX_DEPTH):
        assert f"{limit:,}" in help_text
    assert f"NEAR/{wl.MAX_NEAR}" in help_text
