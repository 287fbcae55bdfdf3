from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "rongmei.monitoring"
    label = "monitoring"
    verbose_name = _("Public-opinion monitoring (舆情监测)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rongmei.core.scheduler import register_periodic_job

        from .alerts.services import register_senders

        register_senders()  # e-mail and the bots go out through the core outbox

        register_periodic_job(
            "monitoring_fetch_due_sources", "rongmei.monitoring.sources.tasks.fetch_due_sources"
        )
        register_periodic_job("monitoring_alerts", "rongmei.monitoring.alerts.tasks.evaluate_alerts_task")
        register_periodic_job(
            "monitoring_analyse", "rongmei.monitoring.analysis.tasks.analyse_new_items_task"
        )
        register_periodic_job(
            "monitoring_reports", "rongmei.monitoring.reports.tasks.send_due_reports", every_minutes=60
        )
