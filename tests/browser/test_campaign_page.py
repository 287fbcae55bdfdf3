"""A campaign's public topic page (专题) in the browser: the banner picture loads, the intro and a
published story show, a draft does not, and the page's own RSS feed is linked and answers."""

import datetime
import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage

from rongmei.campaigns import services
from rongmei.media.models import NewsImage
from rongmei.newsroom.models import TopicIndexPage, TopicPage
from rongmei.testing import publish_outside_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def banner_picture():
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 600), (40, 110, 170)).save(buffer, "JPEG")
    return NewsImage.objects.create(title="张店全景", file=ImageFile(buffer, name="banner.jpg"))


@pytest.fixture
def topic_page(newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_PAGE_CACHE_ENABLED = False
    chief = type(newsroom.chief).objects.get(pk=newsroom.chief.pk)
    newsroom.home.add_child(instance=TopicIndexPage(title="专题", slug="zhuanti"))
    campaign = services.create_campaign(
        acting_user=chief,
        name="记者看张店",
        partner_name="张店区人民政府",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
        description="记者走进张店区。",
        goal_stories=5,
        state="running",
    )
    page, published = services.create_topic_page(campaign, acting_user=chief, slug="kan-zhangdian")
    assert published
    page = TopicPage.objects.get(pk=page.pk)
    page.banner_image = banner_picture()
    page.intro = "<p>本报记者走进<b>张店区</b>的街道、企业和社区，记录老工业城区的新变化。</p>"
    publish_outside_review(page.save_revision(user=chief), user=chief)
    story = newsroom.add_story(title="张店老街换新颜", lead="老街改造完成。", topics=[page])
    publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)
    newsroom.add_story(title="还没发布的张店稿件", topics=[page])
    return page


def test_the_topic_page_shows_banner_intro_story_and_feed(new_page, live_server, topic_page):
    page = new_page()
    page.goto(f"{live_server.url}/zhuanti/kan-zhangdian/")
    banner = page.locator("img.topic-header__banner")
    banner.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", banner.element_handle())
    box = banner.bounding_box()
    assert box["width"] > 2 * box["height"]  # a wide banner
    assert page.locator("h1").inner_text() == "记者看张店"
    assert "记录老工业城区的新变化" in page.locator(".topic-header__intro").inner_text()
    assert page.get_by_role("link", name="张店老街换新颜").is_visible()
    assert page.get_by_text("还没发布的张店稿件").count() == 0

    feed_href = page.locator('head link[rel="alternate"][title="记者看张店"]').get_attribute("href")
    assert feed_href.endswith("/feeds/topic/kan-zhangdian.xml")
    visible = page.locator(".topic-header__feed a")
    assert visible.is_visible() and visible.get_attribute("href") == feed_href
    assert feed_href.startswith(live_server.url)
    response = page.request.get(feed_href)
    assert response.ok and response.headers["content-type"].startswith("application/rss+xml")
    assert "张店老街换新颜" in response.text() and "还没发布的张店稿件" not in response.text()
