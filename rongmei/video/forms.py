from django import forms
from wagtail.admin.widgets import AdminTagWidget

from .models import AudioAsset, VideoAsset

FIELDS = ["title", *VideoAsset.metadata_form_fields, "tags"]


class _MetadataForm(forms.ModelForm):
    class Meta:
        fields = FIELDS
        widgets = {
            "tags": AdminTagWidget,
            "taken_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "rights_expire_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class VideoForm(_MetadataForm):
    class Meta(_MetadataForm.Meta):
        model = VideoAsset


class AudioForm(_MetadataForm):
    class Meta(_MetadataForm.Meta):
        model = AudioAsset


def form_class_for(asset):
    return VideoForm if isinstance(asset, VideoAsset) else AudioForm
