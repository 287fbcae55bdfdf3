from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def oidc_enabled() -> bool:
    return bool(getattr(settings, "RONGMEI_OIDC_ENABLED", False))
