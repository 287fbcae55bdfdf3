"""The public page cache: hits, invalidation across processes, and what it must never store.

Per-story invalidation: test_cache_tags.py; stampedes: test_cache_stampede.py."""

import pytest
from django.db.models import F
from django.http import HttpResponse
from django.test import RequestFactory

from rongmei.newsroom.models import CorrectionNote
from rongmei.testing import publish_outside_review
from rongmei.website import cache as page_cache
from rongmei.website.models import CacheGeneration, CacheTag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    from django.core.cache import cache

    settings.PUBLIC_PAGE_CACHE_ENABLED = True
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    # Keys no longer hold a generation the test transaction rolls back: start each test empty.
    cache.clear()


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, response.get("X-Cache")


@pytest.fixture
def story(site):
    return site.story(title="第一篇稿件", regions=[site.district], topics=[site.topic])


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/yaowen/",
        "STORY",
        "/region/zibo/",
        "/zhuanti/",
        "/zhuanti/zoujiceng/",
        "/feeds/latest.xml",
        "/feeds/section/yaowen.xml",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_second_request_is_a_hit(client, story, url, django_assert_num_queries):
    url = story.url if url == "STORY" else url
    first, state = get(client, url)
    assert first.status_code == 200 and state == "miss"
    with django_assert_num_queries(1):  # the token and the tags' versions, nothing else
        second, state = get(client, url)
    assert state == "hit"
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_publishing_invalidates(client, site, story, django_capture_on_commit_callbacks):
    get(client, "/")
    assert get(client, "/")[1] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        site.story(title="新发布的稿件")
    response, state = get(client, "/")
    assert state == "miss" and "新发布的稿件" in response.content.decode()
    assert get(client, "/")[1] == "hit"


def test_unpublishing_invalidates(client, story, django_capture_on_commit_callbacks):
    assert "第一篇稿件" in get(client, "/yaowen/")[0].content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        story.unpublish()
    response, state = get(client, "/yaowen/")
    assert state == "miss" and "第一篇稿件" not in response.content.decode()


def test_retraction_and_correction_invalidate(client, site, story, at, django_capture_on_commit_callbacks):
    get(client, story.url)
    assert get(client, story.url)[1] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        story.corrections.add(CorrectionNote(noted_at=at(6), text="更正：时间有误。"))
        publish_outside_review(story.save_revision(user=site.newsroom.editor), user=site.newsroom.chief)
    response, state = get(client, story.url)
    assert state == "miss" and "更正：时间有误。" in response.content.decode()
    get(client, "/region/zibo/")
    with django_capture_on_commit_callbacks(execute=True):
        site.retract(story)
    response, state = get(client, "/region/zibo/")
    assert state == "miss" and "第一篇稿件" not in response.content.decode()


def test_moving_and_deleting_invalidate(client, site, story, django_capture_on_commit_callbacks):
    get(client, "/shehui/")
    assert get(client, "/shehui/")[1] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        story.move(site.newsroom.other_section, pos="last-child")
    response, state = get(client, "/shehui/")
    assert state == "miss" and "第一篇稿件" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        story.refresh_from_db()
        story.delete()
    response, state = get(client, "/shehui/")
    assert state == "miss" and "第一篇稿件" not in response.content.decode()


def test_a_publish_in_another_process_invalidates(client, story):
    """Another process (the worker publishing a scheduled story) only writes the tables in the database."""
    get(client, "/")
    assert get(client, "/")[1] == "hit"
    CacheGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    clock = CacheGeneration.objects.get(pk=1).number
    CacheTag.objects.create(name="home", version=clock)
    assert get(client, "/")[1] == "miss"
    assert get(client, "/")[1] == "hit"


def test_bump_is_deferred_to_commit(story, django_capture_on_commit_callbacks):
    before = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page_cache.bump_site_on_commit()
    assert page_cache.current_generation() == before
    for callback in callbacks:
        callback()
    assert page_cache.current_generation() != before


def test_a_draft_save_does_not_invalidate(client, story, django_capture_on_commit_callbacks):
    before = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "改了标题的草稿"
        story.save_revision()
    assert page_cache.current_generation() == before


def test_logged_in_users_never_get_or_fill_the_cache(client, site, story):
    editor = site.newsroom.editor
    client.force_login(editor)
    for _ in range(2):
        response, state = get(client, "/")
        assert response.status_code == 200 and state is None
    client.logout()
    anonymous, state = get(client, "/")
    assert state == "miss", "the logged-in views were not stored"
    assert get(client, "/")[1] == "hit"
    client.force_login(editor)
    assert get(client, "/")[1] is None, "a cached page is not served to a logged-in user"


def test_disabled_cache_does_nothing(client, story, settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False
    for _ in range(2):
        assert get(client, "/")[1] is None
    assert not CacheGeneration.objects.exists(), "not even the generation is read"


def test_timeout_is_honoured(client, story, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # expires at once
    get(client, "/")
    assert get(client, "/")[1] == "miss"


def test_errors_and_unknown_query_strings_are_not_cached(client, story):
    for url in ("/region/no-such-place/", "/yaowen/?page=99", "/no-such-page/"):
        for _ in range(2):
            response, state = get(client, url)
            assert response.status_code == 404 and state != "hit"
    for _ in range(2):
        response, state = get(client, "/", data={"utm_source": "weixin"})
        assert response.status_code == 200 and state is None
    get(client, "/yaowen/", data={"page": "1"})
    assert get(client, "/yaowen/", data={"page": "1"})[1] == "hit"


def test_admin_and_other_views_are_not_cached(client, story):
    for _ in range(2):
        assert get(client, "/admin/login/")[1] is None
        assert get(client, "/healthz")[1] is None


def test_private_responses_are_not_stored():
    factory = RequestFactory()
    request = factory.get("/")
    assert page_cache.response_is_storable(request, HttpResponse("ok"))
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("tracking", "1")
    assert not page_cache.response_is_storable(request, with_cookie)
    assert not page_cache.response_is_storable(request, HttpResponse("no", status=404))
    private = HttpResponse("ok")
    private["Cache-Control"] = "private, max-age=0"
    assert not page_cache.response_is_storable(request, private)
    csrf = factory.get("/")
    csrf.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not page_cache.response_is_storable(csrf, HttpResponse("ok"))
    preview = factory.get("/")
    preview.is_preview = True
    assert not page_cache.response_is_storable(preview, HttpResponse("ok"))
    head = factory.head("/")
    assert not page_cache.response_is_storable(head, HttpResponse("ok"))


def test_requests_with_a_session_cookie_bypass_the_cache(settings):
    factory = RequestFactory()
    assert page_cache.request_is_cacheable(factory.get("/"))
    with_session = factory.get("/")
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert not page_cache.request_is_cacheable(with_session)
    assert not page_cache.request_is_cacheable(factory.post("/"))
    assert not page_cache.request_is_cacheable(factory.get("/", {"page": ["1", "2"]}))


def test_a_recreated_generation_row_never_matches_old_keys(story):
    before = page_cache.current_generation()
    CacheGeneration.objects.all().delete()
    after = page_cache.current_generation()
    assert after != before and after.endswith(".1")
