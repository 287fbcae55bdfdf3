from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel

from . import queries, views
from .models import ReviewLevelTask


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    actions.register_action("rongmei.review.submit", _("Submit for review"), _("Submitted for review (送审)"))
    actions.register_action("rongmei.review.resubmit", _("Resubmit for review"), _("Resubmitted (重新送审)"))
    actions.register_action("rongmei.review.approve", _("Approve review level"), _("Approved (通过)"))
    actions.register_action("rongmei.review.reject", _("Reject"), _("Rejected (退回)"))
    actions.register_action("rongmei.review.withdraw", _("Withdraw from review"), _("Withdrawn (撤回)"))
    actions.register_action("rongmei.review.publish", _("Publish after review"), _("Published after review"))
    actions.register_action(
        "rongmei.review.schedule", _("Schedule publication"), _("Scheduled for publication (定时发布)")
    )
    actions.register_action(
        "rongmei.review.override",
        _("Publish without completing review"),
        _("Published without completing review (越级发布)"),
    )
    actions.register_action(
        "rongmei.review.proof_override",
        _("Approve over blocking proofreading findings"),
        _("Approved over blocking proofreading findings (越过审校拦截)"),
    )
    actions.register_action(
        "rongmei.story.correct", _("Publish correction"), _("Correction published (更正)")
    )
    actions.register_action("rongmei.story.retract", _("Retract story"), _("Retracted (撤稿)"))


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path("review/history/<int:page_id>/", views.ReviewHistoryView.as_view(), name="review_history"),
    ]


class WaitingForMePanel(Component):
    """待我审核: stories at a level where the current user may decide, with the approve/reject actions."""

    name = "review_waiting_for_me"
    template_name = "review/panels/waiting_for_me.html"
    order = 50

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        if not ReviewLevelTask.objects.filter(active=True, groups__in=user.groups.all()).exists():
            return ""  # not a reviewer: nothing will ever wait for them
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        from rongmei.proofing.story_checks import latest_check

        items = []
        for item in queries.stories_waiting_for(request.user):
            items.append(
                {
                    "item": item,
                    "actions": item.task.get_actions(item.story, request.user),
                    "check": latest_check(item.story),
                }
            )
        return {"items": items, "request": request, "csrf_token": parent_context.get("csrf_token")}


@hooks.register("construct_homepage_panels")
def add_waiting_for_me_panel(request, panels):
    # Wagtail's own "Awaiting your review" lists the same task states; ours shows the review level
    # and links to the 审核记录, so it takes that panel's place.
    panels[:] = [panel for panel in panels if not isinstance(panel, WorkflowObjectsToModeratePanel)]
    panels.append(WaitingForMePanel())


class ReviewHistoryMenuItem(PageMenuItem):
    label = _("Review history (审核记录)")
    icon_name = "tasks"
    url_name = "review_history"

    def is_shown(self, user):
        from rongmei.newsroom.models import StoryPage

        return issubclass(self.page.specific_class or object, StoryPage) and views.user_can_see_history(
            user, self.page
        )


@hooks.register("register_page_listing_more_buttons")
def review_history_listing_button(page, user, next_url=None):
    yield ReviewHistoryMenuItem(page=page, priority=55)


@hooks.register("register_page_header_buttons")
def review_history_header_button(page, user, view_name, next_url=None):
    yield ReviewHistoryMenuItem(page=page, priority=66)
