"""Stampede protection (docs/decisions/0029): parallel requests through the middleware, each thread with
its own database connection, as gunicorn's threads have. The page is a slow public view that counts
its renders (this module is the urlconf)."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from rongmei.website import cache as page_cache

pytestmark = pytest.mark.django_db(transaction=True)

RENDER_SECONDS = 0.5
renders = []
version = ["一"]


@page_cache.public_page
def slow_page(request):
    renders.append(time.monotonic())
    text = version[0]
    time.sleep(RENDER_SECONDS)
    page_cache.record("thing")
    return HttpResponse(f"版本{text}")


urlpatterns = [path("slow/", slow_page)]


@pytest.fixture(autouse=True)
def slow_site(settings):
    settings.ROOT_URLCONF = __name__
    settings.PUBLIC_PAGE_CACHE_ENABLED = True
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_PAGE_CACHE_LOCK_SECONDS = 5
    settings.PUBLIC_PAGE_CACHE_POLL_SECONDS = 0.01
    cache.clear()
    renders.clear()
    version[0] = "一"
    page_cache.read_versions()  # the token row exists before the threads start
    yield
    cache.clear()


def burst(count):
    """``count`` parallel GET /slow/, released together; returns (X-Cache, body) of each."""
    results = [None] * count
    start = threading.Barrier(count)

    def read(n):
        try:
            start.wait()
            response = Client().get("/slow/")
            results[n] = (response.status_code, response.get("X-Cache"), response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_a_stampede_of_50_requests_for_a_missing_page_renders_it_once():
    results = burst(50)
    assert len(renders) == 1
    assert all(status == 200 and body == "版本一" for status, _how, body in results)
    assert sorted(how for _status, how, _body in results) == ["hit"] * 49 + ["miss"]


def test_a_request_that_gets_the_lock_after_another_stored_the_page_serves_that_page(monkeypatch):
    """The race behind a flaky burst: this request finds nothing, is slow to read the versions, and
    meanwhile another renders the page, stores it and lets go of the lock; it must not render again."""
    read_versions = page_cache.read_versions
    calls = []

    def slow_read(tags=()):
        calls.append(tuple(tags))
        if len(calls) == 1:  # the first lookup: another request renders the whole page meanwhile
            other = threading.Thread(target=lambda: (Client().get("/slow/"), connection.close()))
            other.start()
            other.join(10)
            assert len(renders) == 1
        return read_versions(tags)

    monkeypatch.setattr(page_cache, "read_versions", slow_read)
    response = Client().get("/slow/")
    assert response["X-Cache"] == "hit" and response.content.decode() == "版本一"
    assert len(renders) == 1


def test_a_soft_stale_page_is_served_stale_to_concurrent_requests_while_one_re_renders():
    Client().get("/slow/")
    version[0] = "二"
    page_cache.bump_tags(soft=["thing"])
    renders.clear()
    results = burst(20)
    assert len(renders) == 1
    by_how = {}
    for _status, how, body in results:
        by_how.setdefault(how, set()).add(body)
    assert by_how.pop("miss") == {"版本二"}
    assert by_how.pop("stale") == {"版本一"}, "the others got the copy from before the bump, at once"
    # A thread the machine started late, after the render was stored, gets the new page.
    assert by_how.pop("hit", {"版本二"}) == {"版本二"}
    assert not by_how
    response = Client().get("/slow/")
    assert response["X-Cache"] == "hit" and response.content.decode() == "版本二"


def test_a_hard_stale_page_is_never_served_stale_the_waiters_get_the_new_render():
    Client().get("/slow/")
    version[0] = "二"
    page_cache.bump_tags(hard=["thing"])
    renders.clear()
    results = burst(20)
    assert len(renders) == 1
    assert {body for _status, _how, body in results} == {"版本二"}


def test_waiters_render_themselves_when_the_lock_holder_died(settings):
    settings.PUBLIC_PAGE_CACHE_LOCK_SECONDS = 0.3
    request = RequestFactory().get("/slow/")
    request.LANGUAGE_CODE = settings.LANGUAGE_CODE
    cache.set(f"{page_cache.cache_key(request)}:lock", "a process that died rendering it", 0.3)
    started = time.monotonic()
    response = Client().get("/slow/")
    assert response["X-Cache"] == "miss" and response.content.decode() == "版本一"
    assert len(renders) == 1
    assert time.monotonic() - started < 0.3 + RENDER_SECONDS + 1


def test_a_bump_through_another_connection_is_seen_at_once():
    """Another thread has its own database connection, like another process."""
    client = Client()
    client.get("/slow/")
    assert client.get("/slow/")["X-Cache"] == "hit"
    version[0] = "二"

    def bump():
        try:
            page_cache.bump_tags(soft=["thing"])
        finally:
            connection.close()

    other = threading.Thread(target=bump)
    other.start()
    other.join()
    response = client.get("/slow/")
    assert response["X-Cache"] == "miss" and response.content.decode() == "版本二"
