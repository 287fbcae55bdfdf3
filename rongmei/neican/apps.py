from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeicanConfig(AppConfig):
    name = "rongmei.neican"
    label = "neican"
    verbose_name = _("Internal reference (内参)")
