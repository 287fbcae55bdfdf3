from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "rongmei.monitoring"
    label = "monitoring"
    verbose_name = _("Public-opinion monitoring (舆情监测)")
    default_auto_field = "django.db.models.BigAutoField"
