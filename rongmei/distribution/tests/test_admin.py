"""The story's 分发 page and the board (Reports → 分发): reading is GET, retrying is POST with the
permission checked in the service."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rongmei.core.models import OutboxMessage
from rongmei.distribution import services
from rongmei.distribution.adapters import AdapterError
from rongmei.distribution.adapters.website import WebsiteAdapter
from rongmei.distribution.models import StoryChannelStatus
from rongmei.newsroom.tests.factories import pass_review
from rongmei.organisation import roles
from rongmei.testing import fresh, make_user

from .factories import messages, statuses

S = StoryChannelStatus.State


@pytest.fixture
def failed_story(review, on_commit):
    services.ensure_channels()
    story = review.add_story(title="网站确认失败")
    with mock.patch.object(WebsiteAdapter, "publish", side_effect=AdapterError("网站暂时无法确认")):
        pass_review(review, story, on_commit)
    assert statuses(story)["website"].state == S.FAILED
    return fresh(story)


def test_board_lists_todays_deliveries_filtered_by_channel_and_state(client, review, failed_story):
    client.force_login(review.editor)
    response = client.get(reverse("distribution_board"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count(f'href="{reverse("distribution_story", args=[failed_story.pk])}"') == 3
    response = client.get(reverse("distribution_board"), {"channel": "website", "state": "failed"})
    rows = response.context["page"].object_list
    assert [(r.channel.code, r.state) for r in rows] == [("website", S.FAILED)]
    assert rows[0].user_may_retry
    response = client.get(reverse("distribution_board"), {"state": "published"})
    assert sorted(r.channel.code for r in response.context["page"].object_list) == ["app", "rss"]


def test_board_retry_is_post_only_and_sends_again(
    client, review, failed_story, django_capture_on_commit_callbacks
):
    status = statuses(failed_story)["website"]
    client.force_login(review.editor)
    url = reverse("distribution_retry", args=[status.pk])
    assert client.get(url).status_code == 405
    assert statuses(failed_story)["website"].state == S.FAILED  # a GET changed nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": reverse("distribution_board")})
    assert response.status_code == 302
    status = statuses(failed_story)["website"]
    assert status.state == S.PUBLISHED and status.remote_url == failed_story.get_full_url()
    assert messages(failed_story).get(target="distribution.website").status == OutboxMessage.Status.SENT


def test_retry_permission_is_checked_in_the_service(client, review, failed_story):
    status = statuses(failed_story)["website"]
    with pytest.raises(PermissionDenied):
        services.retry(status, acting_user=review.reporter)  # 记者: no colleagues' work, no retry
    client.force_login(review.reporter)
    # Wagtail turns a PermissionDenied in its admin into a redirect to the dashboard with a message.
    dashboard = reverse("wagtailadmin_home")
    response = client.get(reverse("distribution_board"))
    assert (response.status_code, response.url) == (302, dashboard)
    response = client.post(reverse("distribution_retry", args=[status.pk]))
    assert (response.status_code, response.url) == (302, dashboard)
    assert statuses(failed_story)["website"].state == S.FAILED


def test_story_page_shows_each_channel_to_who_may_see_the_story_work(client, review, failed_story):
    client.force_login(review.reporter)  # the author
    response = client.get(reverse("distribution_story", args=[failed_story.pk]))
    assert response.status_code == 200
    assert [row.channel.code for row in response.context["rows"]] == ["website", "app", "rss"]
    assert not any(row.user_may_retry for row in response.context["rows"])  # sees, may not retry
    outsider = make_user("outsider")
    client.force_login(outsider)  # no admin access at all: sent to sign in as someone else
    url = reverse("distribution_story", args=[failed_story.pk])
    response = client.get(url)
    assert (response.status_code, response.url) == (302, f"{reverse('wagtailadmin_login')}?next={url}")
    # a colleague who may not see the story's work is sent back to the dashboard
    visitor = make_user("visitor", roles.REPORTER)
    client.force_login(visitor)
    response = client.get(url)
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))


def test_work_done_by_hand_is_recorded_by_who_may_edit_the_story(client, review, failed_story):
    from wagtail.models import ModelLogEntry, PageLogEntry

    status = statuses(failed_story)["rss"]
    StoryChannelStatus.objects.filter(pk=status.pk).update(state=S.NEEDS_MANUAL, note="平台不能删除")
    url = reverse("distribution_done_by_hand", args=[status.pk])
    assert client.get(url).url == f"{reverse('wagtailadmin_login')}?next={url}"  # signed out: sign in first
    client.force_login(review.editor)
    assert client.get(url).status_code == 405  # a GET changes nothing

    client.force_login(review.reporter)  # sees their story but does not edit colleagues' channels
    client.post(url, {"remote_url": "https://example.org/a"})
    assert statuses(failed_story)["rss"].state == S.NEEDS_MANUAL

    client.force_login(review.editor)
    response = client.post(url, {"remote_url": "not an address"})
    assert statuses(failed_story)["rss"].state == S.NEEDS_MANUAL  # refused with the reason
    response = client.post(url, {"remote_url": "https://example.org/a", "note": "已在平台删除"}, follow=True)
    row = statuses(failed_story)["rss"]
    assert row.state == S.PUBLISHED and row.remote_url == "https://example.org/a"
    assert "已在平台删除" in row.note and "李初审" in row.note
    assert PageLogEntry.objects.filter(page=failed_story, action="rongmei.distribution.done_by_hand").exists()
    assert not ModelLogEntry.objects.filter(action="rongmei.distribution.done_by_hand").exists()
    assert response.status_code == 200


def test_the_channel_screens_name_a_credential_but_never_show_its_value(client, review, monkeypatch):
    """A channel's secret lives in the server's environment: the channel list says it is set (its
    variable's name), and neither the list nor the edit page has the value anywhere in its source."""
    from rongmei.distribution.models import Channel

    services.ensure_channels()
    secret = "wx-secret-9f3a7c-不可外泄"
    monkeypatch.setenv("RONGMEI_CHANNEL_WECHAT_APP_SECRET", secret)
    wechat = Channel.objects.get(code="wechat")
    client.force_login(review.admin)
    pages = {
        "list": client.get(reverse("wagtailsnippets_distribution_channel:list")),
        "edit": client.get(reverse("wagtailsnippets_distribution_channel:edit", args=[wechat.pk])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        source = response.content.decode()
        assert secret not in source, name
        assert "wx-secret-9f3a7c" not in source, name
    assert "RONGMEI_CHANNEL_WECHAT_APP_SECRET" in pages["list"].content.decode()
