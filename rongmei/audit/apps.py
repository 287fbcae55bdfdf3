from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """审计日志: a hash-chained, append-only record of every state change and every read of tipster contacts."""

    name = "rongmei.audit"
    label = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import guard, signal_handlers

        signal_handlers.connect()
        connection_created.connect(guard.guard_sqlite_flush, dispatch_uid="audit-sqlite-flush")
        for connection in connections.all(initialized_only=True):
            guard.guard_sqlite_flush(sender=None, connection=connection)
