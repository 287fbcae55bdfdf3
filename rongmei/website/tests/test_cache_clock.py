"""The page cache's clock window (PUBLIC_PAGE_CACHE_CLOCK_SECONDS): within it a hit on an entry that
was checked at the clock this process read last needs no query; another process's bump is seen once
the window has passed, this process's own bumps at once."""

import pytest
from django.core.cache import cache
from django.db.models import F

from rongmei.website import cache as page_cache
from rongmei.website.models import CacheGeneration, CacheTag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock_window(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = True
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_PAGE_CACHE_CLOCK_SECONDS = 60
    cache.clear()
    page_cache._clock_memo.forget()
    yield
    page_cache._clock_memo.forget()


@pytest.fixture
def story(site, on_commit):
    with on_commit():
        return site.story(title="时钟窗口里的稿件")


def x_cache(client, url):
    return client.get(url).get("X-Cache")


def window_passes():
    page_cache._clock_memo.read_at -= 61


def bump_from_another_process(*tags):
    """What another process's bump leaves in the tables, written behind this process's back."""
    CacheGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    clock = CacheGeneration.objects.get(pk=1).number
    for tag in tags:
        CacheTag.objects.update_or_create(name=tag, defaults={"version": clock})


def test_a_hit_within_the_window_costs_no_query(client, story, django_assert_num_queries):
    assert x_cache(client, story.url) == "miss"
    with django_assert_num_queries(0):
        assert x_cache(client, story.url) == "hit"


def test_another_process_bump_is_seen_once_the_window_has_passed(client, story):
    assert x_cache(client, story.url) == "miss"
    bump_from_another_process(page_cache.story_tag(story.pk))
    assert x_cache(client, story.url) == "hit"  # within the window: the clock read before
    window_passes()
    assert x_cache(client, story.url) == "miss"


def test_this_process_bump_is_seen_at_once(client, story):
    assert x_cache(client, "/") == "miss"
    assert x_cache(client, story.url) == "miss"
    page_cache.bump_story(story.pk, hard=True)
    assert x_cache(client, story.url) == "miss"
    assert x_cache(client, "/") == "miss"


def test_an_entry_checked_again_after_an_unrelated_bump_needs_no_query_and_keeps_its_expiry(
    client, story, monkeypatch, django_assert_num_queries
):
    stored = []
    real_set = page_cache.cache.set

    def remembering_set(key, value, timeout=None):
        stored.append((key, value, timeout))
        return real_set(key, value, timeout)

    monkeypatch.setattr(page_cache.cache, "set", remembering_set)
    assert x_cache(client, story.url) == "miss"
    ((key, first, _timeout),) = [row for row in stored if isinstance(row[1], page_cache.Entry)]
    bump_from_another_process("story:999999")  # a story this page does not show
    window_passes()
    with django_assert_num_queries(1):
        assert x_cache(client, story.url) == "hit"
    checked = page_cache.cache.get(key)
    assert checked.checked_clock > first.checked_clock
    assert checked.stored_at == first.stored_at
    assert stored[-1][2] < 600  # the rest of its time, not a new 600 s
    with django_assert_num_queries(0):
        assert x_cache(client, story.url) == "hit"
