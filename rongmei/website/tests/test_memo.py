"""The process memo (website/memo.py): a public page reads its site, home page, navigation, view
restrictions and a story's section once per clock, and a change to any of them is shown at once by
this process (its bump moves the clock on commit) and within the clock window by another."""

import pytest
from django.core.cache import cache
from django.db.models import F
from wagtail.models import PageViewRestriction, Site

from rongmei.newsroom.models import SectionPage
from rongmei.website import cache as page_cache
from rongmei.website import memo
from rongmei.website.models import CacheGeneration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memo_on(settings):
    settings.PUBLIC_MEMO_ENABLED = True
    settings.PUBLIC_PAGE_CACHE_ENABLED = False  # each request renders: what it shows is the memo's
    settings.PUBLIC_PAGE_CACHE_CLOCK_SECONDS = 60
    cache.clear()
    memo.forget()
    page_cache._clock_memo.forget()
    yield
    memo.forget()
    page_cache._clock_memo.forget()


@pytest.fixture
def story(site, on_commit):
    with on_commit():
        return site.story(title="备忘里的稿件")


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_new_section_is_in_the_navigation_at_once(client, site, story, on_commit):
    assert "新设栏目" not in page(client, story.url)
    with on_commit():
        site.newsroom.home.add_child(instance=SectionPage(title="新设栏目", slug="xinshe"))
    assert "新设栏目" in page(client, story.url)


def test_a_renamed_section_shows_its_new_name_on_its_stories(client, site, story, on_commit):
    section = SectionPage.objects.get(pk=site.newsroom.section.pk)
    assert section.title in page(client, story.url)
    with on_commit():
        section.title = "改名后的栏目"
        section.save_revision().publish()
    html = page(client, story.url)
    assert "改名后的栏目" in html
    assert page(client, "/").count("改名后的栏目") >= 1  # navigation and the teasers' section labels


def test_a_view_restriction_makes_the_story_private_at_once(client, story, on_commit):
    page(client, story.url)  # the memo now holds "no restriction anywhere"
    with on_commit():
        PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(story.url)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_a_site_moved_to_another_home_page_is_followed(client, site, story, on_commit):
    assert "另一个首页的口号" not in page(client, "/")
    other_home = site.newsroom.home.get_parent().add_child(
        instance=type(site.newsroom.home)(title="另一个首页", slug="another-home", tagline="另一个首页的口号")
    )
    with on_commit():
        Site.objects.filter(is_default_site=True).update(root_page=other_home)
        # .update() sends no signal: save it as the admin does
        default = Site.objects.get(is_default_site=True)
        default.save()
    assert "另一个首页的口号" in page(client, "/")


def test_another_process_change_is_seen_once_the_clock_window_passes(client, site, story):
    page(client, story.url)
    # Another process renamed the section and bumped the clock: this process trusts its clock for
    # the window, then reads it again and sees the change.
    SectionPage.objects.filter(pk=site.newsroom.section.pk).update(title="别处改的名")
    CacheGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    assert "别处改的名" not in page(client, story.url)
    page_cache._clock_memo.read_at -= 61
    assert "别处改的名" in page(client, story.url)


def test_a_request_builds_its_own_site_and_home_page(rf, site, story, settings):
    first = memo.site_for(rf.get("/", HTTP_HOST="localhost"))
    second = memo.site_for(rf.get("/", HTTP_HOST="localhost"))
    assert first is not None and first.pk == second.pk
    assert first is not second and first.root_page is not second.root_page
    assert type(first.root_page) is type(site.newsroom.home)


def test_a_section_taken_off_the_home_page_loses_its_block_at_once(client, site, story, on_commit):
    section = SectionPage.objects.get(pk=site.newsroom.section.pk)
    block = f'id="block-{section.slug}"'
    assert block in page(client, "/")  # the memo now holds the home page's sections
    with on_commit():
        section.show_on_home = False
        section.save_revision().publish()
    assert block not in page(client, "/")
    with on_commit():
        section.show_on_home = True
        section.save_revision().publish()
    assert block in page(client, "/")
