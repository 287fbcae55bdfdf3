"""Small pieces shared by the admin listings of several apps."""

from django.utils.text import capfirst
from wagtail.admin.ui.tables import BooleanColumn


def yes_no(model, field_name):
    """A listing column that shows a boolean field as a tick or a cross instead of “True”/“False”."""
    field = model._meta.get_field(field_name)
    return BooleanColumn(field_name, label=capfirst(field.verbose_name), sort_key=field_name)
