"""The command dashboard keeps no data of its own: every figure is read from the other apps
(``queries.py``). The one model here has no table; it carries the permission to see the dashboard,
so administrators grant it under Settings → Groups like any other right."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("Can see the command dashboard (指挥调度)"))]
        verbose_name = _("command dashboard")
        verbose_name_plural = _("command dashboard")
