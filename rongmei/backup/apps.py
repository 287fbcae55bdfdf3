from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    """备份与恢复: consistent backups of the database, media and private files, and their restore."""

    name = "rongmei.backup"
    label = "backup"
    verbose_name = _("Backup")
    default_auto_field = "django.db.models.BigAutoField"
