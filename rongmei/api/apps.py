from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read-only content API v1 for the apps (客户端): stories as IPTC ninjs under /api/v1/."""

    name = "rongmei.api"
    label = "content_api"
    verbose_name = _("Content API")
