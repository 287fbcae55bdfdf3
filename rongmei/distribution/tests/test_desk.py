"""The new-media editor's desk (新媒体编辑): the dashboard's stories published today with their state
per channel, the work waiting for a person, and the 融合发布 menu."""

import pytest
from django.urls import reverse

from rongmei.distribution.models import StoryChannelStatus
from rongmei.newsroom.tests.factories import pass_review
from rongmei.testing import fresh

from .factories import statuses

S = StoryChannelStatus.State


@pytest.fixture
def published_today(review, on_commit):
    from rongmei.distribution import services

    services.ensure_channels()
    story = review.add_story(title="今日发布的稿件")
    pass_review(review, story, on_commit)
    # The RSS channel is waiting for a person (as a 学习强国 submission or a Weibo deletion would).
    StoryChannelStatus.objects.filter(story=story, channel__code="rss").update(state=S.NEEDS_MANUAL)
    return fresh(story)


def test_newmedia_dashboard_shows_todays_story_with_its_channel_states(client, review, published_today):
    client.force_login(review.newmedia)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="distribution-desk-section"' in body
    assert 'id="distribution-desk-today"' in body
    today = body[body.index('id="distribution-desk-today"') :]
    assert "今日发布的稿件" in today
    states = statuses(published_today)
    assert {code: s.state for code, s in states.items()} == {
        "app": S.PUBLISHED,
        "rss": S.NEEDS_MANUAL,
        "website": S.PUBLISHED,
    }
    for code, status in states.items():
        assert f'data-channel="{code}" data-state="{status.state}"' in today

    # The channel waiting for a person is listed with a link to the story's 分发 page.
    attention = body[
        body.index('id="distribution-desk-attention"') : body.index('id="distribution-desk-today"')
    ]
    assert 'data-channel="rss"' in attention and 'data-channel="website"' not in attention
    assert f'href="{reverse("distribution_story", args=[published_today.pk])}"' in attention


def test_newmedia_has_the_distribution_menu_and_its_screens(client, review, published_today):
    client.force_login(review.newmedia)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("distribution_versions") in body
    assert reverse("distribution_board") + "?state=needs_manual" in body

    response = client.get(reverse("distribution_versions"))
    assert response.status_code == 200
    assert published_today in response.context["stories"]

    # 需人工处理 lists the waiting work whenever it started waiting, not only today's.
    StoryChannelStatus.objects.filter(story=published_today, channel__code="rss").update(
        changed_at="2020-01-01T00:00:00Z"
    )
    response = client.get(reverse("distribution_board"), {"state": "needs_manual"})
    assert [(r.channel.code, r.state) for r in response.context["page"].object_list] == [
        ("rss", S.NEEDS_MANUAL)
    ]


def test_a_reporter_gets_no_desk(client, review, published_today):
    client.force_login(review.reporter)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="distribution-desk-section"' not in body
    assert reverse("distribution_versions") not in body
    response = client.get(reverse("distribution_versions"))
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
