"""The page cache invalidated per story (docs/decisions/0029): a story's acts re-render the pages that
show it and the lists it appears in, and no others; taking it off the site is never served stale."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.test import RequestFactory

from rongmei.newsroom.models import CorrectionNote, Region
from rongmei.testing import publish_outside_review
from rongmei.website import cache as page_cache
from rongmei.website.models import CacheGeneration, CacheTag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = True
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_PAGE_CACHE_LOCK_SECONDS = 0.3
    cache.clear()


def state(client, url):
    response = client.get(url)
    return response.get("X-Cache"), response.content.decode()


@pytest.fixture
def stories(site, on_commit):
    """A story in 要闻 (张店区, the topic) and one in 社会 (济南市), their bumps made (committed)."""
    with on_commit():
        here = site.story(title="要闻里的稿件", regions=[site.district], topics=[site.topic])
        there = site.story(
            title="社会里的稿件", section=site.newsroom.other_section, regions=[site.other_city]
        )
    return here, there


def warm(client, urls):
    for url in urls:
        client.get(url)
        assert state(client, url)[0] == "hit", url


PAGES_OF_THE_OTHER_SECTION = ["/shehui/", "/feeds/section/shehui.xml", "/region/jinan/"]


def test_a_publish_invalidates_the_pages_that_show_the_story_and_no_others(client, site, stories, on_commit):
    here, there = stories
    showing = ["/", "/yaowen/", "/feeds/latest.xml", "/feeds/section/yaowen.xml", "/region/zibo/",
               "/region/zhangdian/", "/region/shandong/", "/zhuanti/zoujiceng/", "/zhuanti/", "/sitemap.xml"]  # fmt: skip
    others = [*PAGES_OF_THE_OTHER_SECTION, there.url, here.url, "/robots.txt"]
    warm(client, showing + others)
    with on_commit():
        new = site.story(title="刚发布的新稿件", regions=[site.district], topics=[site.topic])
    for url in showing:
        how, content = state(client, url)
        assert how == "miss", url
        if url != "/zhuanti/":  # the topic index shows counts, not titles
            assert "刚发布的新稿件" in content or new.url in content, url
    for url in others:
        assert state(client, url)[0] == "hit", f"{url} was invalidated by a story it does not show"


def test_a_correction_invalidates_the_pages_that_show_the_story(client, site, stories, at, on_commit):
    here, there = stories
    warm(client, [here.url, "/yaowen/", "/", there.url, "/shehui/"])
    with on_commit():
        here.corrections.add(CorrectionNote(noted_at=at(6), text="更正：时间有误。"))
        publish_outside_review(here.save_revision(user=site.newsroom.editor), user=site.newsroom.chief)
    how, content = state(client, here.url)
    assert how == "miss" and "更正：时间有误。" in content
    assert state(client, "/yaowen/")[0] == "miss"
    assert state(client, "/")[0] == "miss"
    assert state(client, there.url)[0] == "hit"
    assert state(client, "/shehui/")[0] == "hit"


def test_a_page_showing_a_story_as_a_teaser_follows_its_headline(client, site, stories, on_commit):
    """The other story's page lists this one as related (same topic or section): its teaser follows."""
    here, _there = stories
    with on_commit():
        sibling = site.story(title="同栏目的稿件", topics=[site.topic])
    assert "要闻里的稿件" in state(client, sibling.url)[1]
    assert state(client, sibling.url)[0] == "hit"
    with on_commit():
        here.title = "改过标题的稿件"
        publish_outside_review(here.save_revision(user=site.newsroom.editor), user=site.newsroom.chief)
    how, content = state(client, sibling.url)
    assert how == "miss" and "改过标题的稿件" in content and "要闻里的稿件" not in content


PAGES_SHOWING_HERE = ["/", "/yaowen/", "/region/zibo/", "/region/zhangdian/", "/zhuanti/zoujiceng/",
                      "/feeds/latest.xml", "/feeds/section/yaowen.xml", "/sitemap.xml"]  # fmt: skip


def hold_render_locks(client, urls):
    """Pretend another request is re-rendering each page (holds its lock): a soft-stale copy would be
    served now; a hard-stale one must not be."""
    for url in urls:
        cache.set(lock_key(url), "someone else", 30)


def lock_key(url):
    request = RequestFactory().get(url)
    request.LANGUAGE_CODE = settings.LANGUAGE_CODE
    return f"{page_cache.cache_key(request)}:lock"


@pytest.mark.parametrize("act", ["retract", "unpublish", "delete"])
def test_taking_a_story_off_the_site_removes_it_from_every_cached_page_at_once(
    client, site, stories, on_commit, act
):
    here, there = stories
    warm(client, [*PAGES_SHOWING_HERE, here.url, there.url])
    with on_commit():
        if act == "retract":
            site.retract(here)
        elif act == "unpublish":
            here.unpublish()
        else:
            here.delete()
    hold_render_locks(client, PAGES_SHOWING_HERE)
    for url in PAGES_SHOWING_HERE:
        how, content = state(client, url)
        assert how == "miss", f"{url} answered {how}"
        assert "要闻里的稿件" not in content and f"/{here.slug}/" not in content, url
    assert client.get(here.url).status_code == 404  # off the site (a retraction unpublishes it)
    assert state(client, there.url)[0] == "hit"


def test_a_soft_stale_page_is_served_stale_while_another_request_re_renders_it(
    client, site, stories, on_commit
):
    warm(client, ["/"])
    with on_commit():
        site.story(title="刚发布的新稿件")
    hold_render_locks(client, ["/"])
    how, content = state(client, "/")
    assert how == "stale" and "刚发布的新稿件" not in content
    cache.delete(lock_key("/"))
    how, content = state(client, "/")
    assert how == "miss" and "刚发布的新稿件" in content
    assert state(client, "/")[0] == "hit"


def test_moving_a_story_invalidates_its_old_and_new_lists(client, site, stories, on_commit):
    here, _there = stories
    old_url = here.url
    warm(client, ["/yaowen/", "/shehui/", old_url])
    hold_render_locks(client, ["/yaowen/"])
    with on_commit():
        here.move(site.newsroom.other_section, pos="last-child")
    how, content = state(client, "/yaowen/")
    assert how == "miss" and "要闻里的稿件" not in content
    how, content = state(client, "/shehui/")
    assert how == "miss" and "要闻里的稿件" in content
    here.refresh_from_db()
    moved = client.get(old_url)  # the old address is no longer the cached article: it redirects
    assert moved.status_code == 301 and moved["Location"] == here.url


def test_structure_changes_invalidate_every_page(client, site, stories, on_commit):
    here, there = stories
    urls = ["/", "/yaowen/", there.url, "/region/jinan/", "/robots.txt"]
    warm(client, urls)
    with on_commit():
        Region.objects.create(
            name="历下区", slug="lixia", level=Region.Level.DISTRICT, parent=site.other_city
        )
    for url in urls:
        assert state(client, url)[0] == "miss", url
    with on_commit():
        section = site.newsroom.other_section
        section.title = "社会新闻"
        publish_outside_review(section.save_revision(user=site.newsroom.editor), user=site.newsroom.chief)
    for url in urls:
        assert state(client, url)[0] == "miss", url
    assert "社会新闻" in state(client, there.url)[1]


def test_an_entry_cached_before_a_bump_in_another_process_is_not_served(client, stories):
    """Another process (the worker publishing a scheduled story) only writes the tables: what it wrote
    is what every process reads, with the ORM here as the other process."""
    here, there = stories
    warm(client, [here.url, there.url])
    CacheGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    clock = CacheGeneration.objects.get(pk=1).number
    CacheTag.objects.update_or_create(name=f"story:{here.pk}", defaults={"version": clock})
    assert state(client, here.url)[0] == "miss"
    assert state(client, here.url)[0] == "hit"
    assert state(client, there.url)[0] == "hit"


def test_a_hit_costs_one_query_whatever_the_page_shows(client, stories, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(1):
        assert state(client, "/")[0] == "hit"


def test_story_bumps_wait_for_the_commit(site, stories, django_capture_on_commit_callbacks):
    here, _there = stories
    tag = f"story:{here.pk}"
    before = CacheTag.objects.filter(name=tag).values_list("version", flat=True).first()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        here.title = "新标题"
        publish_outside_review(here.save_revision(user=site.newsroom.editor), user=site.newsroom.chief)
    assert CacheTag.objects.filter(name=tag).values_list("version", flat=True).first() == before
    for callback in callbacks:
        callback()
    assert CacheTag.objects.get(name=tag).version != before


def test_the_list_tags_of_a_story(site, stories):
    here, there = stories
    tags = page_cache.story_list_tags(here.pk)
    yaowen = site.newsroom.section.pk
    assert tags == {
        "home", "feed:latest", "sitemap", f"section:{yaowen}", f"feed:section:{yaowen}",
        f"region:{site.district.pk}", f"region:{site.city.pk}", f"region:{site.province.pk}",
        f"topic:{site.topic.pk}", "topics",
    }  # fmt: skip
    assert f"section:{site.newsroom.other_section.pk}" in page_cache.story_list_tags(there.pk)


def test_a_render_overlapping_a_bump_is_stored_as_stale():
    """A tag bumped after the render read the clock may have changed what the page shows."""
    page_cache.bump_tags(soft=["story:1"])
    before = page_cache.read_versions(["story:1", "story:2"])
    page_cache.bump_tags(soft=["story:1"])  # while the page renders
    after = page_cache.read_versions(["story:1", "story:2"])
    from django.http import HttpResponse

    entry = page_cache._entry(HttpResponse("x"), after, {"story:1", "story:2"}, before.clock)
    assert entry.state(after) == page_cache.SOFT_STALE
    assert entry.state(page_cache.read_versions(["story:1", "story:2"])) == page_cache.SOFT_STALE
    page_cache.bump_tags(hard=["story:2"])
    assert entry.state(page_cache.read_versions(["story:1", "story:2"])) == page_cache.HARD_STALE


def test_one_act_is_one_bump(site, stories, on_commit):
    """A publish sends several signals (page saved, revision published): one bump, so a page
    re-rendered between two of them is not rendered again after the next."""
    clock = CacheGeneration.objects.get(pk=1).number if CacheGeneration.objects.exists() else 0
    with on_commit():
        new = site.story(title="刚发布的新稿件", topics=[site.topic])
    assert CacheGeneration.objects.get(pk=1).number == clock + 1
    assert CacheTag.objects.get(name=f"story:{new.pk}").version == clock + 1
    assert CacheTag.objects.get(name=f"topic:{site.topic.pk}").version == clock + 1
    with on_commit():
        site.retract(new)
    assert CacheGeneration.objects.get(pk=1).number == clock + 2
    assert CacheTag.objects.get(name=f"story:{new.pk}").hard_version == clock + 2
