"""Text normalisation (rongmei.monitoring.analysis.engine.normalize); URLs are rongmei.core.weburls'."""

from rongmei.monitoring.analysis.engine import normalize as n


def test_matching_form_is_simplified_halfwidth_lowercase_and_keeps_length():
    text = "淄博發生ＡＢＣ汙染　事故，１２３％"
    out = n.for_matching(text)
    assert out == "淄博发生abc污染 事故，123%"
    assert len(out) == len(text)


def test_cjk_punctuation_stays_fullwidth():
    assert n.for_matching("你好，世界！（测试）") == "你好，世界！（测试）"


def test_dedup_form_ignores_spacing_punctuation_width_and_script():
    a = "臺灣  颱風：明日 登陸！"
    b = "台湾台风，明日登陆。"
    assert n.for_dedup(a) == n.for_dedup(b) == "台湾台风明日登陆"
    assert n.content_hash(a) == n.content_hash(b)
    assert n.content_hash(a) != n.content_hash("台湾台风后日登陆")


def test_to_simplified_leaves_simplified_text_alone():
    assert n.to_simplified("乾隆年间的著名学者") == "乾隆年间的著名学者"
