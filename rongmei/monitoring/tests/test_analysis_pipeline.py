"""One post through the whole analysis (Analyser.process)."""

from rongmei.monitoring.analysis.engine import Analyser, Watchlist

ORIGINAL = "张店区明天全天停水，涉及三个小区约两千户居民。自来水公司提醒居民提前储水，抢修预计持续十二小时。"


def test_process_groups_matches_and_scores_each_post():
    analyser = Analyser(
        Watchlist.compile({("district", 1): "region:张店 AND 停水"}, regions={"张店": ["张店区"]})
    )
    first = analyser.process("p1", ORIGINAL, url="https://a.cn/1")
    assert first.sighting.new_group
    assert [m.rule_id for m in first.matches] == [("district", 1)]
    assert first.sentiment is not None and first.sentiment.label in ("negative", "neutral", "positive")

    reprint = analyser.process("p2", "来源：淄博日报。" + ORIGINAL, url="https://b.cn/9")
    assert reprint.sighting.group_id == "p1" and reprint.sighting.reason == "near"
    assert reprint.sentiment is not None  # reworded copies are scored again

    exact = analyser.process("p3", ORIGINAL, url="https://a.cn/1?utm_source=weibo")
    assert exact.sighting.reason == "url" and exact.sentiment is None
    assert exact.matches  # watchlists still see every sighting
    assert analyser.index.group_sizes["p1"] == 3
