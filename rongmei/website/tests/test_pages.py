"""Each public page type shows what it should, and never a draft or a retracted story."""

import re

import pytest
from django.utils.html import escape

from rongmei.newsroom.models import CreditRole, StoryCredit
from rongmei.testing import make_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # These tests publish inside one never-committed transaction; test_cache.py covers caching.
    settings.PUBLIC_PAGE_CACHE_ENABLED = False


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def meta(content, prop):
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', content)
    return match.group(1) if match else None


@pytest.fixture
def stories(site, at):
    newsroom = site.newsroom
    return {
        "headline": site.story(title="全市重点项目集中开工", is_headline=True, published_at=at(3)),
        "latest": site.story(title="暖心早餐车开进社区", published_at=at(4)),
        "society": site.story(title="社会新闻一则", section=newsroom.other_section, published_at=at(2)),
        "cross": site.story(
            title="跨栏目稿件",
            section=newsroom.other_section,
            other_sections=[newsroom.section],
            published_at=at(1),
        ),
        "draft": site.story(title="未发布的草稿", publish=False),
        "retracted": site.story(title="已撤回的稿件", published_at=at(5)),
    }


def test_home_shows_headlines_latest_and_section_blocks(client, site, stories):
    site.retract(stories["retracted"])
    content = html(client.get("/"))
    headlines = content.split('id="block-headlines"')[1].split("</section>")[0]
    assert "全市重点项目集中开工" in headlines and "暖心早餐车开进社区" not in headlines
    latest = content.split('id="block-latest"')[1].split("</section>")[0]
    assert "暖心早餐车开进社区" in latest
    society_block = content.split('id="block-shehui"')[1].split("</section>")[0]
    assert "社会新闻一则" in society_block and "跨栏目稿件" in society_block
    yaowen_block = content.split('id="block-yaowen"')[1].split("</section>")[0]
    assert "跨栏目稿件" in yaowen_block, "a cross-listed story shows in the other section's block"
    assert "未发布的草稿" not in content
    assert "已撤回的稿件" not in content
    assert '<html lang="zh-hans">' in content
    assert "0533-12345678" in content, "the tips hotline is in the footer"
    assert 'href="/yaowen/"' in content and 'href="/zhuanti/"' in content, "section navigation"


def test_home_blocks_follow_home_order_and_show_on_home(client, site, stories):
    newsroom = site.newsroom
    newsroom.section.home_order = 20
    newsroom.section.save_revision().publish()
    newsroom.other_section.home_order = 10
    newsroom.other_section.save_revision().publish()
    content = html(client.get("/"))
    assert content.index('id="block-shehui"') < content.index('id="block-yaowen"')
    newsroom.other_section.show_on_home = False
    newsroom.other_section.save_revision().publish()
    assert 'id="block-shehui"' not in html(client.get("/"))


def test_section_page_lists_own_and_cross_listed_stories(client, site, stories):
    site.retract(stories["retracted"])
    content = html(client.get("/yaowen/"))
    for title in ("全市重点项目集中开工", "暖心早餐车开进社区", "跨栏目稿件"):
        assert title in content
    assert "社会新闻一则" not in content
    assert "未发布的草稿" not in content and "已撤回的稿件" not in content
    # newest first
    assert (
        content.index("暖心早餐车开进社区")
        < content.index("全市重点项目集中开工")
        < content.index("跨栏目稿件")
    )
    assert 'href="http://testserver/feeds/section/yaowen.xml"' in content
    assert 'href="http://testserver/feeds/latest.xml"' in content
    assert '<link rel="canonical" href="http://testserver/yaowen/">' in content


def test_article_page_shows_the_whole_story(client, site, at):
    cover = make_image(caption="开工现场", credit="记者 王明 摄")
    inline = make_image(title="车间", caption="工人在车间作业", credit="通讯员 李华 摄")
    other = site.story(title="同专题的另一篇", topics=[site.topic], published_at=at(1))
    story = site.story(
        title="全市重点项目集中开工",
        kicker="抢抓一季度",
        subheadline="总投资超百亿元",
        lead="3月2日，全市重点项目集中开工。",
        source="淄博日报",
        cover_image=cover,
        body=f'<p>第一段。</p><embed embedtype="image" id="{inline.pk}" format="left" alt="车间一角"/><p>第二段。</p>',
        regions=[site.district],
        topics=[site.topic],
        tags=["重点项目"],
        corrections=[(at(5, 2, 15), "原稿中投资额有误，已更正。")],
        published_at=at(2, 0, 30),
    )
    StoryCredit.objects.create(story=story, role=CreditRole.REPORTER, staff=site.newsroom.reporter)
    StoryCredit.objects.create(story=story, role=CreditRole.CORRESPONDENT, name="张通讯")
    content = html(client.get(story.url))
    assert '<p class="story__kicker">抢抓一季度</p>' in content
    assert '<h1 class="story__title">全市重点项目集中开工</h1>' in content
    assert "总投资超百亿元" in content
    assert "记者 王记者  通讯员 张通讯" in content
    assert "淄博日报" in content
    # 00:30 UTC is 08:30 in Beijing
    assert '<time datetime="2025-03-02T08:30:00+08:00">2025年3月2日 08:30</time>' in content
    assert "3月2日，全市重点项目集中开工。" in content
    cover_figure = content.split('<figure class="story__cover">')[1].split("</figure>")[0]
    assert "开工现场" in cover_figure and "记者 王明 摄" in cover_figure
    assert re.search(r'<img [^>]*width="\d+"', cover_figure)
    inline_figure = content.split('<figure class="body-figure body-figure--left">')[1].split("</figure>")[0]
    assert 'alt="车间一角"' in inline_figure and 'loading="lazy"' in inline_figure
    assert re.search(r'width="\d+" height="\d+"', inline_figure)
    assert (
        "<figcaption>" in inline_figure
        and "工人在车间作业" in inline_figure
        and "通讯员 李华 摄" in inline_figure
    )
    assert "本稿件版权归测试日报所有" in content
    corrections = content.split('<aside class="corrections"')[1].split("</aside>")[0]
    assert "2025年3月5日 10:15" in corrections and "原稿中投资额有误，已更正。" in corrections
    assert content.index('class="corrections"') < content.index('class="story__body"'), (
        "corrections come first"
    )
    assert "重点项目" in content.split('class="chips"')[1]
    assert 'href="/region/zhangdian/"' in content
    assert f'href="{site.topic.url}"' in content
    related = content.split('id="block-related"')[1]
    assert "同专题的另一篇" in related and other.url in related
    assert meta(content, "og:type") == "article"
    assert meta(content, "og:title") == "全市重点项目集中开工"
    assert meta(content, "og:description") == "3月2日，全市重点项目集中开工。"
    assert meta(content, "description") == "3月2日，全市重点项目集中开工。"
    assert meta(content, "og:image").startswith("http://testserver/media/images/")
    assert f'<link rel="canonical" href="http://testserver{story.url}">' in content
    assert "<title>全市重点项目集中开工 - 测试融媒</title>" in content
    assert 'type="application/rss+xml"' in content


def test_escapes_story_text(client, site):
    story = site.story(title="<script>alert(1)</script>标题")
    content = html(client.get(story.url))
    assert "<script>alert(1)</script>" not in content
    assert escape("<script>alert(1)</script>") in content


def test_retracted_story_page_is_not_served(client, site):
    story = site.story(title="将被撤回的稿件")
    site.retract(story)
    response = client.get(f"/yaowen/{story.slug}/")
    assert response.status_code == 404  # the retraction took it off the site (410 while still live: below)
    assert "将被撤回的稿件" not in response.content.decode()


def test_story_marked_retracted_but_still_live_is_gone(client, site):
    story = site.story(title="仍在线的撤稿")
    type(story).objects.filter(pk=story.pk).update(is_retracted=True, retraction_reason="事实有误")
    response = client.get(story.url)
    assert response.status_code == 410
    content = response.content.decode()
    assert "仍在线的撤稿" not in content and 'name="robots" content="noindex"' in content


def test_draft_story_is_not_found(client, site):
    story = site.story(title="草稿", publish=False)
    assert client.get(f"/yaowen/{story.slug}/").status_code == 404


def test_region_page_includes_stories_of_regions_below(client, site, at):
    site.story(title="张店区新闻", regions=[site.district], published_at=at(1))
    site.story(title="淄博市新闻", regions=[site.city], published_at=at(2))
    site.story(title="济南市新闻", regions=[site.other_city], published_at=at(3))
    site.story(title="张店区草稿", regions=[site.district], publish=False)
    retracted = site.story(title="张店区撤稿", regions=[site.district])
    site.retract(retracted)
    city = html(client.get("/region/zibo/"))
    assert "张店区新闻" in city and "淄博市新闻" in city
    assert "济南市新闻" not in city and "张店区草稿" not in city and "张店区撤稿" not in city
    assert 'href="/region/zhangdian/"' in city, "links to the places below"
    assert 'href="/region/shandong/"' in city, "breadcrumb to the province"
    province = html(client.get("/region/shandong/"))
    assert all(title in province for title in ("张店区新闻", "淄博市新闻", "济南市新闻"))
    district = html(client.get("/region/zhangdian/"))
    assert "张店区新闻" in district and "淄博市新闻" not in district
    assert '<link rel="canonical" href="http://testserver/region/zhangdian/">' in district
    assert client.get("/region/no-such-place/").status_code == 404


def test_topic_index_and_topic_page(client, site, at):
    site.story(title="走基层第一篇", topics=[site.topic], published_at=at(1))
    site.story(title="走基层第二篇", topics=[site.topic], published_at=at(2))
    site.story(title="走基层草稿", topics=[site.topic], publish=False)
    site.story(title="无关稿件", published_at=at(3))
    index = html(client.get("/zhuanti/"))
    assert "记者走基层" in index and f'href="{site.topic.url}"' in index
    assert "2 stories" in index or "2 篇" in index
    topic = html(client.get(site.topic.url))
    assert "走基层第一篇" in topic and "走基层第二篇" in topic
    assert "走基层草稿" not in topic and "无关稿件" not in topic
    assert topic.index("走基层第二篇") < topic.index("走基层第一篇")
    assert 'href="/region/zhangdian/"' in topic


@pytest.fixture
def many_stories(site, monkeypatch):
    from rongmei.website import pages

    monkeypatch.setattr(pages, "STORIES_PER_PAGE", 2)
    return [site.story(title=f"分页稿件{n}", regions=[site.district], topics=[site.topic]) for n in range(5)]


@pytest.mark.parametrize("url", ["/yaowen/", "/region/zibo/", "/zhuanti/zoujiceng/"])
def test_pagination(client, site, many_stories, url):
    first = html(client.get(url))
    assert "分页稿件4" in first and "分页稿件3" in first and "分页稿件2" not in first
    assert 'rel="next" href="?page=2"' in first
    third = html(client.get(url + "?page=3"))
    assert "分页稿件0" in third and "分页稿件1" not in third
    assert re.search(r'<link rel="canonical" href="http://[^"]+\?page=3">', third)
    for bad in ("0", "4", "-1", "abc", "9" * 5000, ""):
        assert client.get(url, {"page": bad}).status_code == 404, bad
