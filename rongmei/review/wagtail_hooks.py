from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.action_menu import ActionMenuItem, SubmitForModerationMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel
from wagtail.models import TaskState, WorkflowState

from rongmei.newsroom.story_admin import StoryMenuItem, add_story_menu_item

from . import outcomes, permissions, queries, services, views, views_emergency


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    from .events import KINDS

    for kind in KINDS.values():
        actions.register_action(kind.log_action, kind.log_label, kind.log_message)


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path("review/history/<int:page_id>/", views.ReviewHistoryView.as_view(), name="review_history"),
        path("review/decided/<int:task_state_id>/", views.DecidedView.as_view(), name="review_decided"),
        path(
            "review/emergency-publish/<int:page_id>/",
            views_emergency.EmergencyPublishView.as_view(),
            name="review_emergency_publish",
        ),
        path(
            "reports/emergency-publications/",
            views_emergency.EmergencyPublicationReportView.as_view(),
            name="review_emergency_report",
        ),
        path(
            "reports/emergency-publications/results/",
            views_emergency.EmergencyPublicationReportView.as_view(results_only=True),
            name="review_emergency_report_results",
        ),
    ]


# --- 三审 cannot be gone around from the page editor -------------------------------------------------
# The rules are in services (check_may_go_live) and permissions (withdraw_barred_reason); these hooks keep the editor
# from offering what the rules refuse, and turn a forged POST into a message instead of an error.


def _is_story_class(model) -> bool:
    from rongmei.newsroom.models import StoryPage

    return isinstance(model, type) and issubclass(model, StoryPage)


def _menu_story_class(request, context):
    page = context.get("page")
    if page is not None:
        return page.specific_class
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    if kwargs.get("content_type_app_name") and kwargs.get("content_type_model_name"):
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.filter(
            app_label=kwargs["content_type_app_name"], model=kwargs["content_type_model_name"]
        ).first()
        return content_type.model_class() if content_type else None
    return None


class EmergencyPublishMenuItem(ActionMenuItem):
    label = _("Emergency publish (突发发布)…")
    name = "action-emergency-publish"
    icon_name = "warning"
    order = 90

    def is_shown(self, context):
        # Also on a story locked by its review step: ending that review is what 突发 does.
        return context["view"] == "edit"

    def get_url(self, parent_context):
        return reverse("review_emergency_publish", args=[parent_context["page"].pk])


class SubmitToReviewMenuItem(SubmitForModerationMenuItem):
    """Wagtail's "submit to 三审" / "resubmit to 初审", saying how many proofreading warnings are still
    open on the story's latest revision. They do not stop the submission."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        warnings = outcomes.open_warning_count(page.specific) if page is not None and page.pk else None
        if warnings:
            context["label"] = ngettext(
                "%(label)s (%(count)s proofreading warning is still open)",
                "%(label)s (%(count)s proofreading warnings are still open)",
                warnings,
            ) % {"label": context.get("label", self.label), "count": warnings}
        return context


@hooks.register("construct_page_action_menu")
def story_action_menu(menu_items, request, context):
    if not _is_story_class(_menu_story_class(request, context)):
        return
    user = request.user
    page = context.get("page")
    hidden = {"action-publish"}  # a story goes live by passing 三审 (or as a recorded 突发)
    if page is not None and page.pk and _in_review_workflow(page):
        # One way to (re)submit: "submit" resumes a returned story at the right level (see
        # ReviewLevelTask.start); "restart workflow" beside "resubmit to 初审" only confused.
        hidden.add("action-restart-workflow")
    if page is not None and permissions.withdraw_barred_reason(page.specific, user) is not None:
        hidden |= {"action-cancel-workflow", "action-restart-workflow"}
    menu_items[:] = [
        SubmitToReviewMenuItem(order=item.order) if item.name == "action-submit" else item
        for item in menu_items
        if item.name not in hidden
    ]
    if page is not None and permissions.holds_emergency_permission(user):
        item = EmergencyPublishMenuItem()
        if item.is_shown(context):
            menu_items.append(item)


def _in_review_workflow(page) -> bool:
    workflow_state = page.current_workflow_state
    if workflow_state is not None:
        workflow = workflow_state.workflow
    else:
        workflow = page.get_workflow()
    return workflow is not None and workflow.tasks.filter(reviewleveltask__isnull=False).exists()


def _refuse(request, page, message):
    messages.error(request, message)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_publish_page")
def refuse_publishing_story_around_review(request, page):
    # The editor has already saved the text as a new draft revision: nothing typed is lost.
    if not _is_story_class(page.specific_class):
        return None
    reason = services.go_live_refusal(page.specific, page.get_latest_revision())
    if reason is not None:
        return _refuse(request, page, reason)
    return None


@hooks.register("before_edit_page")
def refuse_cancelling_others_review(request, page):
    if request.method != "POST" or not _is_story_class(page.specific_class):
        return None
    if not (request.POST.get("action-cancel-workflow") or request.POST.get("action-restart-workflow")):
        return None
    story = page.specific
    if story.current_workflow_state is None:
        return None
    reason = permissions.withdraw_barred_reason(story, request.user)
    if reason is not None:
        return _refuse(request, page, reason)
    return None


# --- What a review act did, in the newsroom's words ---------------------------------------------
# Wagtail says "页面'…'已被更新。" after a decision in the editor and "已经提交进行审核" after a
# submission. These hooks remember where the story stood before the POST and replace that message
# with what happened and what comes next. (Decisions from the dashboard dialog: views.DecidedView.)

_BEFORE = "_rongmei_review_before"


@hooks.register("before_edit_page")
def remember_review_stage_or_show_return(request, page):
    if not _is_story_class(page.specific_class):
        return None
    story = page.specific
    if request.method == "POST":
        task_state = story.current_workflow_task_state
        workflow_state = story.current_workflow_state
        setattr(
            request,
            _BEFORE,
            {
                "task_state_id": task_state.pk if task_state else None,
                "status": workflow_state.status if workflow_state else None,
            },
        )
    elif request.method == "GET":
        notice = outcomes.returned(story)
        if notice is not None:
            admin_messages.warning(request, returned_notice_html(notice, story), extra_tags="review-returned")
    return None


def returned_notice_html(notice, story):
    """The returning reviewer's opinion, at the top of the editor until the story is resubmitted."""
    workflow_state = story.current_workflow_state
    level = workflow_state.current_task_state.task.name if workflow_state else notice.level_name
    return format_html(
        '<span class="review-returned-notice"><strong>{}</strong> {}<br>{}</span>',
        gettext("%(reviewer)s returned this story at %(level)s, %(when)s:")
        % {"reviewer": notice.reviewer_name or "—", "level": notice.level_name, "when": notice.when},
        notice.opinion,
        gettext("Revise it, then choose “Resubmit to %(level)s” in the menu at the bottom of the page.")
        % {"level": level},
    )


def _replace_success_message(request, wagtail_texts, message):
    """Put ``message`` in place of Wagtail's success message of this request (or add it)."""
    storage = messages.get_messages(request)
    replaced = False
    for queued in storage:
        if replaced or queued.level != messages.SUCCESS:
            continue
        for text in wagtail_texts:
            escaped = str(escape(text))
            if escaped in queued.message:
                queued.message = mark_safe(queued.message.replace(escaped, str(escape(message))))
                replaced = True
                break
    storage.used = False  # the documented way to keep messages after reading them
    if not replaced:
        admin_messages.success(request, message)


@hooks.register("after_edit_page")
def tell_what_the_review_act_did(request, page):
    before = getattr(request, _BEFORE, None)
    if request.method != "POST" or before is None:
        return None
    story = type(page.specific).objects.get(pk=page.pk)
    title = page.get_admin_display_title()
    if request.POST.get("action-workflow-action") and before["task_state_id"]:
        task_state = (
            TaskState.objects.filter(pk=before["task_state_id"], finished_by=request.user)
            .exclude(status=TaskState.STATUS_IN_PROGRESS)
            .first()
        )
        if task_state is None:
            return None
        message = outcomes.decision_message(task_state)
        wagtail_texts = [gettext("Page '%(page_title)s' has been updated.") % {"page_title": title}]
    elif request.POST.get("action-submit") or request.POST.get("action-restart-workflow"):
        workflow_state = story.current_workflow_state
        if workflow_state is None:
            return None
        resubmitted = (
            bool(request.POST.get("action-submit")) and before["status"] == WorkflowState.STATUS_NEEDS_CHANGES
        )
        message = outcomes.submission_message(workflow_state, resubmitted=resubmitted)
        wagtail_texts = [
            gettext("Page '%(page_title)s' has been submitted for moderation.") % {"page_title": title},
            gettext("Workflow on page '%(page_title)s' has been restarted.") % {"page_title": title},
        ]
    else:
        return None
    if message:
        _replace_success_message(request, wagtail_texts, message)
    return None


@hooks.register("after_create_page")
def tell_where_a_new_story_went(request, page):
    if (
        request.method != "POST"
        or not request.POST.get("action-submit")
        or not _is_story_class(page.specific_class)
    ):
        return None
    workflow_state = type(page.specific).objects.get(pk=page.pk).current_workflow_state
    if workflow_state is None:
        return None
    title = page.get_admin_display_title()
    _replace_success_message(
        request,
        [gettext("Page '%(page_title)s' created and submitted for moderation.") % {"page_title": title}],
        outcomes.submission_message(workflow_state),
    )
    return None


def _stories_among(objects, include_descendants):
    from rongmei.newsroom.models import StoryPage

    stories = [page for page in objects if _is_story_class(page.specific_class)]
    if include_descendants:
        for page in objects:
            stories += list(StoryPage.objects.descendant_of(page).not_live()[:1])
    return stories


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_stories(request, action_type, objects, action_class_instance):
    if action_type != "publish" or getattr(action_class_instance, "model", None) is None:
        return None
    if not _stories_among(objects, bool(request.POST.get("include_descendants"))):
        return None
    messages.error(
        request,
        _(
            "Stories cannot be published in bulk: each one goes live when its 三审 is complete. "
            "Nothing was published."
        ),
    )
    return redirect(request.POST.get("next") or reverse("wagtailadmin_explore_root"))


@hooks.register("before_copy_page")
def refuse_copying_story_live(request, page):
    from rongmei.newsroom.models import StoryPage

    if request.method != "POST" or not request.POST.get("publish_copies"):
        return None
    if not StoryPage.objects.descendant_of(page, inclusive=True).exists():
        return None
    messages.error(
        request,
        _(
            "A copied story cannot go live straight away: untick “publish copies” to copy it as a draft, "
            "then submit the copy to 三审."
        ),
    )
    return redirect(request.get_full_path())


@hooks.register("register_permissions")
def register_newsroom_permissions():
    """Settings → Groups shows these, so an administrator grants 突发 (and the others) by name;
    page models' own permissions are not listed there otherwise."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    return Permission.objects.filter(
        Q(
            content_type__app_label="newsroom",
            codename__in=[permissions.EMERGENCY_PERMISSION_CODENAME, "view_others_work_storypage"],
        )
        | Q(content_type__app_label="review", codename="view_emergencypublication")
    )


class EmergencyReportMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.may_see_emergency_report(request.user)


@hooks.register("register_reports_menu_item")
def register_emergency_report_menu_item():
    return EmergencyReportMenuItem(
        _("Emergency publications (突发发布记录)"),
        reverse("review_emergency_report"),
        icon_name="warning",
        order=710,
    )


class WaitingForMePanel(Component):
    """待我审核: stories at a level where the current user may decide, with the approve/reject actions."""

    name = "review_waiting_for_me"
    template_name = "review/panels/waiting_for_me.html"
    order = 50

    def render_html(self, parent_context=None):
        if not permissions.may_see_waiting_for_me(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        from rongmei.proofing.story_checks import check_state

        items = []
        # Also the stories this person may not decide (their own, a level of it they decided):
        # listed with the reason, rather than missing without one.
        for item in queries.review_queue_for(request.user):
            proofing = check_state(item.story)
            items.append(
                {
                    "item": item,
                    "actions": item.task.get_actions(item.story, request.user) if item.may_decide else [],
                    "check": proofing.current,
                    "checking": proofing.pending,
                }
            )
        return {"items": items, "request": request, "csrf_token": parent_context.get("csrf_token")}


class MyStoriesInReviewPanel(UserObjectsInWorkflowModerationPanel):
    """Wagtail's "your pages in a workflow", saying 退回 where Wagtail says 请求的更改."""

    template_name = "review/panels/my_stories_in_review.html"


@hooks.register("construct_homepage_panels")
def add_waiting_for_me_panel(request, panels):
    # Wagtail's own "Awaiting your review" lists the same task states; ours shows the review level
    # and links to the 审核记录, so it takes that panel's place.
    panels[:] = [
        MyStoriesInReviewPanel() if type(panel) is UserObjectsInWorkflowModerationPanel else panel
        for panel in panels
        if not isinstance(panel, WorkflowObjectsToModeratePanel)
    ]
    panels.append(WaitingForMePanel())


class ReviewHistoryMenuItem(StoryMenuItem):
    label = _("Review history (审核记录)")
    icon_name = "tasks"
    url_name = "review_history"

    def may_see(self, user, story):
        return permissions.may_see_history(user, story)


add_story_menu_item(ReviewHistoryMenuItem, listing_priority=55, header_priority=66)
