"""Reprints of our published stories found among new items, and the reprints page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rongmei.monitoring.analysis import services as analysis
from rongmei.monitoring.events import reprints
from rongmei.monitoring.models import Reprint
from rongmei.organisation import roles
from rongmei.testing import login, make_user

from .factories import OTHER_STORY, STORY_BODY, STORY_TITLE, make_item, make_source, minutes

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(newsroom):
    body = "".join(f"<p>{paragraph}</p>" for paragraph in STORY_BODY.split("\n"))
    return newsroom.add_story(title=STORY_TITLE, body=body, publish=True)


def test_reprints_are_found_with_similarity_and_permission(story):
    later = timezone.now() + minutes(5)
    partner = make_source("山东网", "www.sdnews.example.cn", authorised=True)
    stranger = make_source("某资讯", "news.stranger.example.com")
    allowed = make_item(partner, STORY_TITLE, "来源：淄博融媒\n" + STORY_BODY, fetched_at=later)
    abridged = make_item(stranger, "淄博老旧小区改造", STORY_BODY[: len(STORY_BODY) // 2], fetched_at=later)
    unrelated = make_item(stranger, *OTHER_STORY, fetched_at=later)
    analysis.analyse_new_items()

    found = {r.item_id: r for r in Reprint.objects.all()}
    assert set(found) == {allowed.pk, abridged.pk}
    assert unrelated.pk not in found
    assert found[allowed.pk].story_id == story.pk and found[allowed.pk].site == "www.sdnews.example.cn"
    assert found[allowed.pk].authorised and not found[abridged.pk].authorised
    assert found[allowed.pk].similarity > 0.9 and found[abridged.pk].similarity >= reprints.THRESHOLD


def test_our_own_site_and_items_older_than_the_story_are_not_reprints(story):
    own = make_source("本站", "localhost")  # the test site's hostname
    make_item(own, STORY_TITLE, STORY_BODY, fetched_at=timezone.now() + minutes(5))
    before = make_source("新华网", "www.xinhua.example.cn")
    make_item(before, STORY_TITLE, STORY_BODY, fetched_at=timezone.now() - timedelta(days=1))
    analysis.analyse_new_items()
    assert not Reprint.objects.exists()


def test_stories_published_later_are_picked_up_by_a_running_worker(newsroom):
    source = make_source("山东网", "www.sdnews.example.cn")
    make_item(source, "无关的新闻", "今天天气晴朗，适合出行。")
    analysis.analyse_new_items()  # the worker's story index starts empty
    newsroom.add_story(title=STORY_TITLE, body=f"<p>{STORY_BODY}</p>", publish=True)
    make_item(source, STORY_TITLE, STORY_BODY, fetched_at=timezone.now() + minutes(5))
    analysis.analyse_new_items()
    assert Reprint.objects.count() == 1


def test_reprints_page_renders_for_analyst_and_admin(client, newsroom, story):
    make_item(
        make_source("某资讯", "news.stranger.example.com"),
        STORY_TITLE,
        STORY_BODY,
        fetched_at=timezone.now() + minutes(5),
    )
    analysis.analyse_new_items()
    reprint = Reprint.objects.get()
    analyst = make_user("analyst", roles.ANALYST)
    for user in (analyst, newsroom.admin):
        login(client, user, language="en")
        response = client.get(reverse("monitoring_reprints:index"))
        assert response.status_code == 200
        body = response.content.decode()
        assert f'data-reprint="{reprint.pk}"' in body and "news.stranger.example.com" in body
        assert "Not authorised" in body and reverse("wagtailadmin_pages:edit", args=[story.pk]) in body
        response = client.get(reverse("monitoring_reprints:index"), {"authorised": "yes"})
        assert f'data-reprint="{reprint.pk}"' not in response.content.decode()
