"""融合发布 in a real browser: an editor writes the story's WeChat and Weibo versions (counted against
the platforms' limits while typing), 三审 approves them, and every channel's status turns to
published against the platforms' local contract servers."""

import re

import pytest
from playwright.sync_api import expect

from rongmei.distribution import services as distribution_services
from rongmei.distribution.contract.wechat import WeChatContractServer
from rongmei.distribution.contract.weibo import WeiboContractServer
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.distribution.tests.test_wechat import make_image
from rongmei.newsroom.models import StoryPage
from rongmei.review import services as review_services
from rongmei.review.services import ensure_review_workflow
from rongmei.testing import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WECHAT_TITLE = "家门口15分钟，买菜看病取快递都能办"
WEIBO_TEXT = "【首批便民生活圈建成投用】步行15分钟即可买菜、看病、取快递。"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


@pytest.fixture
def platforms(newsroom, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the contract servers are local
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    with WeChatContractServer() as wechat, WeiboContractServer(safe_domain="localhost") as weibo:
        monkeypatch.setenv("RONGMEI_CHANNEL_WECHAT_APP_SECRET", wechat.secret)
        monkeypatch.setenv("RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN", weibo.access_token)
        distribution_services.ensure_channels()
        Channel.objects.filter(code__in=["xuexi", "print"]).update(enabled=False)
        Channel.objects.filter(code="wechat").update(
            enabled=True,
            config={
                "base_url": wechat.base_url,
                "app_id": wechat.app_id,
                "poll_seconds": 5,
                "poll_interval": 0.01,
            },
        )
        Channel.objects.filter(code="weibo").update(
            enabled=True,
            config={"base_url": weibo.base_url, "safe_domain": "localhost", "rip": "203.0.113.7"},
        )
        yield {"wechat": wechat, "weibo": weibo}


def test_channel_versions_through_review_to_every_channel(newsroom, live_server, new_page, platforms):
    ensure_review_workflow(newsroom.home)
    base_url = live_server.url
    story = newsroom.add_story(
        title="全市首批32个“一刻钟便民生活圈”建成投用",
        body="<p>全市首批32个便民生活圈日前建成投用，居民步行15分钟即可买菜、看病和取快递。</p>",
        cover_image=make_image(),
    )

    # 1. The editor opens the story's 渠道 tab and adds a WeChat and a Weibo version.
    page = new_page()
    log_in(page, base_url, "reporter")
    page.goto(f"{base_url}/admin/pages/{story.pk}/edit/")
    page.click("a[role=tab]:has-text('渠道')")
    wechat = Channel.objects.get(code="wechat")
    weibo = Channel.objects.get(code="weibo")
    page.click("#id_channel_versions-ADD")
    page.select_option("#id_channel_versions-0-channel", str(wechat.pk))
    # Over WeChat's 32-character title limit: the counter says so while typing.
    page.fill("#id_channel_versions-0-title", "家" * 35)
    expect(page.locator("#id_channel_versions-0-title-limit")).to_contain_text("32")
    expect(page.locator("#id_channel_versions-0-title-limit")).to_have_class(re.compile("error-message"))
    page.fill("#id_channel_versions-0-title", WECHAT_TITLE)
    expect(page.locator("#id_channel_versions-0-title-limit")).not_to_have_class(re.compile("error-message"))
    page.click("#id_channel_versions-ADD")
    page.select_option("#id_channel_versions-1-channel", str(weibo.pk))
    page.fill("#id_channel_versions-1-text", WEIBO_TEXT)
    page.click("footer .w-dropdown__toggle")
    with page.expect_navigation():
        page.click("button[name=action-submit]")
    story = StoryPage.objects.get(pk=story.pk)
    assert story.current_workflow_state is not None, page.content()
    submitted = story.latest_revision.as_object()
    assert {v.channel.code: (v.title, v.text) for v in submitted.channel_versions.all()} == {
        "wechat": (WECHAT_TITLE, ""),
        "weibo": ("", WEIBO_TEXT),
    }

    # 2. 初审 and 复审 approve; 终审 sees the versions in the editor before signing off.
    for username in ("editor", "director"):
        review_services.approve(StoryPage.objects.get(pk=story.pk), acting_user=getattr(newsroom, username))
    chief = new_page()
    log_in(chief, base_url, "chief")
    chief.goto(f"{base_url}/admin/pages/{story.pk}/edit/")
    chief.click("a[role=tab]:has-text('渠道')")
    expect(chief.locator("#id_channel_versions-0-title")).to_have_value(WECHAT_TITLE)
    expect(chief.locator("#id_channel_versions-1-text")).to_have_value(WEIBO_TEXT)
    chief.click("footer .w-dropdown__toggle")
    chief.click("[data-workflow-action-name=approve]")
    chief.fill("textarea[name=comment]", "同意签发")
    with chief.expect_navigation():
        chief.click(".modal button[type=submit]")

    # 3. Every channel's status turns to published, the platforms got exactly one post each.
    chief.goto(f"{base_url}/admin/distribution/story/{story.pk}/")
    rows = chief.locator("#distribution-story tbody tr")
    expect(rows).to_have_count(5)
    for code in ("website", "app", "rss", "wechat", "weibo"):
        expect(chief.locator(f"tr[data-channel={code}] [data-state]")).to_have_attribute(
            "data-state", "published"
        )
    states = dict(StoryChannelStatus.objects.filter(story=story).values_list("channel__code", "state"))
    assert states == dict.fromkeys(["website", "app", "rss", "wechat", "weibo"], "published")
    assert [article["article"]["title"] for article in platforms["wechat"].published()] == [WECHAT_TITLE]
    assert len(platforms["weibo"].posts) == 1 and WEIBO_TEXT in platforms["weibo"].posts[0]["text"]
