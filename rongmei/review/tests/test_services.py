from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.models import PageLogEntry, TaskState, Workflow, WorkflowPage, WorkflowState

from rongmei.newsroom.models import StoryCredit, StoryPage
from rongmei.organisation import roles
from rongmei.review import queries, services
from rongmei.review.models import ReviewEvent, ReviewLevelTask
from rongmei.review.tests.factories import submitted_story
from rongmei.testing import fresh

D = ReviewEvent.Decision


def decisions(story):
    return [
        (e.decision, e.level, e.actor.username if e.actor else None) for e in queries.review_history(story)
    ]


def test_ensure_review_workflow_is_idempotent(review):
    again = services.ensure_review_workflow(review.home)
    assert again.pk == review.workflow.pk
    assert Workflow.objects.filter(name=services.THREE_LEVEL_WORKFLOW_NAME).count() == 1
    tasks = [task.specific for task in review.workflow.tasks]
    assert [(t.name, t.level) for t in tasks] == [("初审", 1), ("复审", 2), ("终审", 3)]
    assert list(tasks[0].groups.all()) == [roles.group_for(roles.EDITOR)]
    assert list(tasks[2].groups.all()) == [roles.group_for(roles.CHIEF)]
    assert WorkflowPage.objects.get(page=review.home).workflow == review.workflow
    two = Workflow.objects.get(name=services.TWO_LEVEL_WORKFLOW_NAME)
    assert [t.specific.level for t in two.tasks] == [1, 2]
    assert not WorkflowPage.objects.filter(workflow=two).exists()
    assert ReviewLevelTask.objects.count() == 5


def test_three_level_happy_path_publishes(review):
    story = submitted_story(review, title="三审全流程")
    assert fresh(story).current_workflow_task.specific.level == 1
    services.approve(fresh(story), acting_user=review.editor, opinion="事实核实无误")
    assert fresh(story).current_workflow_task.specific.level == 2
    services.approve(fresh(story), acting_user=review.director)
    assert fresh(story).current_workflow_task.specific.level == 3
    assert not fresh(story).live
    services.approve(fresh(story), acting_user=review.chief, opinion="可以发布")
    story = fresh(story)
    assert story.live
    assert story.current_workflow_state is None
    assert decisions(story) == [
        (D.SUBMIT, 1, "reporter"),
        (D.APPROVE, 1, "editor"),
        (D.APPROVE, 2, "director"),
        (D.APPROVE, 3, "chief"),
        (D.PUBLISH, None, "chief"),
    ]
    opinions = [e.opinion for e in queries.review_history(story) if e.decision == D.APPROVE]
    # An approval without an opinion is recorded as the conventional “同意”.
    assert opinions == ["事实核实无误", services.DEFAULT_APPROVAL_OPINION, "可以发布"]
    # The opinions are in Wagtail's task states and audit log too.
    assert TaskState.objects.filter(comment="事实核实无误", finished_by=review.editor).exists()
    actions = list(PageLogEntry.objects.filter(page=story).values_list("action", flat=True))
    assert actions.count("rongmei.review.approve") == 3
    assert "rongmei.review.submit" in actions and "rongmei.review.publish" in actions
    approve_log = (
        PageLogEntry.objects.filter(page=story, action="rongmei.review.approve").order_by("pk").first()
    )
    assert approve_log.user == review.editor and approve_log.data["opinion"] == "事实核实无误"


def test_one_person_cannot_approve_two_levels_of_one_submission(review, editor_director):
    story = submitted_story(review)
    services.approve(fresh(story), acting_user=editor_director)
    task = fresh(story).current_workflow_task.specific
    assert task.level == 2
    assert task.get_actions(fresh(story), editor_director) == []
    with pytest.raises(services.ReviewPermissionDenied, match="你已审核本稿件的初审，不能再审复审"):
        services.approve(fresh(story), acting_user=editor_director)
    with pytest.raises(services.ReviewPermissionDenied):
        services.reject(fresh(story), acting_user=editor_director, opinion="不行")
    # A different person may decide the second level.
    services.approve(fresh(story), acting_user=review.director)
    assert fresh(story).current_workflow_task.specific.level == 3


def test_the_same_person_may_take_level_two_of_another_submission(review, editor_director):
    story = submitted_story(review)
    services.approve(fresh(story), acting_user=review.editor)
    services.approve(fresh(story), acting_user=editor_director)
    assert fresh(story).current_workflow_task.specific.level == 3


def test_author_with_reviewer_role_cannot_review_own_story(review):
    story = review.add_story(owner=review.editor)
    services.submit_for_review(story, acting_user=review.editor)
    task = fresh(story).current_workflow_task.specific
    assert task.get_actions(fresh(story), review.editor) == []
    assert task.locked_for_user(fresh(story), review.editor)
    with pytest.raises(services.ReviewPermissionDenied, match="不能审核自己的稿件"):
        services.approve(fresh(story), acting_user=review.editor)
    with pytest.raises(services.ReviewPermissionDenied, match="不能审核自己的稿件"):
        services.reject(fresh(story), acting_user=review.editor, opinion="自己退回")
    services.approve(fresh(story), acting_user=review.editor2)


def test_credited_staff_cannot_review_the_story(review):
    story = review.add_story()
    story.credits.add(StoryCredit(role="photographer", staff=review.director))
    story.save_revision(user=review.reporter)
    services.submit_for_review(story, acting_user=review.reporter)
    services.approve(fresh(story), acting_user=review.editor)
    with pytest.raises(services.ReviewPermissionDenied, match="不能审核自己的稿件"):
        services.approve(fresh(story), acting_user=review.director)


def test_only_members_of_the_level_groups_decide(review):
    story = submitted_story(review)
    with pytest.raises(services.ReviewPermissionDenied, match="初审"):
        services.approve(fresh(story), acting_user=review.chief)
    with pytest.raises(services.ReviewPermissionDenied):
        services.approve(fresh(story), acting_user=review.newmedia)


def test_reject_requires_an_opinion(review):
    story = submitted_story(review)
    for empty in ("", "   \n"):
        with pytest.raises(services.ReviewError) as excinfo:
            services.reject(fresh(story), acting_user=review.editor, opinion=empty)
        assert excinfo.value.code == "opinion_required"
        assert "退回稿件必须附审核意见" in str(excinfo.value)
    assert fresh(story).current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not ReviewEvent.objects.filter(decision=D.REJECT).exists()


def test_reject_returns_the_story_to_its_author_with_the_opinion(review):
    story = submitted_story(review)
    services.approve(fresh(story), acting_user=review.editor)
    services.reject(fresh(story), acting_user=review.director, opinion="  导语太长，请压缩。 ")
    story = fresh(story)
    workflow_state = story.current_workflow_state
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert workflow_state.requested_by == review.reporter
    assert workflow_state.current_task_state.comment == "导语太长，请压缩。"
    assert not story.live
    event = ReviewEvent.objects.get(decision=D.REJECT)
    assert (event.level, event.level_name, event.actor, event.opinion) == (
        2,
        "复审",
        review.director,
        "导语太长，请压缩。",
    )
    # The author can edit it again; reviewers no longer have actions on it.
    assert story.permissions_for_user(review.reporter).can_edit()
    assert queries.stories_waiting_for(review.director) == []


def test_resubmission_after_reject_starts_again_and_keeps_history(review):
    story = submitted_story(review)
    services.approve(fresh(story), acting_user=review.editor)
    services.reject(fresh(story), acting_user=review.director, opinion="补充信源")
    story = fresh(story)
    draft = story.get_latest_revision_as_object()
    draft.body = "<p>补充了信源的正文</p>"
    draft.save_revision(user=review.reporter)
    services.submit_for_review(fresh(story), acting_user=review.reporter)
    # The story changed, so the review starts again at 初审.
    assert fresh(story).current_workflow_task.specific.level == 1
    with pytest.raises(services.ReviewError):
        services.submit_for_review(fresh(story), acting_user=review.reporter)
    services.approve(fresh(story), acting_user=review.editor2)
    services.approve(fresh(story), acting_user=review.director, opinion="已补充")
    services.approve(fresh(story), acting_user=review.chief)
    story = fresh(story)
    assert story.live and "补充了信源" in story.body
    assert decisions(story) == [
        (D.SUBMIT, 1, "reporter"),
        (D.APPROVE, 1, "editor"),
        (D.REJECT, 2, "director"),
        (D.RESUBMIT, 1, "reporter"),
        (D.APPROVE, 1, "editor2"),
        (D.APPROVE, 2, "director"),
        (D.APPROVE, 3, "chief"),
        (D.PUBLISH, None, "chief"),
    ]
    assert len({e.workflow_state_id for e in ReviewEvent.objects.exclude(decision=D.PUBLISH)}) == 1


def test_withdraw_by_author(review):
    story = submitted_story(review)
    with pytest.raises(services.ReviewPermissionDenied):
        services.withdraw(fresh(story), acting_user=review.newmedia)
    services.withdraw(fresh(story), acting_user=review.reporter)
    story = fresh(story)
    assert story.current_workflow_state is None
    assert decisions(story)[-1] == (D.WITHDRAW, 1, "reporter")
    with pytest.raises(services.ReviewError, match="不在审核中"):
        services.withdraw(story, acting_user=review.reporter)
    with pytest.raises(services.ReviewError, match="不在待审状态"):
        services.approve(story, acting_user=review.editor)


def test_submit_without_a_workflow_is_refused(newsroom):
    WorkflowPage.objects.all().delete()  # Wagtail's default "Moderators approval" on the root
    story = newsroom.add_story()
    with pytest.raises(services.ReviewError) as excinfo:
        services.submit_for_review(story, acting_user=newsroom.reporter)
    assert excinfo.value.code == "no_workflow"


def test_submit_saves_a_first_revision(review):
    story = StoryPage(title="没有修订的稿件", body="<p>正文</p>", owner=review.reporter, live=False)
    review.section.add_child(instance=story)
    assert story.latest_revision_id is None
    workflow_state = services.submit_for_review(story, acting_user=review.reporter)
    assert fresh(story).latest_revision_id is not None
    assert workflow_state.current_task_state.revision_id == fresh(story).latest_revision_id


def test_section_with_a_two_level_workflow_publishes_after_two_approvals(review):
    two = Workflow.objects.get(name=services.TWO_LEVEL_WORKFLOW_NAME)
    WorkflowPage.objects.create(page=review.other_section, workflow=two)
    story = submitted_story(review, section=review.other_section, title="评论：两级审核")
    services.approve(fresh(story), acting_user=review.editor)
    assert not fresh(story).live
    services.approve(fresh(story), acting_user=review.chief)
    assert fresh(story).live
    assert [e.level for e in queries.review_history(story) if e.decision == D.APPROVE] == [1, 2]
    # The other section keeps the 三审.
    other = submitted_story(review)
    assert fresh(other).current_workflow_state.workflow == review.workflow


def test_embargoed_story_goes_live_when_the_scheduler_runs(review):
    from rongmei.core.tasks import publish_scheduled_pages

    embargo = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    story = review.add_story(title="定时发布", embargo_until=embargo)
    assert fresh(story).get_latest_revision_as_object().go_live_at == embargo  # copied by full_clean
    services.submit_for_review(story, acting_user=review.reporter)
    services.approve(fresh(story), acting_user=review.editor)
    services.approve(fresh(story), acting_user=review.director)
    services.approve(fresh(story), acting_user=review.chief)
    story = fresh(story)
    assert not story.live
    assert story.get_latest_revision().approved_go_live_at == embargo
    assert decisions(story)[-1] == (D.SCHEDULE, None, "chief")

    publish_scheduled_pages.enqueue()  # before the embargo: nothing happens
    assert not fresh(story).live

    later = embargo + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        publish_scheduled_pages.enqueue()
    story = fresh(story)
    assert story.live
    assert decisions(story)[-1] == (D.PUBLISH, None, None)


def test_direct_publish_of_a_story_in_review_is_refused(review):
    story = submitted_story(review)
    with pytest.raises(services.PublicationRefused):
        fresh(story).get_latest_revision().publish(user=review.chief)
    story = fresh(story)
    assert not story.live
    assert story.current_workflow_task.specific.level == 1
    assert [d for d, _level, _user in decisions(story)] == [D.SUBMIT]


def test_task_on_action_refuses_barred_users(review, editor_director):
    story = submitted_story(review)
    services.approve(fresh(story), acting_user=editor_director)
    task_state = fresh(story).current_workflow_task_state
    task = task_state.task.specific
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, editor_director, "approve", comment="")
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, review.director, "reject", comment="")
    assert fresh(story).current_workflow_task_state.pk == task_state.pk


def test_stories_waiting_for_lists_only_what_the_user_may_decide(review, editor_director):
    mine = review.add_story(title="两岗自己的稿", owner=editor_director)
    other = review.add_story(title="别人的稿")
    third = review.add_story(title="第三篇")
    for story in (mine, other, third):
        services.submit_for_review(story, acting_user=story.owner)
    services.approve(fresh(other), acting_user=editor_director)  # now at 复审
    services.approve(fresh(third), acting_user=review.editor)  # now at 复审

    waiting = queries.stories_waiting_for(editor_director)
    # not their own story; not "other", whose 初审 they approved; "third" at 复审.
    assert [(w.story.title, w.level) for w in waiting] == [("第三篇", 2)]
    assert {w.story.title for w in queries.stories_waiting_for(review.editor2)} == {"两岗自己的稿"}
    assert {w.story.title for w in queries.stories_waiting_for(review.director)} == {"别人的稿", "第三篇"}
    assert queries.stories_waiting_for(review.reporter) == []
    assert set(TaskState.objects.reviewable_by(editor_director).values_list("pk", flat=True)) == {
        waiting[0].task_state.pk
    }


def test_each_level_is_notified_by_email_except_barred_people(review, editor_director):
    story = review.add_story(title="邮件通知")
    mail.outbox.clear()
    services.submit_for_review(story, acting_user=review.reporter)
    level_one = {address for message in mail.outbox for address in message.to}
    assert {"editor@example.test", "editor2@example.test", "both@example.test"} <= level_one
    assert "reporter@example.test" not in level_one and "director@example.test" not in level_one
    mail.outbox.clear()
    services.approve(fresh(story), acting_user=editor_director)
    level_two = {address for message in mail.outbox for address in message.to}
    assert "director@example.test" in level_two
    assert "both@example.test" not in level_two


def test_a_reviewers_own_edit_is_approved_with_the_step_and_does_not_send_the_story_back(review):
    story = submitted_story(review, title="复审修改", body="<p>原文。</p>")
    services.approve(fresh(story), acting_user=review.editor)
    draft = fresh(story).get_latest_revision_as_object()
    draft.body = "<p>复审改过的文字。</p>"
    edited = draft.save_revision(user=review.director)
    services.approve(fresh(story), acting_user=review.director)
    story = fresh(story)
    assert story.current_workflow_task.name == "终审"
    approved = TaskState.objects.filter(workflow_state=story.current_workflow_state, status="approved")
    # Both lower levels now count for the edited text, 初审's approval carried over by 复审's.
    assert {(s.task.name, s.revision_id) for s in approved if s.revision_id == edited.pk} == {
        ("初审", edited.pk),
        ("复审", edited.pk),
    }
    services.approve(story, acting_user=review.chief)
    assert "复审改过的文字" in fresh(story).body
