"""Labels for Wagtail admin screens whose own templates show code names (see templates/wagtailadmin)."""

from django import template
from django.apps import apps

register = template.Library()


@register.filter
def app_verbose_name(content_type):
    """The app a content type belongs to, by its (translated) name: 采编 rather than "newsroom"."""
    try:
        return apps.get_app_config(content_type.app_label).verbose_name
    except LookupError:
        return content_type.app_label
