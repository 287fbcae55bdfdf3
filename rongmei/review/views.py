from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import TaskState

from rongmei.newsroom.models import StoryPage

from . import outcomes, permissions, queries

# Kept for rongmei.distribution, which asks it under this name.
user_can_see_history = permissions.may_see_history


class ReviewHistoryView(WagtailAdminTemplateMixin, TemplateView):
    """审核记录: who decided what at which level, when, and with what opinion."""

    template_name = "review/history.html"
    page_title = _("Review history (审核记录)")
    header_icon = "tasks"

    def dispatch(self, request, page_id, *args, **kwargs):
        self.story = get_object_or_404(StoryPage, pk=page_id)
        if not permissions.may_see_history(request.user, self.story):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.story.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.story.pk]),
                "label": self.get_page_subtitle(),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workflow_state = self.story.current_workflow_state
        context.update(
            story=self.story,
            events=queries.review_history(self.story),
            workflow_state=workflow_state,
            workflow_status=outcomes.workflow_status_label(workflow_state.status) if workflow_state else "",
            tasks=[
                {"name": task.name, "status": task.status, "label": outcomes.task_status_label(task.status)}
                for task in (workflow_state.all_tasks_with_status() if workflow_state else [])
            ],
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.story.pk]),
        )
        return context


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
