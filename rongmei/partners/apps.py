from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "rongmei.partners"
    label = "partners"
    verbose_name = _("Partner centers")
