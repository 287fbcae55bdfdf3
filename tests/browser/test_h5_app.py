"""The H5 app (/h5/) on an iPhone-size screen, reading only the content API.

The list shows the published stories; a region shows only its own; an article shows its body and
its correction; a story retracted meanwhile shows the retraction notice and leaves the list; a
refresh of an unchanged list costs a 304 and a pull-to-refresh gesture brings a newly published
story. No console error, no CSP violation.

The app's texts come from the shell's config (translated by Django), so the test reads them from
there: it holds whether or not the zh-Hans catalogue has the app's messages yet.
"""

import io
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.models import Site

from rongmei.media.models import NewsImage
from rongmei.mobile import views
from rongmei.newsroom.models import CorrectionNote, CreditRole, Region, StoryCredit, StoryPage
from rongmei.testing import publish_outside_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IPHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    ),
}

# Registered before any script of the page runs: CSP violations, and every fetch the app starts
# (recorded when it is called, so a test knows synchronously whether a gesture asked anything).
INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
window.__fetches = [];
const originalFetch = window.fetch;
window.fetch = function (url, options) {
  window.__fetches.push(String(url));
  return originalFetch.apply(this, arguments);
};
"""

# A finger pulling the top of the list down by `distance` pixels and letting go; returns the
# addresses the app fetched meanwhile.
PULL = """
(distance) => {
  const before = window.__fetches.length;
  const touch = (y) => new Touch({identifier: 1, target: document.body, clientX: 195, clientY: y});
  const fire = (type, y, lifted) => document.body.dispatchEvent(new TouchEvent(type, {
    touches: lifted ? [] : [touch(y)], changedTouches: [touch(y)], bubbles: true, cancelable: true,
  }));
  fire("touchstart", 120);
  for (let step = 1; step <= 10; step++) fire("touchmove", 120 + (distance * step) / 10);
  fire("touchend", 120 + distance, true);
  return window.__fetches.slice(before);
}
"""


class H5Site:
    """Stories in two sections and three regions, published at known times (newest last)."""

    def __init__(self, newsroom, live_server):
        self.newsroom = newsroom
        # The API's image addresses use the site's root URL: the live server's, as in production.
        Site.objects.update(port=urlsplit(live_server.url).port)
        self.province = Region.objects.create(name="山东省", slug="shandong", level=Region.Level.PROVINCE)
        self.city = Region.objects.create(
            name="淄博市", slug="zibo", level=Region.Level.CITY, parent=self.province
        )
        self.district = Region.objects.create(
            name="张店区", slug="zhangdian", level=Region.Level.DISTRICT, parent=self.city
        )
        self.other_city = Region.objects.create(
            name="济南市", slug="jinan", level=Region.Level.CITY, parent=self.province
        )
        self.clock = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def story(
        self, title, *, body="<p>正文</p>", section=None, regions=(), cover=None, corrections=(), by=()
    ):
        story = self.newsroom.add_story(title=title, body=body, section=section, cover_image=cover)
        if regions:
            story.regions = list(regions)
        for text in corrections:
            story.corrections.add(CorrectionNote(noted_at=self.clock, text=text))
        for name in by:
            story.credits.add(StoryCredit(role=CreditRole.REPORTER, name=name))
        publish_outside_review(story.save_revision(user=self.newsroom.reporter), user=self.newsroom.chief)
        self.clock += timedelta(minutes=5)
        StoryPage.objects.filter(pk=story.pk).update(first_published_at=self.clock)
        story.refresh_from_db()
        return story

    def retract(self, story, reason):
        story.is_retracted = True
        story.retraction_reason = reason
        publish_outside_review(story.save_revision(user=self.newsroom.editor), user=self.newsroom.chief)


def make_image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (960, 540), (30, 90, 160)).save(buffer, "JPEG")
    return NewsImage.objects.create(
        title="工地全景", caption="新区一期工地", credit="记者 王明 摄", file=ImageFile(buffer, name="h5.jpg")
    )


@pytest.fixture
def h5(newsroom, live_server, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Small pages, so the list needs "load more" with a handful of stories.
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    return H5Site(newsroom, live_server)


@pytest.fixture
def phone(browser):
    context = browser.new_context(**IPHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.add_init_script(INIT_SCRIPT)
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.api_calls = []
    page.on(
        "response",
        lambda r: (
            "/api/v1/" in r.url
            and page.api_calls.append((r.url, r.status, r.request.headers.get("if-none-match")))
        ),
    )
    yield page
    context.close()


def headlines(page):
    return page.locator(".story-list .story__title")


def expect_headlines(page, titles):
    expect(headlines(page)).to_have_text(titles)


def test_h5_app_at_phone_width(h5, live_server, phone):
    newsroom = h5.newsroom
    general = h5.story("全省经济运行稳中有进", body="<p>一季度全省经济运行稳中有进。</p>")
    zibo = h5.story(
        "淄博新区一期工程开工",
        body="<p>新区一期工程今天开工，<b>总投资百亿元</b>。</p>",
        regions=[h5.district],
        cover=make_image(),
        corrections=["第二段的数字应为一百亿元。"],
        by=["张三"],
    )
    jinan = h5.story("济南泉水节开幕", section=newsroom.other_section, regions=[h5.other_city])
    zhangdian = h5.story("张店区新建三所学校", section=newsroom.other_section, regions=[h5.city])
    doomed = h5.story("一篇将被撤回的稿件", body="<p>这段文字不应再出现。</p>")
    newsroom.add_story(title="尚未发布的草稿")  # never live: never in the app

    page = phone
    page.goto(f"{live_server.url}/h5/")
    strings = json.loads(page.locator("#h5-config").text_content())["strings"]
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    expect(page.locator(".topbar__name")).to_have_text("测试融媒")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    # 1. The latest stories, newest first, three at a time; the rest come by the cursor.
    expect_headlines(page, [doomed.title, zhangdian.title, jinan.title, zibo.title, general.title])
    expect(page.locator(".list-end")).to_have_text(strings["noMore"])
    assert any("cursor=" in url for url, status, _ in page.api_calls), page.api_calls
    expect(page.get_by_text("尚未发布的草稿")).to_have_count(0)
    # The channel bar: 推荐 (current) and the sections from the API.
    channels = page.locator(".channels__list .channel")
    expect(channels).to_have_text([strings["latest"], "要闻", "社会"])
    expect(channels.first).to_have_attribute("aria-current", "page")
    # The cover's thumbnail, loaded, with its caption as alt text.
    thumb = page.locator(f"[data-story='{zibo.pk}'] img.story__thumb")
    expect(thumb).to_have_attribute("alt", "新区一期工地")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())

    # 2. A section.
    channels.filter(has_text="社会").click()
    expect(page).to_have_url(f"{live_server.url}/h5/#/section/{newsroom.other_section.pk}")
    expect_headlines(page, [zhangdian.title, jinan.title])

    # 3. The region sheet: province → city → district; 淄博市 includes 张店区's stories.
    page.get_by_role("button", name=strings["regions"]).click()
    sheet = page.get_by_role("dialog", name=strings["chooseRegion"])
    expect(sheet).to_be_visible()
    expect(sheet.locator(".region-option")).to_have_text(["山东省", "济南市", "淄博市", "张店区"])
    sheet.get_by_role("button", name="淄博市").click()
    expect(sheet).to_be_hidden()
    expect(page).to_have_url(f"{live_server.url}/h5/#/region/zibo")
    expect_headlines(page, [zhangdian.title, zibo.title])
    region_tab = page.locator(".channel--region")
    expect(region_tab).to_have_text("淄博市")
    expect(region_tab).to_have_attribute("aria-current", "page")
    # Remembered: after a reload on 推荐 the region is still in the channel bar.
    page.goto(f"{live_server.url}/h5/#/")
    page.reload()
    expect(page.locator(".channel--region")).to_have_text("淄博市")
    assert json.loads(page.evaluate("localStorage.getItem('rongmei.h5.region')"))["slug"] == "zibo"
    page.locator(".channel--region").click()
    expect_headlines(page, [zhangdian.title, zibo.title])

    # 4. An article: headline, byline, body, correction; back to the same list.
    page.get_by_role("link", name=zibo.title).click()
    expect(page).to_have_url(f"{live_server.url}/h5/#/item/{zibo.pk}")
    article = page.locator("article.article")
    expect(article.locator("h1")).to_have_text(zibo.title)
    expect(article.locator(".article__by")).to_have_text("记者 张三")
    expect(article.locator(".article__body")).to_have_text("新区一期工程今天开工，总投资百亿元。")
    expect(article.locator(".article__body strong, .article__body b")).to_have_text("总投资百亿元")
    expect(article.locator(".article__corrections")).to_contain_text("第二段的数字应为一百亿元。")
    expect(article.locator(".article__cover img")).to_have_attribute("alt", "新区一期工地")
    expect(page.locator(".channels")).to_be_hidden()
    page.get_by_role("button", name=strings["back"]).click()
    expect(page).to_have_url(f"{live_server.url}/h5/#/region/zibo")
    expect_headlines(page, [zhangdian.title, zibo.title])

    # 5. A story retracted while the list shows it: the notice with the reason, no text; it leaves
    # the list.
    first_page = f"{live_server.url}/api/v1/items?limit=3"
    with page.expect_response(first_page):  # coming back, the list asks whether it changed
        page.locator(".channels__list .channel").first.click()
    expect(headlines(page).first).to_have_text(doomed.title)
    h5.retract(doomed, "报道中的数据有误")
    page.get_by_role("link", name=doomed.title).click()
    retraction = page.locator(".retraction")
    expect(retraction.locator("h2")).to_have_text(strings["retracted"])
    expect(retraction).to_contain_text("报道中的数据有误")
    expect(page.locator(".article__body")).to_have_count(0)
    expect(page.get_by_text("这段文字不应再出现")).to_have_count(0)
    page.get_by_role("button", name=strings["back"]).click()
    expect_headlines(page, [zhangdian.title, jinan.title, zibo.title, general.title])

    # 6. Refresh an unchanged list: one request with the list's ETag, answered 304, nothing lost.
    page.api_calls.clear()
    page.locator(".topbar [data-action=refresh]").click()
    expect(page.locator(".toast")).to_have_text(strings["upToDate"])
    assert [(status, bool(etag)) for url, status, etag in page.api_calls if url == first_page] == [
        (304, True)
    ]
    expect_headlines(page, [zhangdian.title, jinan.title, zibo.title, general.title])

    # 7. A story published meanwhile comes with a pull on the top of the list.
    fresh = h5.story("刚刚发布的快讯", body="<p>快讯正文。</p>")
    page.api_calls.clear()
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate(PULL, 200) == [first_page]
    expect(headlines(page).first).to_have_text(fresh.title)
    assert [status for url, status, _ in page.api_calls if url == first_page] == [200]
    expect(page.locator(".toast")).to_contain_text("1")

    # 8. A pull too short to count asks nothing.
    assert page.evaluate(PULL, 40) == []

    violations = page.evaluate("window.__cspViolations")
    assert not violations, violations
    assert not page.problems, page.problems


def test_h5_app_says_so_when_the_network_fails(h5, live_server, phone):
    story = h5.story("断网前加载的稿件")
    page = phone
    page.goto(f"{live_server.url}/h5/")
    strings = json.loads(page.locator("#h5-config").text_content())["strings"]
    expect_headlines(page, [story.title])

    page.context.set_offline(True)
    expect(page.locator("[data-offline]")).to_be_visible()
    page.evaluate(PULL, 200)
    expect(page.locator(".notice--error p")).to_have_text(strings["networkError"])
    expect_headlines(page, [story.title])  # what was loaded stays

    page.get_by_role("button", name=strings["retry"]).click()  # still offline: still the notice
    expect(page.locator(".notice--error p")).to_have_text(strings["networkError"])

    # Back online, the app asks again by itself.
    page.context.set_offline(False)
    expect(page.locator("[data-offline]")).to_be_hidden()
    expect(page.locator(".notice--error")).to_have_count(0)
    expect_headlines(page, [story.title])


HOSTILE_BODY = (
    '<p class="lead" style="color:red" onclick="window.__pwned = 1">正文第一段<script>window.__pwned = 2</script></p>'
    '<img src="javascript:window.__pwned = 3" onerror="window.__pwned = 3" alt="图">'
    '<iframe src="/h5/"></iframe>'
    '<p><a href="javascript:window.__pwned = 4">危险链接</a> <a href="https://example.org/a">普通链接</a></p>'
    "<svg><script>window.__pwned = 5</script></svg>"
    '<form action="/"><button formaction="/">按钮</button></form>'
)


def test_h5_app_shows_only_clean_html_from_our_api(h5, live_server, phone):
    """The API sanitises bodies; the app copies them through its own allow-list all the same, and
    shows nothing that does not look like our API's item for the story asked."""
    story = h5.story("正文安全测试稿", body="<p>原文</p>")
    page = phone
    item_url = f"{live_server.url}/api/v1/items/{story.pk}"
    answers = {}

    def answer(route):
        response = route.fetch()
        item = response.json()
        kind = answers["kind"]
        if kind == "hostile":
            item["bodies"][0]["value"] = HOSTILE_BODY
        elif kind == "not ours":
            item["uri"] = "urn:elsewhere:story:1"
        elif kind == "another story":
            item["altids"] = [{"role": "id", "value": str(story.pk + 1)}]
        content_type = "text/html" if kind == "not json" else "application/json"
        route.fulfill(status=200, content_type=content_type, body=json.dumps(item))

    page.route(item_url, answer)
    page.goto(f"{live_server.url}/h5/")
    strings = json.loads(page.locator("#h5-config").text_content())["strings"]
    expect_headlines(page, [story.title])

    answers["kind"] = "hostile"
    page.get_by_role("link", name=story.title).click()
    body = page.locator(".article__body")
    expect(body).to_contain_text("正文第一段")
    html = body.inner_html()
    for forbidden in (
        "script",
        "iframe",
        "svg",
        "form",
        "button",
        "onclick",
        "onerror",
        "style=",
        "class=",
        "javascript:",
        "__pwned",  # the text of a script or an event handler
    ):
        assert forbidden not in html, (forbidden, html)
    assert body.locator("img").count() == 0  # its only source was not http(s)
    expect(body.get_by_text("危险链接")).not_to_have_attribute("href", re.compile("."))
    expect(body.get_by_role("link", name="普通链接")).to_have_attribute("href", "https://example.org/a")
    expect(body.get_by_role("link", name="普通链接")).to_have_attribute("rel", "noopener noreferrer")
    assert page.evaluate("window.__pwned") is None

    for kind in ("not ours", "another story", "not json"):
        answers["kind"] = kind
        page.goto(f"{live_server.url}/h5/#/")
        page.goto(f"{live_server.url}/h5/#/item/{story.pk}")
        page.reload()
        expect(page.locator(".article-view .notice--error p")).to_have_text(strings["badAnswer"])
        expect(page.locator(".article__body")).to_have_count(0)
        expect(page.get_by_text("原文")).to_have_count(0)


def test_h5_app_plays_a_storys_video_in_place_of_its_cover(h5, live_server, phone):
    """A story with a transcoded library video opens with an HTML5 player (720p and 1080p MP4s, the
    poster), as on the website; the file plays (the browser reads its duration)."""
    from rongmei.video import services as video_services
    from rongmei.video.tests.media import make_clip

    video = video_services.make_asset_from_file(
        h5.newsroom.reporter, "clip.mp4", io.BytesIO(make_clip("640x360", 2)), transcode_now=True
    )
    video.caption = "现场视频"
    video.save()
    story = h5.story("有视频的稿件", cover=make_image())
    StoryPage.objects.filter(pk=story.pk).update(video=video)
    page = phone
    page.goto(f"{live_server.url}/h5/")
    page.get_by_role("link", name=story.title).click()
    player = page.locator(".article__media video")
    expect(player).to_have_attribute("poster", re.compile(re.escape(video.poster.url) + "$"))
    sources = player.locator("source")
    expect(sources.first).to_have_attribute("src", re.compile(re.escape(video.rendition("720p").url) + "$"))
    expect(page.locator(".article__media figcaption")).to_have_text("现场视频")
    expect(page.locator(".article__cover")).to_have_count(0)
    page.wait_for_function("document.querySelector('.article__media video').readyState >= 1")
    duration = page.evaluate("document.querySelector('.article__media video').duration")
    assert 1.5 < duration < 2.5
    assert page.evaluate("window.__cspViolations") == []
    assert page.problems == []
