from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "rongmei.search"
    label = "rongmei_search"
    verbose_name = _("Chinese search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rongmei.core.scheduler import register_periodic_job

        from . import signal_handlers

        signal_handlers.register_signal_handlers()
        register_periodic_job(
            "search_recent_index", "rongmei.search.tasks.maintain_recent_search_index", every_minutes=60
        )
