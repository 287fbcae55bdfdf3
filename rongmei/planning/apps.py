from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """策划指挥: topics (选题), the planning board, assignments and the events calendar."""

    name = "rongmei.planning"
    label = "planning"
    verbose_name = _("Planning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A filed story that goes live finishes its assignments (and their topic).
        from .services import subscribe_to_stories

        subscribe_to_stories()
