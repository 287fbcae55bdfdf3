"""The tip forms: the public's (web) and the hotline's (the tips desk), and the desk's acts."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Reward, Tip

PHONE = re.compile(r"^[0-9+\-() 　]{5,30}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class TipForm(forms.Form):
    text = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What you saw or know: who, what, and why it matters."),
    )
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    event_time = forms.CharField(
        label=_("When"),
        max_length=100,
        required=False,
        help_text=_("For example: today about 3 p.m."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Your phone"), max_length=40, required=False)
    consent_to_contact = forms.BooleanField(
        label=_("A reporter may contact me about this tip"), required=False
    )
    files = MultipleFileField(
        label=_("Photos or videos"),
        required=False,
    )

    def __init__(self, *args, refused_uploads=(), config=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_uploads = list(refused_uploads)
        self.config = config or services.tips_settings()
        self.fields["files"].help_text = _(
            "Photos up to %(image)s MB, videos up to %(video)s MB, at most %(count)s files. "
            "Location data (GPS) is removed from photos."
        ) % {
            "image": self.config.max_image_mb,
            "video": self.config.max_video_mb,
            "count": self.config.max_files,
        }

    def clean_text(self):
        text = services.plain_text(self.cleaned_data["text"])
        if not text:
            raise ValidationError(_("Say what happened: the tip has no text."))
        return self.cleaned_data["text"]

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not PHONE.match(phone):
            raise ValidationError(_("A phone number has digits only (and + - or spaces)."))
        return phone

    def clean_files(self):
        errors = list(self.refused_uploads)
        prepared = []
        uploads = self.cleaned_data.get("files") or []
        if len(uploads) + len(self.refused_uploads) > self.config.max_files:
            raise ValidationError(
                _("At most %(count)s files may come with one tip.") % {"count": self.config.max_files}
            )
        for upload in uploads:
            try:
                prepared.append(services.prepare_upload(upload, self.config))
            except services.TipError as error:
                errors.append(error.message)
        if errors:
            raise ValidationError([ValidationError(message) for message in errors])
        return prepared

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_to_contact") and not cleaned.get("contact_phone"):
            self.add_error("contact_phone", _("Leave a phone number so that a reporter can contact you."))
        return cleaned

    def tip_fields(self) -> dict:
        """What ``services.receive_tip`` takes from the form, whoever typed it."""
        fields = (
            "text",
            "location",
            "event_time",
            "contact_name",
            "contact_phone",
            "consent_to_contact",
            "files",
        )
        return {name: self.cleaned_data[name] for name in fields}


class PublicTipForm(TipForm):
    # The honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    homepage = forms.CharField(label=_("Leave this empty"), required=False)

    def clean_homepage(self):
        if self.cleaned_data.get("homepage"):
            raise ValidationError(_("This tip was not accepted. Leave the last, hidden field empty."))
        return ""


class HotlineTipForm(TipForm):
    """A tip taken on the hotline: the desk types it; the person taking it is the one signed in."""

    consent_to_contact = forms.BooleanField(label=_("The caller agrees to be contacted"), required=False)
    contact_name = forms.CharField(label=_("Caller's name"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Caller's phone"), max_length=40, required=False)


class TriageForm(forms.Form):
    state = forms.ChoiceField(
        label=_("The tip is"),
        choices=[
            (Tip.State.FOLLOW_UP, _("follow up")),
            (Tip.State.DUPLICATE, _("duplicate")),
            (Tip.State.NOT_NEWS, _("not news")),
            (Tip.State.NEW, _("new")),
        ],
    )
    duplicate_of = forms.CharField(label=_("Duplicate of (reference number)"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Reporter"), queryset=None, empty_label=_("Choose a person"))
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from rongmei.organisation.names import display_name

        self.fields["person"].queryset = services.assignable_people()
        self.fields["person"].label_from_instance = display_name


class StoryForm(forms.Form):
    story = forms.ModelChoiceField(label=_("Story"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from wagtail.admin.widgets import AdminPageChooser

        from rongmei.newsroom.models import StoryPage

        self.fields["story"].queryset = StoryPage.objects.all()
        self.fields["story"].widget = AdminPageChooser(target_models=[StoryPage])


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class RewardForm(forms.Form):
    lead_story = forms.BooleanField(label=_("Led to a headline story (头条)"), required=False)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("Empty: the rule's amount. More than the rule needs a reason."),
    )
    reason = forms.CharField(label=_("Reason for a higher amount"), max_length=300, required=False)


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Paid by way of"), choices=Reward.Method.choices)
    paid_at = forms.DateTimeField(
        label=_("Paid at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Payment note"), max_length=200, required=False)
