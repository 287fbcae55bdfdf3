"""RSS feeds, sitemap.xml and robots.txt list only what the public may see."""

import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest

from rongmei.newsroom.models import CreditRole, StoryCredit

pytestmark = pytest.mark.django_db

DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False


@pytest.fixture
def stories(site, at):
    newsroom = site.newsroom
    first = site.story(title="早间新闻", lead="早间导语", published_at=at(1, 1))
    StoryCredit.objects.create(story=first, role=CreditRole.REPORTER, staff=newsroom.reporter)
    second = site.story(title="社会新闻", section=newsroom.other_section, published_at=at(2, 1))
    cross = site.story(
        title="跨栏目新闻",
        section=newsroom.other_section,
        other_sections=[newsroom.section],
        published_at=at(3),
    )
    site.story(title="草稿新闻", publish=False)
    retracted = site.story(title="撤稿新闻", published_at=at(4))
    site.retract(retracted)
    return {"first": first, "second": second, "cross": cross, "retracted": retracted}


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    return channel, channel.findall("item")


def test_latest_feed(client, stories):
    channel, items = rss_items(client.get("/feeds/latest.xml"))
    assert "测试融媒" in channel.findtext("title")
    assert channel.findtext("language") == "zh-cn"
    assert [item.findtext("title") for item in items] == ["跨栏目新闻", "社会新闻", "早间新闻"]
    first = items[-1]
    assert first.findtext("description") == "<p>早间导语</p>"
    assert first.findtext("link") == f"http://testserver{stories['first'].url}"
    assert first.findtext("guid") == f"urn:rongmei:story:{stories['first'].pk}"
    assert first.find("guid").get("isPermaLink") == "false"
    assert first.findtext(f"{DC}creator") == "记者 王记者"
    assert parsedate_to_datetime(first.findtext("pubDate")) == stories["first"].first_published_at
    assert first.findtext("category") == "要闻"


def test_section_feed(client, stories):
    channel, items = rss_items(client.get("/feeds/section/yaowen.xml"))
    assert "要闻" in channel.findtext("title")
    assert [item.findtext("title") for item in items] == ["跨栏目新闻", "早间新闻"]
    _, items = rss_items(client.get("/feeds/section/shehui.xml"))
    assert [item.findtext("title") for item in items] == ["跨栏目新闻", "社会新闻"]
    assert client.get("/feeds/section/no-such-section.xml").status_code == 404


def test_feeds_leave_out_a_retracted_story_even_while_it_is_live(client, site, stories):
    story = site.story(title="仍在线的撤稿")
    type(story).objects.filter(pk=story.pk).update(is_retracted=True)
    for url in ("/feeds/latest.xml", "/feeds/section/yaowen.xml"):
        _, items = rss_items(client.get(url))
        titles = {item.findtext("title") for item in items}
        assert titles and not titles & {"仍在线的撤稿", "撤稿新闻", "草稿新闻"}


def test_sitemap(client, site, stories):
    story = site.story(title="仍在线的撤稿", regions=[site.district])
    type(story).objects.filter(pk=story.pk).update(is_retracted=True)
    site.story(title="区县新闻", regions=[site.city])
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {node.text for node in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    expected = {
        "http://testserver/",
        "http://testserver/yaowen/",
        "http://testserver/shehui/",
        "http://testserver/zhuanti/",
        f"http://testserver{site.topic.url}",
        f"http://testserver{stories['first'].url}",
        f"http://testserver{stories['cross'].url}",
        "http://testserver/region/zibo/",
    }
    assert expected <= locations
    assert f"http://testserver{story.url}" not in locations
    assert not any(stories["retracted"].slug in location for location in locations)
    assert "http://testserver/region/zhangdian/" not in locations, "only the retracted story is tagged there"


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_feed_description_carries_the_lead_as_text_never_as_markup(client, site):
    lead = '北京 <script>alert(1)</script> <img src=x onerror=alert(1)> & "引号"\n第二段'
    site.story(title="快讯", lead=lead)
    _channel, items = rss_items(client.get("/feeds/latest.xml"))
    description = items[0].findtext("description")  # the HTML a reader renders
    assert "<script" not in description and "<img" not in description
    assert description == (
        "<p>北京 &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; "
        '&amp; "引号"</p><p>第二段</p>'
    )
