"""Labels for Wagtail admin screens whose own templates show code names (see templates/wagtailadmin)."""

from django import template
from django.apps import apps
from django.utils.translation import gettext, pgettext_lazy

register = template.Library()


@register.filter
def app_verbose_name(content_type):
    """The app a content type belongs to, by its (translated) name: 采编 rather than "newsroom"."""
    try:
        return apps.get_app_config(content_type.app_label).verbose_name
    except LookupError:
        return content_type.app_label


# Django names the default permissions in English when it creates them ("Can add channel"), and
# Wagtail's permission forms label their checkboxes with those stored names; these say them in the
# reader's language from the model's translated name instead.
_DEFAULT_ACTIONS = {
    "add": pgettext_lazy("permission", "Add %(model)s"),
    "change": pgettext_lazy("permission", "Change %(model)s"),
    "delete": pgettext_lazy("permission", "Delete %(model)s"),
    "view": pgettext_lazy("permission", "View %(model)s"),
    "choose": pgettext_lazy("permission", "Choose %(model)s"),  # Wagtail's images and documents
}


@register.filter
def permission_label(permission):
    """A permission (or a form option's value holding one) in the reader's language."""
    permission = getattr(permission, "instance", permission)
    if permission is None or not hasattr(permission, "codename"):
        return permission
    action, _sep, model_name = permission.codename.partition("_")
    model = (
        apps.get_model(permission.content_type.app_label, permission.content_type.model)
        if permission.content_type_id
        else None
    )
    if action in _DEFAULT_ACTIONS and model is not None and model_name == permission.content_type.model:
        return _DEFAULT_ACTIONS[action] % {"model": model._meta.verbose_name}
    return gettext(permission.name)
