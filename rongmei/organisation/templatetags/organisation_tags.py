from django import template

from rongmei.organisation.models import display_name_for

register = template.Library()


@register.filter
def staff_name(user) -> str:
    """The name colleagues know a user by (staff profile, full name, username), as on bylines."""
    return display_name_for(user)
