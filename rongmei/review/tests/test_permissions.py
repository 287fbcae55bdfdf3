"""Who may do what in 三审, asked in one place (``review.permissions``) by menus, views and services."""

from rongmei.organisation import roles
from rongmei.review import permissions, services
from rongmei.testing import fresh, make_user


def test_a_reviewer_is_a_member_of_an_active_review_level(review):
    for user in (review.editor, review.director, review.chief):
        assert permissions.is_reviewer(user) and permissions.may_see_waiting_for_me(user)
    for user in (review.reporter, review.newmedia):
        assert not permissions.is_reviewer(user)
    review.chief.is_active = False
    assert not permissions.is_reviewer(review.chief)


def test_a_level_nobody_uses_makes_nobody_a_reviewer(review):
    from rongmei.review.models import ReviewLevelTask

    ReviewLevelTask.objects.filter(groups=review.groups["chief"]).update(active=False)
    assert not permissions.is_reviewer(review.chief)
    assert permissions.is_reviewer(review.editor)


def test_reviewers_for_a_step_leave_out_the_author_and_earlier_deciders(review, editor_director):
    story = review.add_story(owner=review.editor2)
    services.submit_for_review(story, acting_user=review.editor2)
    at_first = fresh(story).current_workflow_task_state
    assert [user.username for user in permissions.reviewers_for(at_first)] == ["editor", "both"]
    services.approve(fresh(story), acting_user=editor_director)
    at_second = fresh(story).current_workflow_task_state
    assert [user.username for user in permissions.reviewers_for(at_second)] == ["director"]


def test_emergency_publishing_needs_the_permission_and_the_right_to_publish_there(review):
    from django.contrib.auth.models import Permission

    story = review.add_story(title="突发")
    holder = make_user("holder", roles.REPORTER)
    assert permissions.emergency_barred_reason(holder) is not None
    holder.user_permissions.add(Permission.objects.get(codename=permissions.EMERGENCY_PERMISSION_CODENAME))
    holder = fresh(holder)
    assert permissions.emergency_barred_reason(holder) is None  # the menu item and the form
    assert permissions.emergency_barred_reason(holder, story) is not None  # a reporter does not publish
