"""A topic page (专题) and its own RSS feed: only live stories, newest first, a banner and an intro,
the feed linked from the page, and both re-rendered when a story is published into the topic."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from rongmei.testing import make_image, publish_outside_review

pytestmark = pytest.mark.django_db

FEED = "/feeds/topic/zoujiceng.xml"
PAGE = "/zhuanti/zoujiceng/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = True
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_PAGE_CACHE_LOCK_SECONDS = 0.3
    cache.clear()


@pytest.fixture
def stories(site, at, on_commit):
    with on_commit():
        older = site.story(title="走进张店老街", lead="老街的早晨", topics=[site.topic], published_at=at(1))
        newer = site.story(title="张店菜市场的一天", topics=[site.topic], published_at=at(2))
        site.story(title="别的稿件", published_at=at(3))
        site.story(title="专题里的草稿", topics=[site.topic], publish=False)
        retracted = site.story(title="专题里的撤稿", topics=[site.topic], published_at=at(4))
        site.retract(retracted)
    return older, newer


def rss(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    return channel, [item.findtext("title") for item in channel.findall("item")]


def test_the_topic_feed_lists_the_topics_live_stories_newest_first(client, site, stories):
    older, _newer = stories
    channel, titles = rss(client.get(FEED))
    assert channel.findtext("title") == "测试融媒 · 记者走基层"
    assert channel.findtext("description") == "走进张店"
    assert channel.findtext("link") == f"http://testserver{site.topic.url}"
    assert titles == ["张店菜市场的一天", "走进张店老街"]
    item = channel.findall("item")[-1]
    assert item.findtext("guid") == f"urn:rongmei:story:{older.pk}"
    assert item.findtext("description") == "<p>老街的早晨</p>"


def test_an_unknown_or_unpublished_topic_has_no_feed(client, site):
    assert client.get("/feeds/topic/no-such-topic.xml").status_code == 404
    site.topic.unpublish()
    assert client.get(FEED).status_code == 404


def test_a_story_taken_down_leaves_the_topic_feed_and_page(client, site, stories, on_commit):
    _older, newer = stories
    assert "张店菜市场的一天" in rss(client.get(FEED))[1]
    with on_commit():
        newer.unpublish()
    assert "张店菜市场的一天" not in rss(client.get(FEED))[1]
    assert "张店菜市场的一天" not in client.get(PAGE).content.decode()


def test_the_topic_page_shows_banner_intro_live_stories_and_its_feed(client, site, stories, on_commit):
    topic = site.topic
    topic.banner_image = make_image("张店全景", size=(1600, 500))
    topic.intro = "<p>本报记者走进<b>张店区</b>的街道和企业。</p>"
    with on_commit():
        publish_outside_review(topic.save_revision(user=site.newsroom.chief), user=site.newsroom.chief)
    html = client.get(PAGE).content.decode()
    assert "topic-header__banner" in html
    assert "本报记者走进<b>张店区</b>的街道和企业。" in html
    assert html.index("张店菜市场的一天") < html.index("走进张店老街")
    for hidden in ("别的稿件", "专题里的草稿", "专题里的撤稿"):
        assert hidden not in html
    feed_url = f"http://testserver{FEED}"
    assert f'<link rel="alternate" type="application/rss+xml" title="记者走基层" href="{feed_url}">' in html
    assert f'<a href="{feed_url}" type="application/rss+xml">' in html


def test_without_a_banner_the_cover_is_the_banner(client, site, stories, on_commit):
    topic = site.topic
    topic.cover_image = make_image("封面")
    with on_commit():
        publish_outside_review(topic.save_revision(user=site.newsroom.chief), user=site.newsroom.chief)
    html = client.get(PAGE).content.decode()
    assert "topic-header__banner" in html
    assert "走进张店" in html  # the summary stands in for the intro


def test_a_story_published_into_the_topic_bumps_its_page_and_feed(client, site, stories, on_commit):
    for url in (PAGE, FEED, "/shehui/"):
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit", url
    with on_commit():
        site.story(title="刚发布的专题稿件", topics=[site.topic])
    for url in (PAGE, FEED):
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "刚发布的专题稿件" in response.content.decode(), url
    assert client.get("/shehui/")["X-Cache"] == "hit"


def test_a_story_published_elsewhere_leaves_the_topic_cached(client, site, stories, on_commit):
    for url in (PAGE, FEED):
        client.get(url)
    with on_commit():
        site.story(title="社会新闻", section=site.newsroom.other_section)
    for url in (PAGE, FEED):
        assert client.get(url)["X-Cache"] == "hit", url
