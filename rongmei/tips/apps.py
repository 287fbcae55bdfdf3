from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    """新闻线索 / 爆料: the public's tips, the tips desk and the tip rewards (线索奖)."""

    name = "rongmei.tips"
    label = "tips"
    verbose_name = _("News tips")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rongmei.core.scheduler import register_periodic_job
        from rongmei.newsroom import events

        from . import services

        # A published story makes its tips' rewards due in the publishing transaction itself, so a
        # story never goes live without its tips knowing.
        events.subscribe_in_transaction(
            services.on_story_event,
            kinds=[events.StoryEventKind.WENT_LIVE, events.StoryEventKind.CORRECTED],
            dispatch_uid="rongmei.tips.on_story_event",
        )
        register_periodic_job("tips_anonymise", "rongmei.tips.tasks.anonymise_old_tips", every_minutes=60)
