"""Text and URL normalisation (rongmei.monitoring.analysis.engine.normalize)."""

import pytest

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


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "HTTPS://News.Example.COM:443/a/b.html?utm_source=wx&id=7&spm=a.b.c&from=timeline#comments",
            "https://news.example.com/a/b.html?id=7",
        ),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/x?b=2&a=1&a=0", "http://example.com:8080/x?a=0&a=1&b=2"),
        ("https://example.com/%e4%b8%ad?q=%e4%b8%ad", "https://example.com/%E4%B8%AD?q=%E4%B8%AD"),
        (
            "https://mp.weixin.qq.com/s?__biz=MzA&mid=22&idx=1&sn=abc&chksm=zz&scene=27#rd",
            "https://mp.weixin.qq.com/s?__biz=MzA&idx=1&mid=22&sn=abc",
        ),
        ("  not a url  ", "not a url"),
        ("http://example.com:notaport/x", "http://example.com:notaport/x"),
    ],
)
def test_normalize_url(url, expected):
    assert n.normalize_url(url) == expected


def test_scheme_and_tracking_do_not_change_the_url_key():
    assert n.url_key("http://a.cn/1?utm_medium=x") == n.url_key("https://A.cn/1#top") == "a.cn/1"
    assert n.url_key("https://a.cn/1?id=2") != n.url_key("https://a.cn/1?id=3")
