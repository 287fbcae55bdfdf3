from django import forms
from django.utils.translation import gettext_lazy as _

from rongmei.core.outbound import check_url

from . import crypto
from .models import Partner


def _formfield(field, **kwargs):
    if field.name == "push_url":
        kwargs["assume_scheme"] = "https"  # a partner's address without a scheme is https
    return field.formfield(**kwargs)


class PartnerForm(forms.ModelForm):
    class Meta:
        formfield_callback = _formfield
        model = Partner
        fields = [
            "name",
            "level",
            "contact",
            "active",
            "pull_allowed",
            "push_url",
            "sections",
            "regions",
            "rights_note",
        ]
        widgets = {
            "contact": forms.Textarea(attrs={"rows": 3}),
            "rights_note": forms.Textarea(attrs={"rows": 3}),
            "sections": forms.CheckboxSelectMultiple,
            "regions": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        from rongmei.newsroom.models import Region, SectionPage

        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = SectionPage.objects.live().order_by("path")
        self.fields["regions"].queryset = Region.objects.select_related("parent").order_by(
            "level", "sort_order", "name"
        )
        self.fields["push_url"].widget.attrs.setdefault("placeholder", "https://")

    def clean_push_url(self):
        url = (self.cleaned_data.get("push_url") or "").strip()
        if url:
            refusal = check_url(url)
            if refusal is not None:
                raise forms.ValidationError(refusal.message)
        return url


class TokenForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        required=False,
        help_text=_("Which of the partner’s systems will use it, so you know what revoking it stops."),
    )


class SecretForm(forms.Form):
    secret = forms.CharField(
        label=_("Secret agreed with the partner"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secret"].help_text = _(
            "Leave empty to have a strong secret made (recommended). At least %(n)d characters, no spaces."
        ) % {"n": crypto.SECRET_MIN_LENGTH}
