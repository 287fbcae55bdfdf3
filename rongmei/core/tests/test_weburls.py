"""The one URL normal form (rongmei.core.weburls): every case the fetcher's and the analysis engine's
copies were tested for, and the cases where they differed."""

import pytest

from rongmei.core.weburls import host_key, is_http_url, normalize_url, url_key


@pytest.mark.parametrize(
    "url, expected",
    [
        # scheme and host lower-case, default port, fragment, utm_* and spm gone, query sorted
        (
            "HTTP://News.Example.TEST:80/a/b.html?utm_source=x&b=2&a=1&spm=3#top",
            "http://news.example.test/a/b.html?a=1&b=2",
        ),
        (
            "HTTPS://News.Example.COM:443/a/b.html?utm_source=wx&id=7&spm=a.b.c&from=timeline#comments",
            "https://news.example.com/a/b.html?id=7",
        ),
        # an internationalised host in IDNA, a non-ASCII path percent-encoded: the key is plain ASCII
        ("https://例子.测试/新闻/1.html", "https://xn--fsqu00a.xn--0zwm56d/%E6%96%B0%E9%97%BB/1.html"),
        # escapes in upper case, in the path and in the query
        ("https://example.com/%e4%b8%ad?q=%e4%b8%ad", "https://example.com/%E4%B8%AD?q=%E4%B8%AD"),
        # an escaped unreserved character is the character; an escaped slash stays escaped
        ("https://example.com/%7euser/a%2Fb", "https://example.com/~user/a%2Fb"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/x?b=2&a=1&a=0", "http://example.com:8080/x?a=0&a=1&b=2"),
        ("https://example.com./x", "https://example.com/x"),  # the root's trailing dot
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),  # an IPv6 host keeps its brackets
        ("https://editor:secret@example.com/x", "https://editor@example.com/x"),  # never the password
        ("https://example.com/x?flag=&id=1", "https://example.com/x?flag=&id=1"),  # blank values stay
        # WeChat: session noise goes, __biz/mid/idx/sn identify the article
        (
            "https://mp.weixin.qq.com/s?__biz=MzA&mid=22&idx=1&sn=abc&chksm=zz&scene=27#rd",
            "https://mp.weixin.qq.com/s?__biz=MzA&idx=1&mid=22&sn=abc",
        ),
        (
            "https://mp.weixin.qq.com/s?__biz=MzA&mid=22&idx=1&sn=abc&pass_ticket=p&uin=u&key=k&lang=zh_CN",
            "https://mp.weixin.qq.com/s?__biz=MzA&idx=1&mid=22&sn=abc",
        ),
        # ... and only on WeChat: "key" and "lang" are the page elsewhere
        ("https://example.com/s?key=k&lang=en", "https://example.com/s?key=k&lang=en"),
        # the share scene is dropped on every host (the fetcher always did)
        ("https://example.com/a?scene=1&id=2", "https://example.com/a?id=2"),
        # tracking names in any case, and the prefixes
        (
            "https://example.com/a?UTM_Medium=x&pk_campaign=y&hmsr=z&FBCLID=1&gclid=2&wxshare_count=3&id=9",
            "https://example.com/a?id=9",
        ),
        ("https://example.com/a?share_token=t&share_source=s", "https://example.com/a"),
        # not an absolute URL: stripped, otherwise as it was
        ("urn:partner:item:1", "urn:partner:item:1"),
        ("  not a url  ", "not a url"),
        ("http://example.com:notaport/x", "http://example.com:notaport/x"),
        ("http://example.com:99999/x", "http://example.com:99999/x"),
        ("/relative/path?utm_source=x", "/relative/path?utm_source=x"),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_normal_form_is_stable():
    for url in (
        "https://例子.测试/新闻/1.html?标题=中文&utm_source=x",
        "https://mp.weixin.qq.com/s?__biz=MzA&mid=22&idx=1&sn=abc&chksm=zz",
        "http://example.com/a b?q=a+b",
    ):
        once = normalize_url(url)
        assert normalize_url(once) == once
        assert once.isascii()


def test_url_key_drops_the_scheme_and_what_normalize_drops():
    assert url_key("http://a.cn/1?utm_medium=x") == url_key("https://A.cn/1#top") == "a.cn/1"
    assert url_key("https://a.cn/1?id=2") != url_key("https://a.cn/1?id=3")
    assert url_key("urn:partner:item:1") == "urn:partner:item:1"


def test_is_http_url():
    assert is_http_url("https://example.com/x")
    assert is_http_url("http://example.com")
    assert not is_http_url("ftp://example.com/x")
    assert not is_http_url("/relative")
    assert not is_http_url("https://")
    assert not is_http_url("http://[::1")  # urlsplit refuses it


def test_host_key_keeps_a_port_that_is_not_the_default():
    assert host_key("https://News.Example.com:443/a") == "news.example.com"
    assert host_key("http://example.com:80/a") == "example.com"
    assert host_key("http://example.com:8080/a") == "example.com:8080"
    assert host_key("https://example.com:80/a") == "example.com:80"
