from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProofingConfig(AppConfig):
    name = "rongmei.proofing"
    label = "proofing"
    verbose_name = _("Proofreading (智能审校)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers

        signal_handlers.register_signal_handlers()
