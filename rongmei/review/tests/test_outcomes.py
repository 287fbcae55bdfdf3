"""三审 as people read it (issue 10): what a decision did, the real reason for a refusal, the 退回
opinion on the editor, 退回 everywhere, one way to resubmit, Wagtail's leftovers gone, open warnings.

Several assertions read Chinese text of new strings (var/po-pending/review.po): they pass once the
lead has merged that file into the catalogue.
"""

import importlib
import re
from datetime import timedelta
from html import unescape

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Workflow, WorkflowState

from rongmei.organisation import roles
from rongmei.review import outcomes, services
from rongmei.review.tests.factories import edit_form_data, edit_url, submitted_story
from rongmei.testing import fresh, login, make_user


def text_of(response):
    """The page's text, tags removed, entities decoded, whitespace collapsed."""
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def messages_of(response):
    return [unescape(re.sub(r"<[^>]+>", "", str(m.message))).strip() for m in response.context["messages"]]


def decide_in_editor(client, story, action, comment="", **fields):
    """The footer's approve/reject: the editor's POST with the dialog's data, as Wagtail sends it."""
    import json

    data = edit_form_data(
        story,
        **{
            "action-workflow-action": "true",
            "workflow-action-name": action,
            "workflow-action-extra-data": json.dumps({"comment": comment}),
            **fields,
        },
    )
    return client.post(edit_url(story), data, follow=True)


@pytest.fixture
def submitted(review):
    return submitted_story(review, title="三审消息稿件")


# --- 1. what happened, what comes next ---------------------------------------------------------------


def test_approval_in_the_editor_says_which_level_is_next_and_who_decides_it(client, review, submitted):
    second = make_user("director2", roles.DIRECTOR, display_name="吴主任")
    assert second.groups.exists()
    login(client, review.editor)
    response = decide_in_editor(client, submitted, "approve", "同意")
    said = messages_of(response)
    assert "已通过初审，转复审（吴主任等 2 人）" in said, said
    assert not any("已被更新" in message for message in said)


def test_final_approval_says_published(client, review, submitted):
    services.approve(fresh(submitted), acting_user=review.editor)
    services.approve(fresh(submitted), acting_user=review.director)
    login(client, review.chief)
    response = decide_in_editor(client, submitted, "approve")
    assert fresh(submitted).live
    assert "已终审通过，已发布" in messages_of(response)


def test_final_approval_of_an_embargoed_story_says_when_it_goes_live(client, review):
    go_live = timezone.now().replace(microsecond=0) + timedelta(days=3)
    story = review.add_story(title="定时稿件")
    story = fresh(story)
    story.go_live_at = go_live
    story.save_revision(user=review.reporter)
    services.submit_for_review(story, acting_user=review.reporter)
    services.approve(fresh(story), acting_user=review.editor)
    services.approve(fresh(story), acting_user=review.director)
    login(client, review.chief)
    local = timezone.localtime(go_live)
    response = decide_in_editor(client, story, "approve", go_live_at=local.strftime("%Y-%m-%d %H:%M"))
    when = f"{local.month}月{local.day}日 {local:%H:%M}"
    if local.year != timezone.localtime().year:
        when = f"{local.year}年{when}"
    assert f"已终审通过，将于 {when} 发布" in messages_of(response)


def test_return_in_the_editor_says_to_whom(client, review, submitted):
    login(client, review.editor)
    response = decide_in_editor(client, submitted, "reject", "请核实数据来源")
    said = messages_of(response)
    assert any(message.startswith("已退回给王记者") for message in said), said


def test_submission_says_which_level_and_who(client, review):
    story = review.add_story(title="送审消息稿件")
    login(client, review.reporter)
    response = client.post(edit_url(story), edit_form_data(story, **{"action-submit": "1"}), follow=True)
    said = messages_of(response)
    assert any(message.startswith("已提交初审（李初审等 2 人）") for message in said), said


def test_dashboard_dialog_decision_says_what_happened_and_returns_to_the_dashboard(client, review, submitted):
    login(client, review.editor)
    task_state = fresh(submitted).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[submitted.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": "", "next": reverse("wagtailadmin_home")})
    assert response.status_code == 302
    assert response.url.startswith(reverse("review_decided", args=[task_state.pk]))
    response = client.get(response.url)
    assert response.url == reverse("wagtailadmin_home")
    response = client.get(response.url)
    assert "已通过初审，转复审（周复审）" in messages_of(response)


def test_decided_page_shows_nothing_for_someone_elses_decision(client, review, submitted):
    task_state = fresh(submitted).current_workflow_task_state
    services.approve(fresh(submitted), acting_user=review.editor)
    login(client, review.editor2)
    response = client.get(reverse("review_decided", args=[task_state.pk]) + "?next=https://evil.example/")
    assert response.url == reverse("wagtailadmin_home")
    assert messages_of(client.get(response.url)) == []


# --- 2. the real reason --------------------------------------------------------------------------------


def test_editor_tells_a_reviewer_who_decided_an_earlier_level_why(client, review, submitted, editor_director):
    services.approve(fresh(submitted), acting_user=editor_director)
    login(client, editor_director)
    text = text_of(client.get(edit_url(submitted)))
    assert "你已审核本稿件的初审，不能再审复审" in text
    assert "只有此任务的审核人" not in text


def test_editor_tells_the_author_in_the_group_why(client, review):
    own = review.add_story(title="主任自己写的稿", owner=review.director)
    services.submit_for_review(own, acting_user=review.director)
    services.approve(fresh(own), acting_user=review.editor)
    login(client, review.director)
    text = text_of(client.get(edit_url(own)))
    assert "不能审核自己的稿件" in text
    assert "只有此任务的审核人" not in text


def test_review_queue_lists_barred_stories_with_the_reason(review, submitted, editor_director):
    from rongmei.review import queries

    services.approve(fresh(submitted), acting_user=editor_director)
    queue = queries.review_queue_for(editor_director)
    assert [(item.story.pk, item.may_decide) for item in queue] == [(submitted.pk, False)]
    assert queue[0].barred_reason == "你已审核本稿件的初审，不能再审复审。"
    assert queries.stories_waiting_for(editor_director) == []


# --- 3. 退回 -------------------------------------------------------------------------------------------


def test_returned_story_shows_the_opinion_on_the_editor_until_resubmission(client, review, submitted):
    services.reject(fresh(submitted), acting_user=review.editor, opinion="请核实数据来源")
    login(client, review.reporter)
    response = client.get(edit_url(submitted))
    text = text_of(response)
    assert "请核实数据来源" in text
    assert "李初审在初审退回了本稿件" in text
    assert re.search(r"\d+ 秒前", text), text
    html = response.content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-restart-workflow"' not in html  # one way to resubmit

    client.post(edit_url(submitted), edit_form_data(submitted, **{"action-submit": "1"}))
    assert fresh(submitted).current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert outcomes.returned(fresh(submitted)) is None


def test_returned_is_called_tuihui_in_the_history_and_on_the_dashboard(client, review, submitted):
    services.reject(fresh(submitted), acting_user=review.editor, opinion="标题再改")
    login(client, review.reporter)
    history = text_of(client.get(reverse("review_history", args=[submitted.pk])))
    assert "初审: 退回" in history and "已拒绝" not in history
    dashboard = text_of(client.get(reverse("wagtailadmin_home")))
    assert "初审退回" in dashboard
    assert "请求的更改" not in dashboard


@translation.override("zh-hans")
def test_relative_times_and_go_live_times_in_chinese():
    now = timezone.now()
    assert outcomes.relative_time(now - timedelta(seconds=27), now) == "27 秒前"
    assert outcomes.relative_time(now - timedelta(minutes=3, seconds=5), now) == "3 分钟前"
    assert outcomes.relative_time(now - timedelta(hours=2), now) == "2 小时前"
    assert outcomes.relative_time(now - timedelta(days=3), now) == "3 天前"
    long_ago = now - timedelta(days=7)
    assert outcomes.relative_time(long_ago, now) == outcomes.go_live_text(long_ago)
    moment = timezone.localtime().replace(month=12, day=6, hour=8, minute=0)
    assert outcomes.go_live_text(moment) == "12月6日 08:00"


# --- 4. Wagtail's leftovers -------------------------------------------------------------------------


def test_wagtails_default_groups_and_workflow_are_gone(review):
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()


def test_default_groups_in_use_are_kept(db):
    migration = importlib.import_module(
        "rongmei.review.migrations.0005_remove_wagtail_default_groups_and_workflow"
    )
    used = Group.objects.create(name="Moderators")
    member = make_user("moderator")
    member.groups.add(used)
    Group.objects.create(name="Editors")
    migration.remove_wagtail_defaults(django_apps, None)
    assert list(Group.objects.filter(name__in=["Editors", "Moderators"]).values_list("name", flat=True)) == [
        "Moderators"
    ]


# --- 5. open warnings at submission and approval ----------------------------------------------------------

WARNING_BODY = "<p>今天,我们开会.大家都来了,会议很成功.</p>"


def test_approve_dialog_and_queue_count_open_warnings(client, review):
    from rongmei.proofing.story_checks import latest_check

    story = submitted_story(review, title="有警告的稿件", body=WARNING_BODY)
    check = latest_check(fresh(story))
    assert check is not None and check.warn_count > 0
    login(client, review.editor)
    task_state = fresh(story).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "approve", task_state.pk])
    import json

    html = json.loads(client.get(url).content)["html"]
    assert f"还有 {check.warn_count} 条警告未处理" in text_of(type("R", (), {"content": html.encode()}))
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'data-open-warnings="{check.warn_count}"' in dashboard


def test_submit_dialog_counts_open_warnings(client, review):
    from rongmei.proofing.story_checks import latest_check

    story = review.add_story(title="送审前有警告", body=WARNING_BODY)
    check = latest_check(fresh(story))
    assert check is not None and check.warn_count > 0
    login(client, review.reporter)
    text = text_of(client.get(edit_url(story)))
    assert f"还有 {check.warn_count} 条警告未处理" in text
