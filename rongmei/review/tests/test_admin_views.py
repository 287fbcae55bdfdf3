import json

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from rongmei.organisation import roles
from rongmei.review import services
from rongmei.review.models import ReviewEvent
from rongmei.review.tests.factories import assert_sent_to_the_dashboard, submitted_story, workflow_action_url
from rongmei.testing import fresh, login, make_user

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def panel_html(client):
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    start = html.index('id="review-waiting-for-me-section"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def submitted(review):
    return submitted_story(review, title="后台审核稿件")


def current_level(story):
    task = fresh(story).current_workflow_task
    return task.specific.level if task else None


def test_allowed_reviewer_approves_through_the_workflow_action(client, review, submitted):
    login(client, review.editor)
    url = workflow_action_url(submitted, "approve")
    modal = client.get(url)
    assert modal.status_code == 200
    assert json.loads(modal.content)["step"] == "action"
    response = client.post(url, {"comment": "后台通过"})
    assert response.status_code == 302
    assert response.url != reverse("wagtailadmin_home")
    assert current_level(submitted) == 2
    event = ReviewEvent.objects.get(decision=ReviewEvent.Decision.APPROVE)
    assert (event.actor, event.level, event.opinion) == (review.editor, 1, "后台通过")


def test_barred_reviewer_gets_403_from_the_workflow_action(client, review, submitted, editor_director):
    services.approve(fresh(submitted), acting_user=editor_director)
    login(client, editor_director)
    url = workflow_action_url(submitted, "approve")
    assert_sent_to_the_dashboard(client.get(url))
    assert_sent_to_the_dashboard(client.post(url, {"comment": "再批一级"}))
    assert_sent_to_the_dashboard(client.post(workflow_action_url(submitted, "reject"), {"comment": "退"}))
    assert current_level(submitted) == 2
    assert ReviewEvent.objects.filter(decision=ReviewEvent.Decision.APPROVE).count() == 1


def test_author_gets_403_for_own_story(client, review):
    story = review.add_story(owner=review.editor)
    services.submit_for_review(story, acting_user=review.editor)
    login(client, review.editor)
    assert_sent_to_the_dashboard(client.post(workflow_action_url(story, "approve"), {"comment": ""}))
    assert current_level(story) == 1


def test_reject_without_opinion_shows_the_error_and_changes_nothing(client, review, submitted):
    login(client, review.editor)
    url = workflow_action_url(submitted, "reject")
    response = client.post(url, {"comment": "  "}, **XHR)
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["step"] == "action"
    assert 'name="comment"' in payload["html"] and "error" in payload["html"]
    state = fresh(submitted).current_workflow_task_state
    assert state.status == TaskState.STATUS_IN_PROGRESS

    response = client.post(url, {"comment": "请核实数据来源"}, **XHR)
    assert json.loads(response.content)["step"] == "success"
    event = ReviewEvent.objects.get(decision=ReviewEvent.Decision.REJECT)
    assert event.opinion == "请核实数据来源"


def test_history_view_renders_the_events(client, review, submitted):
    services.approve(fresh(submitted), acting_user=review.editor, opinion="初审意见甲")
    services.reject(fresh(submitted), acting_user=review.director, opinion="复审退回乙")
    url = reverse("review_history", args=[submitted.pk])
    assert url == f"/admin/review/history/{submitted.pk}/"
    login(client, review.reporter)  # the author reads why it came back
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("初审意见甲", "复审退回乙", "李初审", "周复审", "王记者", "初审", "复审"):
        assert text in html
    assert html.count('class="review-event ') == 3


def test_history_view_is_refused_to_staff_without_access(client, review, submitted):
    outsider = make_user("outsider", roles.REPORTER)
    login(client, outsider)
    response = client.get(reverse("review_history", args=[submitted.pk]))
    assert_sent_to_the_dashboard(response)
    assert "review-history" not in response.content.decode()
    assert client.get(reverse("review_history", args=[999999])).status_code == 404


def test_history_button_on_the_story_listing(client, review, submitted):
    login(client, review.director)
    response = client.get(reverse("wagtailadmin_explore", args=[review.section.pk]))
    assert response.status_code == 200
    assert reverse("review_history", args=[submitted.pk]) in response.content.decode()


def test_dashboard_panel_lists_waiting_stories(client, review, submitted, editor_director):
    own = review.add_story(title="主任自己写的稿", owner=review.director)
    services.submit_for_review(own, acting_user=review.director)
    services.approve(fresh(submitted), acting_user=review.editor)
    services.approve(fresh(own), acting_user=review.editor)

    login(client, review.director)
    html = panel_html(client)
    assert "后台审核稿件" in html
    # Their own story is listed with the reason they may not decide it, and without the actions.
    assert "主任自己写的稿" in html and "不能审核自己的稿件" in html
    assert workflow_action_url(submitted, "approve") in html
    assert workflow_action_url(own, "approve") not in html

    client.logout()
    login(client, review.editor)  # 初审 is done for both
    html = panel_html(client)
    assert "后台审核稿件" not in html and "主任自己写的稿" not in html

    client.logout()
    login(client, review.reporter)  # not a reviewer: no panel at all
    assert "review-waiting-for-me" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_administrator_adds_a_review_level_in_the_workflow_task_admin(client, review):
    from rongmei.review.models import ReviewLevelTask

    login(client, review.admin)
    url = reverse("wagtailadmin_workflows:add_task", args=["review", "reviewleveltask"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="level"' in page.content.decode() and 'name="groups"' in page.content.decode()
    response = client.post(url, {"name": "四审", "level": 4, "groups": [review.groups["chief"].pk]})
    assert response.status_code == 302
    task = ReviewLevelTask.objects.get(name="四审")
    assert task.level == 4 and list(task.groups.all()) == [review.groups["chief"]]


def test_page_editor_offers_review_actions_only_to_allowed_reviewers(client, review, submitted):
    task_state = fresh(submitted).current_workflow_task_state
    collect_url = reverse(
        "wagtailadmin_pages:collect_workflow_action_data", args=[submitted.pk, "approve", task_state.pk]
    )
    edit_url = reverse("wagtailadmin_pages:edit", args=[submitted.pk])
    login(client, review.editor)
    response = client.get(edit_url)
    assert response.status_code == 200
    assert collect_url in response.content.decode()

    client.logout()
    login(client, review.reporter)  # the author: in review, no decision
    response = client.get(edit_url)
    assert response.status_code == 200
    assert collect_url not in response.content.decode()
