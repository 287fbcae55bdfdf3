from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.models import TaskState

from rongmei.newsroom.story_admin import StoryAdminPage

from . import outcomes, permissions, queries


class ReviewHistoryView(StoryAdminPage):
    """审核记录: who decided what at which level, when, and with what opinion."""

    template_name = "review/history.html"
    page_title = _("Review history (审核记录)")
    header_icon = "tasks"

    def may_see_story(self, user, story):
        return permissions.may_see_history(user, story)

    def get_context_data(self, **kwargs):
        workflow_state = self.story.current_workflow_state
        return super().get_context_data(
            events=queries.review_history(self.story),
            workflow_state=workflow_state,
            workflow_status=outcomes.workflow_status_label(workflow_state.status) if workflow_state else "",
            tasks=[
                {"name": task.name, "status": task.status, "label": outcomes.task_status_label(task.status)}
                for task in (workflow_state.all_tasks_with_status() if workflow_state else [])
            ],
            **kwargs,
        )


class DecidedView(View):
    """After a decision from the dashboard's dialog: tell the reviewer what happened and what comes
    next (“已通过初审，转复审（周复审等 2 人）”), then go back where they were. It only reads: the
    decision was made by ``ReviewLevelTask.on_action``; someone else's decision shows nothing."""

    def get(self, request, task_state_id):
        task_state = TaskState.objects.filter(pk=task_state_id, finished_by=request.user).first()
        if task_state is not None:
            message = outcomes.decision_message(task_state)
            if message:
                messages.success(request, message)
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("wagtailadmin_home")
        return redirect(next_url)
