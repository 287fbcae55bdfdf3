"""突发: the emergency publish form on a story, and the report that lists every such publication."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from rongmei.newsroom.story_admin import StoryAdminPage

from . import permissions, services
from .forms import EmergencyPublishForm
from .models import EmergencyPublication


class EmergencyPublishView(StoryAdminPage, FormView):
    """Only for holders of the 突发 permission; the service checks it again, with the page permission."""

    template_name = "review/emergency_publish.html"
    form_class = EmergencyPublishForm
    page_title = _("Emergency publish (突发发布)")
    header_icon = "warning"

    def may_see(self, user):
        return permissions.holds_emergency_permission(user)

    def get_context_data(self, **kwargs):
        from rongmei.proofing import story_checks

        check = story_checks.latest_check(self.story)
        workflow_state = self.story.current_workflow_state
        return super().get_context_data(
            workflow_state=workflow_state,
            task_state=workflow_state.current_task_state if workflow_state else None,
            blocking=list(story_checks.open_blocking_findings(check)) if check else [],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.emergency_publish(
                self.story, acting_user=self.request.user, reason=form.cleaned_data["reason"]
            )
        except services.ReviewError as error:
            # Keep the typed reason in the form, with the refusal beside it.
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” was published as an emergency publication; the chief editors have been told.")
            % {"title": self.story.title},
        )
        return redirect("wagtailadmin_pages:edit", self.story.pk)


class StoryTitleColumn(TitleColumn):
    def get_value(self, instance):
        return instance.story.get_admin_display_title()


class EmergencyPublicationReportView(ReportView):
    """突发发布记录: every story published around 三审, who did it, why, and what it overrode."""

    page_title = _("Emergency publications (突发发布记录)")
    header_icon = "warning"
    index_url_name = "review_emergency_report"
    index_results_url_name = "review_emergency_report_results"
    permission_policy = ModelPermissionPolicy(EmergencyPublication)
    any_permission_required = ["view"]
    model = EmergencyPublication
    list_export = [
        "created_at",
        "story.title",
        "published_by_name",
        "review_stage",
        "reason",
        "overridden_findings",
    ]
    export_headings = {
        "created_at": _("Time"),
        "story.title": _("Story"),
        "published_by_name": _("Published by"),
        "review_stage": _("Review stage at the time"),
        "reason": _("Reason"),
        "overridden_findings": _("Blocking proofreading findings overridden"),
    }

    def get_queryset(self):
        return EmergencyPublication.objects.select_related("story", "published_by").order_by(
            "-created_at", "-pk"
        )

    @property
    def columns(self):
        return [
            # The exact time, not "2 hours ago": this is a record people cite.
            Column("created_at", label=_("Time"), accessor="created_at_text"),
            StoryTitleColumn(
                "story",
                label=_("Story"),
                get_url=lambda row: reverse("wagtailadmin_pages:edit", args=[row.story_id]),
            ),
            Column("published_by_name", label=_("Published by")),
            Column("review_stage", label=_("Review stage at the time")),
            Column("reason", label=_("Reason")),
            Column(
                "overridden", label=_("Blocking proofreading findings overridden"), accessor="overridden_text"
            ),
        ]

    def decorate_paginated_queryset(self, object_list):
        for row in object_list:
            row.created_at_text = timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M")
            row.overridden_text = "、".join(row.overridden_findings) or "—"
        return object_list
