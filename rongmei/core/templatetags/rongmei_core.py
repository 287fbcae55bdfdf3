from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def newsroom_name() -> str:
    """The name the admin's browser tabs carry (SITE_NAME), instead of “Wagtail”."""
    return settings.WAGTAIL_SITE_NAME
