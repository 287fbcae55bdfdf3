from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    """指挥调度: the news director's command dashboard, on a wall screen or a phone."""

    name = "rongmei.command"
    label = "command"
    verbose_name = _("Command dashboard")
    default_auto_field = "django.db.models.BigAutoField"
