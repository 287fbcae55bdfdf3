"""Who may do what in 三审: the one place the menus, the views, the workflow task and the services ask.

Functions named ``…_barred_reason`` return why someone may not (a translated sentence fit to show)
or ``None``; ``check_…`` raise ``ReviewPermissionDenied`` with that sentence; ``may_…`` and
``is_…`` answer yes or no. Nothing here changes anything.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import TaskState

from .errors import ReviewPermissionDenied
from .models import ReviewLevelTask

# 突发 (publishing around 三审): a permission of the story model that no role holds by default.
EMERGENCY_PERMISSION_APP = "newsroom"
EMERGENCY_PERMISSION_CODENAME = "emergency_publish_storypage"
EMERGENCY_REPORT_PERMISSION = "review.view_emergencypublication"

SIGN_IN_FIRST = gettext_lazy("Sign in as an active staff member to review stories.")


def is_active_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- reviewers ------------------------------------------------------------------------------------


def review_levels_of(user):
    """The active review levels at which ``user``'s groups decide."""
    if not is_active_staff(user):
        return ReviewLevelTask.objects.none()
    return ReviewLevelTask.objects.filter(active=True, groups__in=user.groups.all()).distinct()


def is_reviewer(user) -> bool:
    """Whether ``user`` decides at some review level: 待我审核 is theirs, and they decide on the
    proofreading findings of stories they review without being able to edit them."""
    return review_levels_of(user).exists()


def may_see_waiting_for_me(user) -> bool:
    """待我审核 on the dashboard: for reviewers only (nothing will ever wait for anyone else)."""
    return is_reviewer(user)


def in_level_groups(task, user) -> bool:
    """Whether ``user`` is a member of one of the level's groups (cached on the user object for
    the request: a listing asks it once per story)."""
    if not is_active_staff(user):
        return False
    cache = user.__dict__.setdefault("_review_level_task_groups", {})
    if task.pk not in cache:
        cache[task.pk] = task.groups.filter(pk__in=user.groups.all()).exists()
    return cache[task.pk]


# --- deciding a level -----------------------------------------------------------------------------


def credited_staff_ids(story, revision=None) -> set[int]:
    """Staff credited on the story, both as published and in the revision under review."""
    from rongmei.newsroom.models import StoryCredit

    ids = set(
        StoryCredit.objects.filter(story_id=story.pk, staff__isnull=False).values_list("staff_id", flat=True)
    )
    if revision is not None:
        for credit in revision.content.get("credits", []) or []:
            if credit.get("staff"):
                ids.add(int(credit["staff"]))
    return ids


def is_own_story(story, user, revision=None) -> bool:
    """Its owner, or staff credited on it: they never review it."""
    return story.owner_id == user.pk or user.pk in credited_staff_ids(story, revision)


def decision_barred_reason(task_state, user):
    """Why ``user`` may not approve or reject ``task_state`` now, or ``None`` if they may.

    Only members of the level's groups decide; nobody decides their own story, nor two levels of
    one submission (one Wagtail ``WorkflowState``), even holding several roles.
    """
    from .queries import story_under_review

    if not is_active_staff(user):
        return SIGN_IN_FIRST
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        return gettext_lazy("This review step has already been decided.")
    task = task_state.task.specific
    if not isinstance(task, ReviewLevelTask):
        return gettext_lazy("This step is not a review level.")
    if not in_level_groups(task, user):
        return _("Only members of %(groups)s may decide at %(level)s.") % {
            "groups": "、".join(task.groups.values_list("name", flat=True)) or "—",
            "level": task.name,
        }
    story = story_under_review(task_state.workflow_state)
    if story is not None and is_own_story(story, user, task_state.revision):
        return gettext_lazy("You cannot review your own story.")
    other_level = (
        TaskState.objects.filter(
            workflow_state_id=task_state.workflow_state_id,
            status=TaskState.STATUS_APPROVED,
            finished_by=user,
        )
        .exclude(task_id=task_state.task_id)
        .select_related("task")
        .first()
    )
    if other_level is not None:
        return _("You already decided %(level)s of this story; you cannot also decide %(this_level)s.") % {
            "level": other_level.task.name,
            "this_level": task.name,
        }
    return None


def may_decide(task_state, user) -> bool:
    return decision_barred_reason(task_state, user) is None


def check_may_decide(task_state, user) -> None:
    reason = decision_barred_reason(task_state, user)
    if reason is not None:
        raise ReviewPermissionDenied(reason)


def reviewers_for(task_state) -> list:
    """The people who may decide ``task_state`` now: members of its level's groups, less those the
    rules bar (the author, whoever decided another level of this submission); by id."""
    task = task_state.task.specific
    if not isinstance(task, ReviewLevelTask):
        return []
    members = (
        get_user_model()
        .objects.filter(is_active=True, groups__in=task.groups.all())
        .distinct()
        .select_related("staff_profile")
        .order_by("pk")
    )
    return [user for user in members if may_decide(task_state, user)]


# --- submitting and withdrawing --------------------------------------------------------------------


def submit_barred_reason(story, user):
    """Why ``user`` may not submit ``story`` to 三审 (or resubmit it), or ``None``."""
    if not is_active_staff(user) or not story.permissions_for_user(user).can_edit():
        return gettext_lazy("You may not submit this story for review.")
    return None


def withdraw_barred_reason(story, user, workflow_state=None):
    """Why ``user`` may not take ``story`` out of review (撤回, or restart its review), or ``None``.

    Only its author, whoever submitted it, or a superuser may: a reviewer decides (approve or
    reject with an opinion), never cancels someone else's submission. Wagtail's own "cancel
    workflow" lets any reviewer of the current step do it; ``wagtail_hooks`` applies this rule there.
    """
    workflow_state = workflow_state or story.current_workflow_state
    if workflow_state is None:
        return gettext_lazy("This story is not in review.")
    if not is_active_staff(user):
        return SIGN_IN_FIRST
    if user.is_superuser or user.pk in (workflow_state.requested_by_id, story.owner_id):
        return None
    return gettext_lazy(
        "Only the author or whoever submitted this story may withdraw it from review. As a reviewer, "
        "approve it or reject it with your opinion."
    )


# --- 突发 ------------------------------------------------------------------------------------------


def holds_emergency_permission(user) -> bool:
    """Whether ``user`` was granted 突发 publishing, themselves or through a group.

    Django gives a superuser every permission; this one is deliberately not implied: it must be
    granted like any other role's, so publishing around 三审 is always a named, visible decision.
    """
    if not is_active_staff(user):
        return False
    return (
        Permission.objects.filter(
            content_type__app_label=EMERGENCY_PERMISSION_APP, codename=EMERGENCY_PERMISSION_CODENAME
        )
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def emergency_barred_reason(user, story=None):
    """Why ``user`` may not publish ``story`` around 三审, or ``None``. Without a story, only the
    permission itself is asked (the menu item, the form)."""
    if not holds_emergency_permission(user):
        return gettext_lazy(
            "Publishing without completing review (突发) needs its own permission, which you do not "
            "have. Submit the story to 三审, or ask the chief editor."
        )
    if story is not None and not story.permissions_for_user(user).can_publish():
        return gettext_lazy("You may not publish stories in this section.")
    return None


def may_see_emergency_report(user) -> bool:
    return is_active_staff(user) and user.has_perm(EMERGENCY_REPORT_PERMISSION)


# --- reading a story's record ----------------------------------------------------------------------


def may_see_history(user, story) -> bool:
    """Its author and credited staff, whoever may see colleagues' work (reviewers' roles hold that
    permission) and whoever may edit the story now read its record (审核记录, 审校); being a
    reviewer somewhere does not open every story's opinions."""
    from rongmei.newsroom import visibility

    if not is_active_staff(user):
        return False
    return visibility.user_can_see_work(user, story) or story.permissions_for_user(user).can_edit()
