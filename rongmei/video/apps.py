from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "rongmei.video"
    label = "video"
    verbose_name = _("Video and audio")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rongmei.core.scheduler import register_periodic_job

        from .library import register_library_kinds

        register_library_kinds()
        register_periodic_job(
            "video_forget_stale_uploads", "rongmei.video.tasks.forget_stale_uploads", every_minutes=60
        )
