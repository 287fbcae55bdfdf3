from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    """新闻线索 / 爆料: the public's tips, the tips desk and the tip rewards (线索奖)."""

    name = "rongmei.tips"
    label = "tips"
    verbose_name = _("News tips")
    default_auto_field = "django.db.models.BigAutoField"
