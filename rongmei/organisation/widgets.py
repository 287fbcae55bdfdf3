"""Choosing a colleague: a select that names people as everywhere else ("李静（editor）")."""

from django import forms

from . import names


class StaffSelect(forms.Select):
    """For a ForeignKey to the user model: each option reads 姓名（username） instead of the username."""

    def optgroups(self, name, value, attrs=None):
        from .models import StaffProfile

        # One query for the whole list instead of one profile per option.
        self._byline_names = dict(
            StaffProfile.objects.exclude(display_name="").values_list("user_id", "display_name")
        )
        return super().optgroups(name, value, attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        user = getattr(value, "instance", None)
        if user is not None:
            person = getattr(self, "_byline_names", {}).get(user.pk) or names.full_name(user)
            username = user.get_username()
            label = f"{person}（{username}）" if person and person != username else username
        return super().create_option(name, value, label, selected, index, subindex, attrs)
