"""Teasers are rendered once per version of what they show (templatetags/teasers.py): a teaser in
the cache is used as it is, a story's new revision, a new image or a move gives it a new key, and a
retracted story leaves every list on the next render."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from rongmei.testing import make_image, publish_outside_review
from rongmei.website import queries
from rongmei.website.templatetags import teasers
from rongmei.website.templatetags.website_tags import page_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False
    cache.clear()


def request_for(path="/"):
    return RequestFactory().get(path, HTTP_HOST="localhost")


def listed(story):
    """The story as the public lists read it (queries.for_list)."""
    return queries.for_list(queries.public_stories().filter(pk=story.pk)).get()


def item_key(story, show_section=False):
    story = listed(story)
    return teasers.teaser_key(story, teasers.ITEM, page_path(story, request_for()), show_section)


def new_revision(site, story, **fields):
    for name, value in fields.items():
        setattr(story, name, value)
    publish_outside_review(story.save_revision(user=site.newsroom.editor), user=site.newsroom.chief)
    story.refresh_from_db()
    return story


def test_a_cached_teaser_is_used_as_it_is(client, site):
    story = site.story(title="缓存中的稿件")
    cache.set(item_key(story), '<li class="story-item">FROM-THE-CACHE</li>')
    html = client.get(story.get_parent().url).content.decode()
    assert "FROM-THE-CACHE" in html
    assert "缓存中的稿件" not in html


def test_a_new_revision_gives_the_teaser_a_new_key(client, site):
    story = site.story(title="初稿标题")
    before = item_key(story)
    assert "初稿标题" in client.get("/").content.decode()
    new_revision(site, story, title="更正后的标题")
    assert item_key(story) != before
    html = client.get("/").content.decode()
    assert "更正后的标题" in html
    assert "初稿标题" not in html


def test_a_new_cover_image_or_a_move_gives_a_new_key(site):
    story = site.story(title="有图的稿件", cover_image=make_image(title="旧图"))
    first = item_key(story)
    new_revision(site, story, cover_image=make_image(title="新图"))
    second = item_key(story)
    assert second != first
    story.move(site.newsroom.other_section, pos="last-child")
    assert item_key(story) != second


def test_a_retracted_story_leaves_the_lists_on_the_next_render(client, site):
    story = site.story(title="将被撤回的稿件")
    section_url = site.newsroom.section.url
    assert "将被撤回的稿件" in client.get("/").content.decode()
    assert "将被撤回的稿件" in client.get(section_url).content.decode()
    site.retract(story)
    assert "将被撤回的稿件" not in client.get("/").content.decode()
    assert "将被撤回的稿件" not in client.get(section_url).content.decode()


def test_teaser_and_navigation_links_are_wagtails_urls(client, site):
    story = site.story(title="链接稿件", cover_image=make_image(title="图"))
    other = site.story(title="社会稿件", section=site.newsroom.other_section)
    html = client.get("/").content.decode()
    for page in (story, other, site.newsroom.section, site.newsroom.other_section, site.topic_index):
        assert f'href="{page.get_url()}"' in html, page
    assert page_path(site.newsroom.home, request_for()) == site.newsroom.home.get_url() == "/"


def test_warm_teasers_read_no_images(client, site):
    for n in range(4):
        site.story(title=f"图片稿件{n}", cover_image=make_image(title=f"图{n}"), is_headline=n == 0)
    client.get("/")  # the teasers and their renditions are made
    cache_entries = {key for key in cache._cache if teasers.KEY_PREFIX in key}
    assert len(cache_entries) >= 4
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/").content.decode()
    assert html.count('class="story-item__image"') >= 3
    image_queries = [q["sql"] for q in captured.captured_queries if 'FROM "media_newsimage' in q["sql"]]
    assert image_queries == []


def test_cold_teasers_show_what_wagtails_image_tags_showed(client, site):
    site.story(title="第二条", cover_image=make_image(title="二图"), is_headline=True)
    story = site.story(title="头条稿件", cover_image=make_image(title="头图"), is_headline=True)
    html = client.get("/").content.decode()
    assert 'class="lead-story__image"' in html
    assert 'srcset="' in html and "fill-480x270" in html and "fill-960x540" in html
    assert "fill-240x160" in html and "fill-480x320" in html
    assert f'<a class="lead-story" href="{story.get_url()}">' in html


def test_a_renamed_section_shows_in_its_teasers_on_the_next_render(client, site):
    site.story(title="栏目改名前的稿件")
    client.get("/")
    section = site.newsroom.section
    section.title = "要闻改名"
    publish_outside_review(section.save_revision(user=site.newsroom.chief), user=site.newsroom.chief)
    html = client.get("/").content.decode()
    assert '<span class="story-item__section">要闻改名</span>' in html
    assert '<span class="story-item__section">要闻</span>' not in html
