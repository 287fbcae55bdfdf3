from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "rongmei.media"
    label = "media"
    verbose_name = _("Media")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .exif import strip_gps_from_renditions

        strip_gps_from_renditions()
