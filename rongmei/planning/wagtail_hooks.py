"""策划 in the admin: its menu, its screens, its permissions under Settings → Groups and its
audit-log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

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
