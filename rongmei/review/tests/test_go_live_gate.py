"""Nobody publishes around 三审 silently (security probe, issue 8 point 4 and 5).

A story goes live only with a revision that passed the review, or as a recorded emergency
publication (突发) by someone explicitly granted it; every path Wagtail offers is tried here.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Revision, WorkflowState

from rongmei.newsroom.models import StoryPage
from rongmei.proofing import story_checks
from rongmei.proofing.engine import findings as f
from rongmei.proofing.models import ProofDecision
from rongmei.review import permissions, queries, services
from rongmei.review.models import EmergencyPublication, ReviewEvent
from rongmei.review.tests.factories import (
    assert_sent_to_the_dashboard,
    decisions,
    edit_form_data,
    grant_emergency,
    submitted_story,
)
from rongmei.testing import fresh, login

D = ReviewEvent.Decision
BANNED_BODY = "<p>会议强调，要严防内部绝密外泄。</p>"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def en_client(client, user):
    """Signed in, in English: these tests match the English msgids."""
    return login(client, user, language="en")


# --- the rule in the service ------------------------------------------------------------------------


def test_an_unreviewed_story_cannot_go_live_from_code(newsroom, banned_list):
    story = newsroom.add_story(title="没送审的稿件", body=BANNED_BODY)
    with pytest.raises(services.PublicationRefused):
        story.get_latest_revision().publish(user=newsroom.admin)
    assert not fresh(story).live


def test_an_unreviewed_story_cannot_be_scheduled(newsroom):
    story = newsroom.add_story(title="定时稿件")
    story = fresh(story)
    story.go_live_at = timezone.now() + timedelta(hours=2)
    revision = story.save_revision(user=newsroom.chief)
    with pytest.raises(services.PublicationRefused):
        revision.publish(user=newsroom.chief)
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None


def test_a_reviewed_story_still_goes_live(review):
    story = submitted_story(review, title="三审稿件")
    for reviewer in (review.editor, review.director, review.chief):
        services.approve(fresh(story), acting_user=reviewer)
    assert fresh(story).live
    assert decisions(fresh(story))[-1] == D.PUBLISH


# --- the page editor --------------------------------------------------------------------------------


def test_chief_cannot_publish_an_unreviewed_story_with_a_banned_word(client, newsroom, banned_list):
    story = newsroom.add_story(title="总编直接发布", body=BANNED_BODY)
    en_client(client, newsroom.chief)
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert 'name="action-publish"' not in client.get(edit_url).content.decode()
    response = client.post(
        edit_url, edit_form_data(story, **{"action-publish": "action-publish"}), follow=True
    )
    assert not fresh(story).live
    assert "has not passed 三审" in response.content.decode()
    assert D.OVERRIDE not in decisions(fresh(story))


def test_superuser_cannot_publish_a_story_waiting_at_first_review(client, review):
    story = submitted_story(review, title="初审中的稿件")
    en_client(client, review.admin)
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert 'name="action-publish"' not in client.get(edit_url).content.decode()
    client.post(edit_url, edit_form_data(story, **{"action-publish": "action-publish"}))
    story = fresh(story)
    assert not story.live
    assert story.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert story.current_workflow_task.specific.level == 1


def test_new_story_cannot_be_published_from_the_create_view(client, newsroom):
    en_client(client, newsroom.admin)
    url = reverse("wagtailadmin_pages:add", args=["newsroom", "storypage", newsroom.section.pk])
    assert 'name="action-publish"' not in client.get(url).content.decode()
    data = edit_form_data(newsroom.add_story(title="模板"), **{"action-publish": "action-publish"})
    data.update(title="新建就发布", slug="")
    client.post(url, data)
    created = StoryPage.objects.get(title="新建就发布")
    assert not created.live


def test_admin_api_publish_is_refused(client, review):
    story = review.add_story(title="接口发布")
    en_client(client, review.admin)
    response = client.post(f"/admin/api/main/pages/{story.pk}/action/publish/", {})
    assert response.status_code == 403
    assert not fresh(story).live


def test_bulk_publish_of_stories_is_refused(client, newsroom):
    story = newsroom.add_story(title="批量发布")
    en_client(client, newsroom.admin)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={story.pk}"
    response = client.post(url, {"include_descendants": ""}, follow=True)
    assert not fresh(story).live
    assert "cannot be published in bulk" in response.content.decode()


def test_copying_a_live_story_as_live_is_refused(client, newsroom):
    story = newsroom.add_story(title="复制发布", publish=True)
    en_client(client, newsroom.admin)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[story.pk]),
        {
            "new_title": "复制的稿件",
            "new_slug": "copied-story",
            "new_parent_page": newsroom.section.pk,
            "publish_copies": "on",
        },
        follow=True,
    )
    assert not StoryPage.objects.filter(title="复制的稿件", live=True).exists()
    assert "untick “publish copies”" in response.content.decode()


# --- 突发: emergency publishing ------------------------------------------------------------------------


def test_emergency_publishing_is_held_by_nobody_by_default(review):
    story = review.add_story(title="突发稿件")
    for user in (review.chief, review.admin):  # the admin is a superuser
        assert not permissions.holds_emergency_permission(user)
        with pytest.raises(services.ReviewPermissionDenied):
            services.emergency_publish(story, acting_user=user, reason="突发事件")
    assert not fresh(story).live
    assert not EmergencyPublication.objects.exists()


def test_emergency_publish_needs_a_reason_overrides_blocks_and_tells_the_chiefs(
    review, banned_list, django_capture_on_commit_callbacks
):
    story = submitted_story(review, title="突发：化工厂起火", body=BANNED_BODY)
    chief = grant_emergency(review.chief)
    review.chief.email = "chief@example.com"
    review.chief.save(update_fields=["email"])
    with pytest.raises(services.ReviewError) as error:
        services.emergency_publish(story, acting_user=chief, reason="  ")
    assert error.value.code == "reason_required"
    assert not fresh(story).live

    with django_capture_on_commit_callbacks(execute=True):
        emergency = services.emergency_publish(story, acting_user=chief, reason="火情紧急，先发快讯")
    story = fresh(story)
    assert story.live and story.current_workflow_state is None
    assert emergency.review_stage == "初审"
    assert emergency.overridden_findings == ["内部绝密"]
    history = decisions(story)
    assert history == [D.SUBMIT, D.PROOF_OVERRIDE, D.OVERRIDE]  # no "withdrawn" by the chief
    override = list(queries.review_history(story))[-1]
    assert override.opinion == "火情紧急，先发快讯" and override.actor == review.chief
    assert ProofDecision.objects.filter(story=story, kind=ProofDecision.Kind.OVERRIDDEN).count() == 1
    told = [message for message in mail.outbox if "火情紧急，先发快讯" in message.body]
    assert [message.to for message in told] == [["chief@example.com"]]
    assert "内部绝密" in told[0].body and f"/admin/pages/{story.pk}/edit/" in told[0].body


def test_emergency_publish_from_the_editor(client, review):
    story = submitted_story(review, title="突发：暴雨")
    chief = grant_emergency(review.chief)
    en_client(client, chief)
    edit_html = client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    url = reverse("review_emergency_publish", args=[story.pk])
    assert url in edit_html
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and not fresh(story).live
    assert "Write why this story must go out" in response.content.decode()
    response = client.post(url, {"reason": "暴雨预警，需立即发布"})
    assert response.status_code == 302
    assert fresh(story).live

    report = client.get(reverse("review_emergency_report")).content.decode()
    assert "突发：暴雨" in report and "暴雨预警，需立即发布" in report


def test_without_the_permission_there_is_no_emergency_form_or_report(client, review):
    story = review.add_story(title="无权突发")
    en_client(client, review.admin)
    assert_sent_to_the_dashboard(client.get(reverse("review_emergency_publish", args=[story.pk])))
    assert (
        reverse("review_emergency_publish", args=[story.pk])
        not in client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    )
    en_client(client, review.reporter)
    assert_sent_to_the_dashboard(client.get(reverse("review_emergency_report")))


# --- "not an error" on a block is a reviewer's decision ---------------------------------------------


def test_author_cannot_clear_a_block_on_their_own_story(client, review, banned_list):
    story = review.add_story(title="作者自行放行", body=BANNED_BODY)
    finding = story_checks.latest_check(story).findings.get(category=f.BANNED)
    with pytest.raises(story_checks.ProofingError) as error:
        story_checks.mark_not_an_error(finding, acting_user=review.reporter, reason="不是错误")
    assert error.value.code == "block_needs_reviewer"

    services.submit_for_review(fresh(story), acting_user=review.reporter)
    finding = story_checks.latest_check(story).findings.get(category=f.BANNED)
    with pytest.raises(story_checks.ProofingError):
        story_checks.mark_not_an_error(finding, acting_user=review.reporter, reason="不是错误")
    with pytest.raises(story_checks.ProofingError):  # 复审 decides later, not now
        story_checks.mark_not_an_error(finding, acting_user=review.director, reason="不是错误")
    en_client(client, review.reporter)
    page = client.get(reverse("proofing_story", args=[story.pk])).content.decode()
    assert 'value="not_error"' not in page
    story_checks.mark_not_an_error(finding, acting_user=review.editor, reason="会议文件原文")
    assert story_checks.latest_check(story).block_count == 0


# --- withdrawing someone else's submission ------------------------------------------------------------


def test_an_editor_cannot_cancel_someone_elses_review(client, review):
    story = submitted_story(review, title="别人的稿件")
    en_client(client, review.editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert 'name="action-cancel-workflow"' not in client.get(edit_url).content.decode()
    response = client.post(
        edit_url, edit_form_data(story, **{"action-cancel-workflow": "action-cancel-workflow"}), follow=True
    )
    story = fresh(story)
    assert story.current_workflow_state is not None
    assert story.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert D.WITHDRAW not in decisions(story)
    assert "Only the author or whoever submitted this story" in response.content.decode()
    with pytest.raises(services.ReviewPermissionDenied):
        services.withdraw(story, acting_user=review.editor)


def test_the_author_still_withdraws_from_the_editor(client, review):
    story = submitted_story(review, title="自己撤回")
    en_client(client, review.reporter)
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    client.post(edit_url, edit_form_data(story, **{"action-cancel-workflow": "action-cancel-workflow"}))
    assert fresh(story).current_workflow_state is None
    assert decisions(fresh(story))[-1] == D.WITHDRAW


def test_administrators_grant_emergency_publishing_under_settings_groups(client, review):
    from rongmei.organisation import roles

    en_client(client, review.admin)
    group = roles.group_for(roles.CHIEF)
    html = client.get(reverse("wagtailusers_groups:edit", args=[group.pk])).content.decode()
    permission = Permission.objects.get(
        content_type__app_label="newsroom", codename="emergency_publish_storypage"
    )
    assert f'value="{permission.pk}"' in html
