"""策划 in the admin: its menu, its screens, its permissions under Settings → Groups and its
audit-log actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from . import permissions

LOG_ACTIONS = (
    ("propose", _("Propose topic"), _("Topic proposed")),
    ("revise", _("Revise topic"), _("Topic revised")),
    ("resubmit", _("Resubmit topic"), _("Topic revised and resubmitted")),
    ("decide", _("Decide topic"), _("Topic decided")),
    ("move", _("Move topic"), _("Topic state changed")),
    ("assign", _("Assign topic"), _("Assignment made")),
    ("assignment", _("Change assignment"), _("Assignment state changed")),
    ("start_story", _("Start story for assignment"), _("Story started for assignment")),
    ("event_add", _("Add planned event"), _("Planned event added")),
    ("event_edit", _("Edit planned event"), _("Planned event changed")),
    ("event_import", _("Import planned events"), _("Planned events imported from iCalendar")),
)


@hooks.register("register_log_actions")
def register_planning_log_actions(actions):
    for name, label, message in LOG_ACTIONS:
        actions.register_action(f"rongmei.planning.{name}", label, message)


@hooks.register("register_admin_urls")
def register_planning_urls():
    from . import views

    return [
        path("planning/", views.BoardView.as_view(), name="planning_board"),
        path("planning/topics/new/", views.ProposeView.as_view(), name="planning_propose"),
        path("planning/topics/<int:pk>/", views.TopicView.as_view(), name="planning_topic"),
        path("planning/topics/<int:pk>/edit/", views.TopicEditView.as_view(), name="planning_topic_edit"),
        path("planning/topics/<int:pk>/decide/", views.DecideView.as_view(), name="planning_topic_decide"),
        path("planning/topics/<int:pk>/assign/", views.AssignView.as_view(), name="planning_topic_assign"),
        path("planning/topics/<int:pk>/move/", views.MoveTopicView.as_view(), name="planning_topic_move"),
        path("planning/mine/", views.MyAssignmentsView.as_view(), name="planning_my_assignments"),
        path("planning/assignments/", views.AssignmentsView.as_view(), name="planning_assignments"),
        path(
            "planning/assignments/<int:pk>/write/",
            views.StartStoryView.as_view(),
            name="planning_assignment_write",
        ),
        path(
            "planning/assignments/<int:pk>/<slug:act>/",
            views.AssignmentActView.as_view(),
            name="planning_assignment_act",
        ),
        path("planning/calendar/", views.CalendarView.as_view(), name="planning_calendar"),
        path("planning/calendar/new/", views.EventFormView.as_view(), name="planning_event_add"),
        path("planning/calendar/<int:pk>/", views.EventFormView.as_view(), name="planning_event_edit"),
        path("planning/calendar/export.ics", views.ExportView.as_view(), name="planning_calendar_export"),
        path("planning/calendar/import/", views.ImportView.as_view(), name="planning_calendar_import"),
    ]


class PlanningMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_view(request.user)


class ProposeMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_propose(request.user)


class PlanningSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return permissions.can_view(request.user)


@hooks.register("register_admin_menu_item")
def register_planning_menu():
    menu = Menu(
        items=[
            PlanningMenuItem(_("Planning meeting"), reverse("planning_board"), icon_name="table", order=10),
            ProposeMenuItem(_("Propose a topic"), reverse("planning_propose"), icon_name="plus", order=20),
            PlanningMenuItem(
                _("My assignments"), reverse("planning_my_assignments"), icon_name="user", order=30
            ),
            PlanningMenuItem(
                _("All assignments"), reverse("planning_assignments"), icon_name="list-ul", order=40
            ),
            PlanningMenuItem(_("Events calendar"), reverse("planning_calendar"), icon_name="date", order=50),
        ]
    )
    return PlanningSubmenu(_("Planning"), menu, icon_name="clipboard-list", order=150)


@hooks.register("register_permissions")
def register_planning_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="planning")


class MyAssignmentsPanel(Component):
    """The dashboard panel: the reader's open assignments, soonest deadline first, overdue in red."""

    name = "planning_my_assignments"
    template_name = "planning/my_assignments_panel.html"
    order = 40
    LIMIT = 8

    def get_context_data(self, parent_context):
        from .models import Assignment

        request = parent_context["request"]
        rows = (
            Assignment.objects.open()
            .filter(assignee=request.user)
            .select_related("topic")
            .order_by("deadline", "pk")
        )
        return {"assignments": list(rows[: self.LIMIT]), "open_count": rows.count(), "request": request}


@hooks.register("construct_homepage_panels")
def add_my_assignments_panel(request, panels):
    if permissions.can_view(request.user):
        panels.append(MyAssignmentsPanel())
