"""The demo's channels (融合发布): its Weibo stand-in takes links to the address the demo serves
(its 安全域名 follows it), and the demo's every-channel story reaches every channel (slow: it loads
the demo)."""

from functools import partial

import pytest

from rongmei.distribution.contract.demo import demo_channel_configs, demo_servers


def weibo_server():
    return next(server for name, server, _port in demo_servers() if name == "weibo")


def test_the_demo_weibo_safe_domain_is_the_host_the_demo_serves(monkeypatch):
    monkeypatch.setenv("BASE_URL", "http://127.0.0.1:8000")
    assert demo_channel_configs()["weibo"]["safe_domain"] == "127.0.0.1"
    assert weibo_server().safe_domain == "127.0.0.1"


def test_without_an_address_the_demo_weibo_safe_domain_is_localhost(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    assert demo_channel_configs()["weibo"]["safe_domain"] == "localhost"


# --- the demo's every-channel story on every channel (融合发布) -----------------------------------


def main_headline(item):
    """The main headline of a ninjs 2.1 item."""
    return next(headline["value"] for headline in item["headlines"] if headline.get("role") == "main")


@pytest.fixture
def demo_platforms(monkeypatch, settings):
    """The demo's contract servers with the demo's credentials, each on a free port (a running
    ``make demo`` or another test run may hold the fixed ones), the demo pointed at them."""
    from rongmei.distribution.contract import demo as contract_demo
    from rongmei.distribution.contract.partner import PUSH_PATH
    from rongmei.partners import demo as partners_demo

    for name, value in contract_demo.demo_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BASE_URL", raising=False)  # the demo site's own address: localhost
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the servers listen here
    servers = {}
    try:
        for name, server, _fixed_port in demo_servers():
            server.start(port=0)
            servers[name] = server
        ports = {name: int(server.base_url.rsplit(":", 1)[1]) for name, server in servers.items()}
        monkeypatch.setattr(contract_demo, "WECHAT_PORT", ports["wechat"])
        monkeypatch.setattr(contract_demo, "WEIBO_PORT", ports["weibo"])
        monkeypatch.setattr(contract_demo, "DOUYIN_PORT", ports["douyin"])
        push_url = servers["partner"].base_url + PUSH_PATH
        monkeypatch.setattr(partners_demo, "load_demo", partial(partners_demo.load_demo, push_url=push_url))
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_story_is_published_on_every_channel(
    demo_platforms, monkeypatch, django_capture_on_commit_callbacks
):
    """``make demo``'s promise: the every-channel story reaches the website, the app, RSS, WeChat,
    Weibo, Douyin and the county partner center against the demo's stand-in servers; 学习强国 and
    print wait for a person by design (a package to submit, a page to place it on).

    The demo's 60 story files are left out (``load_story_specs`` answers none): they are published
    before the demo's channels and partners exist, so they take no part here, and loading them
    would treble the test's time (the full load is rongmei/demo/tests/test_loader.py's)."""
    from rongmei.demo import loader
    from rongmei.distribution.demo import EVERY_CHANNEL_TITLE
    from rongmei.distribution.models import StoryChannelStatus
    from rongmei.newsroom.models import StoryPage
    from rongmei.partners.demo import COUNTY
    from rongmei.partners.models import Partner

    monkeypatch.setattr(loader, "load_story_specs", lambda *args, **kwargs: [])
    with django_capture_on_commit_callbacks(execute=True):
        loader.load_demo_data()

    story = StoryPage.objects.get(title=EVERY_CHANNEL_TITLE)
    county = Partner.objects.get(name=COUNTY)
    rows = {
        ("partner" if row.channel.code == county.channel_code else row.channel.code): row
        for row in StoryChannelStatus.objects.filter(story=story).select_related("channel")
    }
    State = StoryChannelStatus.State
    states = {code: (row.state, row.error) for code, row in rows.items()}
    assert states == {
        **{
            code: (State.PUBLISHED, "")
            for code in ("website", "app", "rss", "wechat", "weibo", "douyin", "partner")
        },
        "xuexi": (State.NEEDS_MANUAL, ""),
        "print": (State.NEEDS_MANUAL, ""),
    }
    assert rows["wechat"].remote_url.startswith("https://mp.weixin.qq.com/")
    assert rows["weibo"].remote_url.startswith("https://weibo.com/")
    # Once each, with the channel versions 三审 approved.
    wechat, weibo, douyin, partner = (demo_platforms[n] for n in ("wechat", "weibo", "douyin", "partner"))
    assert [article["article"]["title"] for article in wechat.published()] == [
        "家门口15分钟，买菜看病取快递都能办"
    ]
    assert len(weibo.posts) == 1 and "便民生活圈" in weibo.posts[0]["text"]
    assert [item["text"] for item in douyin.items.values()] == [
        "家门口的一刻钟便民生活圈来了 #便民生活圈 #城市生活"
    ]
    assert [main_headline(entry["item"]) for entry in partner.received] == [EVERY_CHANNEL_TITLE]
