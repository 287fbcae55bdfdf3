"""Watchlist rules: parsing errors with positions, semantics, one automaton for many rules."""

import pytest

from rongmei.monitoring.analysis.engine import messages as m
from rongmei.monitoring.analysis.engine.watchlist import RuleError, Watchlist, parse_rule

REGIONS = {"张店": ["张店区", "张店"], "淄博": ["淄博市"]}
PEOPLE = {"张三": ["张三同志", "张局长"]}


@pytest.mark.parametrize(
    "rule, message, position",
    [
        ("", m.RULE_EMPTY, 0),
        ("   ", m.RULE_EMPTY, 0),
        ("(淄博 OR 张店", m.RULE_UNCLOSED_PAREN, 0),
        ("淄博 AND ((污染 OR 排放)", m.RULE_UNCLOSED_PAREN, 7),
        ("淄博 OR 张店)", m.RULE_UNOPENED_PAREN, 8),
        ("淄博 AND", m.RULE_MISSING_RIGHT, 3),
        ("OR 淄博", m.RULE_MISSING_LEFT, 0),
        ("淄博 AND OR 污染", m.RULE_MISSING_RIGHT, 3),
        ("淄博 NOT", m.RULE_MISSING_RIGHT, 3),
        ("淄博 AND ()", m.RULE_EMPTY_GROUP, 7),
        ('淄博 AND "烧烤', m.RULE_UNCLOSED_QUOTE, 7),
        ('淄博 AND ""', m.RULE_EMPTY_PHRASE, 7),
        ("淄博 NEAR 污染", m.RULE_NEAR_DISTANCE, 3),
        ("淄博 NEAR/x 污染", m.RULE_NEAR_DISTANCE, 3),
        ("淄博 NEAR/5", m.RULE_MISSING_RIGHT, 3),
        ("(淄博 AND 张店) NEAR/5 污染", m.RULE_NEAR_OPERAND, 12),
        ("region:火星 AND 污染", m.RULE_UNKNOWN_REGION, 0),
        ("污染 AND person:李四", m.RULE_UNKNOWN_PERSON, 7),
        ("region: AND 污染", m.RULE_EMPTY_NAME, 0),
        ("NOT 广告", m.RULE_ONLY_NEGATIVE, 0),
        ("淄博 OR NOT 广告", m.RULE_ONLY_NEGATIVE, 0),
    ],
)
def test_bad_rules_report_message_and_position(rule, message, position):
    with pytest.raises(RuleError) as caught:
        parse_rule(rule, regions=REGIONS, people=PEOPLE)
    assert caught.value.message == message
    assert caught.value.position == position
    # The English text shows the position 1-based, as an analyst counts.
    if "%(position)s" in message:
        assert f"character {position + 1}" in str(caught.value)


def rules_matching(rules, text, **tables):
    watchlist = Watchlist.compile(rules, regions=tables.get("regions", REGIONS), people=PEOPLE)
    assert not watchlist.errors
    return {match.rule_id for match in watchlist.match(text)}


def test_and_or_not_semantics():
    rules = {"r": "淄博 AND (污染 OR 排放) NOT 演练"}
    assert rules_matching(rules, "淄博一企业违规排放") == {"r"}
    assert rules_matching(rules, "淄博空气污染加重") == {"r"}
    assert rules_matching(rules, "淄博举行污染应急演练") == set()
    assert rules_matching(rules, "青岛一企业违规排放") == set()
    assert rules_matching(rules, "淄博天气晴") == set()


def test_side_by_side_terms_mean_and_and_or_binds_loosest():
    assert rules_matching({"r": "淄博 烧烤"}, "淄博的烧烤") == {"r"}
    assert rules_matching({"r": "淄博 烧烤"}, "淄博的天气") == set()
    # a AND b OR c == (a AND b) OR c
    assert rules_matching({"r": "淄博 AND 烧烤 OR 停水"}, "青岛停水") == {"r"}


def test_quoted_phrase_keeps_its_space_and_keywords_are_case_insensitive():
    assert rules_matching({"r": '"new energy" and 淄博'}, "淄博 New Energy 大会") == {"r"}
    assert rules_matching({"r": '"new energy" and 淄博'}, "淄博 newenergy 大会") == set()


def test_near_counts_characters_between_the_terms_in_either_order():
    rules = {"r": "淄博 NEAR/5 污染"}
    assert rules_matching(rules, "淄博某企业污染") == {"r"}  # 3 characters between
    assert rules_matching(rules, "污染问题出现在淄博") == {"r"}  # 5 between, reversed order
    assert rules_matching(rules, "淄博今天召开了大会，会上通报了污染情况") == set()
    group = {"r": "(淄博 OR 张店) NEAR/2 停水"}
    assert rules_matching(group, "张店明日停水") == {"r"}


def test_region_and_person_aliases():
    rules = {"region": "region:张店 AND 停水", "person": "person:张三 AND 投诉"}
    assert rules_matching(rules, "张店区明天停水") == {"region"}
    assert rules_matching(rules, "群众投诉张局长不作为") == {"person"}


def test_traditional_text_matches_a_simplified_rule_and_spans_point_into_the_original():
    watchlist = Watchlist.compile({"r": "淄博 AND 污染"})
    text = "據報導，淄博發生嚴重汙染"
    (match,) = watchlist.match(text)
    assert [(s.start, s.end, s.term) for s in match.spans] == [(4, 6, "淄博"), (10, 12, "污染")]
    assert text[10:12] == "汙染"


def test_latin_terms_match_whole_words_only():
    assert rules_matching({"r": "AI AND 医疗"}, "AI医疗走进社区") == {"r"}
    assert rules_matching({"r": "AI AND 医疗"}, "TRAIN 医疗") == set()


def test_bad_rules_are_kept_as_errors_and_the_rest_still_match():
    watchlist = Watchlist.compile({"good": "停水", "bad": "(停水"})
    assert set(watchlist.errors) == {"bad"}
    assert [mt.rule_id for mt in watchlist.match("明天停水")] == ["good"]


def test_thousand_rules_in_one_automaton_match_like_one_rule():
    rules = {("client", i): f"地名{i} AND 事件{i % 7}" for i in range(1000)}
    rules[("client", "target")] = "淄博 NEAR/4 烧烤"
    watchlist = Watchlist.compile(rules)
    assert len(watchlist._patterns) == 1000 + 7 + 2
    matched = {mt.rule_id for mt in watchlist.match("地名17发生事件3，淄博的烧烤火了")}
    assert matched == {("client", 17), ("client", "target")}


# --- hostile rules (issue 8, point 9): refused with a position, never a crash --------------------

from rongmei.monitoring.analysis.engine import watchlist as wl  # noqa: E402

HOSTILE = [
    ("(" * 1000 + "淄博" + ")" * 1000, m.RULE_TOO_DEEP, wl.MAX_DEPTH),
    ("NOT " * 5000 + "淄博", m.RULE_TOO_LONG, wl.MAX_RULE_LENGTH),
    ("NOT " * 30 + "淄博", m.RULE_TOO_DEEP, 4 * wl.MAX_DEPTH),
    ("NOT " * 900 + "淄博", m.RULE_TOO_MANY_OPERATORS, 4 * wl.MAX_OPERATORS),
    (" NEAR/1000 ".join(["淄博"] * 2000), m.RULE_TOO_LONG, wl.MAX_RULE_LENGTH),
    (" NEAR/1000 ".join(["淄博"] * 200), m.RULE_TOO_MANY_NEAR, 3 + 13 * wl.MAX_NEAR_OPERATORS),
    ("淄博 NEAR/" + "9" * 5000 + " 污染", m.RULE_TOO_LONG, wl.MAX_RULE_LENGTH),
    ("淄博 NEAR/" + "9" * 3000 + " 污染", m.RULE_NEAR_TOO_FAR, 3),
    ("淄博 NEAR/1001 污染", m.RULE_NEAR_TOO_FAR, 3),
    (" ".join(["词"] * 501), m.RULE_TOO_MANY_TERMS, 2 * wl.MAX_TERMS),
    ("甲 AND NOT 乙 AND NOT " * 130 + "丙", m.RULE_TOO_MANY_OPERATORS, None),
]


@pytest.mark.parametrize(("rule", "message", "position"), HOSTILE)
def test_hostile_rules_are_refused_with_a_position(rule, message, position):
    with pytest.raises(RuleError) as caught:
        parse_rule(rule, regions=REGIONS, people=PEOPLE)
    assert caught.value.message == message
    if position is not None:
        assert caught.value.position == position
    str(caught.value)  # the message renders with its parameters


def test_the_limits_leave_room_for_real_rules():
    places = " OR ".join(f"地名{i}" for i in range(300))
    nested = "(" * 10 + "淄博 AND 污染" + ")" * 10
    chain = " NEAR/20 ".join(["淄博", "化工", "排放", "污水"])
    for rule in (
        f"({places}) AND (停水 OR 停电)",
        nested,
        chain,
        "淄博 NEAR/1000 污染",
        "淄博 NEAR/0010 污染",
    ):
        parse_rule(rule)
    assert rules_matching({"r": chain}, "淄博化工企业排放污水") == {"r"}


def test_a_compiled_watchlist_skips_a_hostile_rule_and_matches_the_others():
    watchlist = Watchlist.compile(
        {"good": "停水", "deep": "(" * 1000 + "停水" + ")" * 1000, "not": "NOT " * 900 + "停水"}
    )
    assert set(watchlist.errors) == {"deep", "not"}
    assert [mt.rule_id for mt in watchlist.match("明天停水")] == ["good"]


def test_near_on_common_words_in_a_long_text_stays_fast_and_bounded():
    import time

    text = ("的" * 3 + "了") * 25_000  # 100,000 characters, 75,000 of them 的
    watchlist = Watchlist.compile({"r": "的 NEAR/1000 了 NEAR/1000 的"})
    started = time.monotonic()
    (match,) = watchlist.match(text)
    assert time.monotonic() - started < 5
    assert len(match.spans) <= 3 * wl.MAX_HITS
