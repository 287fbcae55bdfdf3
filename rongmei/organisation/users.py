"""Settings → 用户: Wagtail's user screens with one 姓名 field instead of 名 and 姓.

Wagtail 7 builds the user screens from ``WagtailUsersAppConfig.user_viewset``;
``OrganisationConfig.ready()`` points it at ``NewsroomUserViewSet`` below (the same as a custom
app config for ``wagtail.users`` would, without touching INSTALLED_APPS).
"""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from . import names
from .models import StaffProfile


class NameFieldMixin:
    """Replaces the two required halves (first_name, last_name) with one optional 姓名."""

    # Wagtail declares both halves as required form fields; None removes a declared field.
    first_name = None
    last_name = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_name_field()

    def _post_clean(self):
        # The password validators compare the password with the user's name: give them the name.
        if hasattr(self, "cleaned_data"):
            self._apply_name(self.instance)
        super()._post_clean()

    def _add_name_field(self):
        self.fields["name"] = forms.CharField(
            label=pgettext_lazy("person", "Full name"),
            required=False,
            max_length=150,
            help_text=_("Written as it is read, family name first, e.g. 李静. May be left empty."),
        )
        if self.instance.pk:
            self.initial.setdefault("name", names.full_name(self.instance))
        self._old_name = names.full_name(self.instance) if self.instance.pk else ""

    def _apply_name(self, user):
        names.store_name(user, self.cleaned_data.get("name", ""))
        return user

    def _sync_profile(self, user):
        """The byline name follows the 姓名 when it was the same (a pen name stays as it is)."""
        profile = StaffProfile.objects.filter(user=user).first()
        new_name = names.full_name(user)
        if profile is not None and new_name and profile.display_name in ("", self._old_name):
            if profile.display_name != new_name:
                profile.display_name = new_name
                profile.save(update_fields=["display_name"])


class NewsroomUserCreationForm(NameFieldMixin, UserCreationForm):
    def save(self, commit=True):
        user = self._apply_name(super().save(commit=False))
        if commit:
            user.save()
            self.save_m2m()
        return user

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields - {"first_name", "last_name"}


class NewsroomUserEditForm(NameFieldMixin, UserEditForm):
    def save(self, commit=True):
        user = self._apply_name(super().save(commit=False))
        if commit:
            user.save()
            self.save_m2m()
            self._sync_profile(user)
        return user

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields - {"first_name", "last_name"}


class IndexView(wagtail_users.IndexView):
    """The user list names people as everywhere else (``names.display_name``)."""

    @cached_property
    def columns(self):
        columns = super().columns
        for column in columns:
            if column.name == "name":
                column.accessor = names.display_name
        return columns

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("staff_profile")


class NewsroomUserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    create_template_name = "organisation/users/create.html"
    edit_template_name = "organisation/users/edit.html"

    def get_form_class(self, for_update=False):
        return NewsroomUserEditForm if for_update else NewsroomUserCreationForm
