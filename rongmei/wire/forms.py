"""The wire source's admin form: the shared secret is typed in, stored encrypted, never shown again."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

MIN_SECRET_LENGTH = 32


class WireSourceForm(WagtailAdminModelForm):
    shared_secret = forms.CharField(
        label=_("shared secret (push only)"),
        required=False,
        strip=True,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["shared_secret"]
        if self.instance.pk and self.instance.has_secret:
            when = self.instance.secret_set_at
            field.help_text = _(
                "A secret is set (since %(when)s) and is not shown again. Leave this empty to keep it, "
                "or type a new one to replace it (then give the partner the new one)."
            ) % {"when": when.strftime("%Y-%m-%d %H:%M") if when else "—"}
        else:
            field.help_text = _(
                "Agree a secret of at least %(n)d characters with the partner; they sign every push with "
                "it. Once saved it is not shown again. A random one you may use: %(example)s"
            ) % {"n": MIN_SECRET_LENGTH, "example": secrets.token_urlsafe(32)}

    def clean(self):
        cleaned = super().clean()
        secret = cleaned.get("shared_secret", "")
        kind = cleaned.get("kind")
        from .models import WireSource

        if secret and len(secret) < MIN_SECRET_LENGTH:
            self.add_error(
                "shared_secret",
                _("The secret must be at least %(n)d characters long.") % {"n": MIN_SECRET_LENGTH},
            )
        elif kind == WireSource.Kind.PUSH and not secret and not self.instance.has_secret:
            self.add_error(
                "shared_secret", _("A push source needs a shared secret to check the partner's pushes.")
            )
        elif secret and kind != WireSource.Kind.PUSH:
            self.add_error("shared_secret", _("Only push sources use a shared secret; leave this empty."))
        return cleaned

    def save(self, commit=True):
        secret = self.cleaned_data.get("shared_secret")
        if secret:
            self.instance.set_secret(secret)
        return super().save(commit=commit)
