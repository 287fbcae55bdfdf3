from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WireConfig(AppConfig):
    name = "rongmei.wire"
    label = "wire"
    verbose_name = _("Incoming wire (稿源)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rongmei.core.scheduler import register_periodic_job

        from . import permissions

        permissions.connect(self)
        register_periodic_job("wire_fetch_due_sources", "rongmei.wire.tasks.fetch_due_sources")
