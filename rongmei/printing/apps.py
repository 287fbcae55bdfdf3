from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_after_migrate(sender, **kwargs):
    from .permissions import grant_role_permissions

    grant_role_permissions()


class PrintingConfig(AppConfig):
    name = "rongmei.printing"
    label = "printing"
    verbose_name = _("Print edition")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Until the grants move into organisation/roles.py: give the existing role groups the
        # print permissions after every migrate (idempotent; see permissions.py).
        post_migrate.connect(_grant_after_migrate, sender=self, dispatch_uid="rongmei.printing.grant_roles")
