import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongmei.newsroom.models import Region, SectionPage

DATE_ERRORS = {"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2024-05-01.")}

# The dates a search can sensibly filter on. Far beyond them (0001-01-01, 9999-12-31) the day
# boundaries in the site's time zone no longer fit Python's datetime, so they are refused here.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)


class SearchDateField(forms.DateField):
    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s; this date was not applied."),
                code="out_of_range",
                params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            )


class SlugChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("There is no such choice; this filter was not applied.")}

    def label_from_instance(self, obj):
        return getattr(obj, "full_name", None) or obj.title


class SearchForm(forms.Form):
    """The public search form. Every field is optional; a bad filter is reported and left out."""

    q = forms.CharField(label=_("Search"), required=False, strip=True)
    section = SlugChoiceField(
        label=_("Section"),
        # Set per form in __init__: Wagtail's public() reads the view restrictions when called,
        # which must not happen at import time (before migrations, during system checks).
        queryset=SectionPage.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
    )
    region = SlugChoiceField(
        label=_("Region"),
        queryset=Region.objects.select_related("parent__parent"),
        to_field_name="slug",
        required=False,
        empty_label=_("All regions"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields: no colon
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = SectionPage.objects.live().public().order_by("path")
        # "from" and "to" are Python keywords, so these two are added here; the URL stays short:
        # /search/?q=…&from=2024-05-01&to=2024-05-31
        dates = (("from", pgettext_lazy("search date", "From")), ("to", pgettext_lazy("search date", "To")))
        for name, label in dates:
            self.fields[name] = SearchDateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"],
                error_messages=DATE_ERRORS,
                widget=forms.DateInput(
                    attrs={"type": "date", "min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()},
                    format="%Y-%m-%d",
                ),
            )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("from"), cleaned.get("to")
        if date_from and date_to and date_from > date_to:
            self.add_error("to", _("The end date is before the start date; the dates were not applied."))
            cleaned.pop("from", None)
        return cleaned

    def filters(self) -> dict:
        """The filters that passed validation (the others are left out and shown as errors)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "section": cleaned.get("section"),
            "region": cleaned.get("region"),
            "date_from": cleaned.get("from"),
            "date_to": cleaned.get("to"),
        }
