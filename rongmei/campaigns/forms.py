from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Campaign

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]


def _date(label, message):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "2026-03-02"}),
        error_messages={"required": message, "invalid": _("Write the date like 2026-03-02.")},
    )


def _goal(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10000,
        initial=0,
        required=False,
        error_messages={
            "min_value": _("A goal is a number of zero or more."),
            "invalid": _("Write a number."),
        },
    )


class CampaignForm(forms.Form):
    name = forms.CharField(
        label=_("name"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "记者看张店"}),
        error_messages={"required": _("A campaign needs a name.")},
    )
    partner_name = forms.CharField(
        label=pgettext_lazy("campaign", "partner"),
        max_length=200,
        help_text=_("The district government or other body the campaign is run for."),
        widget=forms.TextInput(attrs={"placeholder": "张店区人民政府"}),
        error_messages={
            "required": _("Name the partner the campaign is run for (e.g. a district government).")
        },
    )
    partner_region = forms.ModelChoiceField(
        label=_("partner's region"), queryset=None, required=False, empty_label=_("(none)")
    )
    starts_on = _date(_("starts on"), _("Give the campaign's first day."))
    ends_on = _date(_("ends on"), _("Give the campaign's last day."))
    description = forms.CharField(
        label=_("description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Also the first summary of its topic page."),
    )
    goal_stories = _goal(_("goal: stories"))
    goal_photo_stories = _goal(_("goal: photo stories"))
    goal_videos = _goal(_("goal: videos"))
    goal_live_events = _goal(_("goal: live events"))
    wants_topic_page = forms.BooleanField(label=_("has a topic page (专题)"), required=False, initial=True)
    state = forms.ChoiceField(
        label=_("state"), choices=Campaign.State.choices, initial=Campaign.State.PLANNED
    )

    def __init__(self, *args, **kwargs):
        from rongmei.newsroom.models import Region

        super().__init__(*args, **kwargs)
        self.fields["partner_region"].queryset = Region.objects.order_by("level", "code", "name")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("A campaign cannot end before it starts."))
        for name in ("goal_stories", "goal_photo_stories", "goal_videos", "goal_live_events"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class TopicPageForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=255, required=False)
    slug = forms.SlugField(
        label=_("address (slug)"),
        max_length=80,
        required=False,
        allow_unicode=False,
        help_text=_("Latin letters, digits and hyphens; empty: one is made up."),
        error_messages={"invalid": _("Use only Latin letters, digits, hyphens and underscores.")},
    )


class AttachTopicsForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("topics (选题)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one topic.")},
    )

    def __init__(self, campaign, *args, **kwargs):
        from rongmei.planning.models import Topic

        super().__init__(*args, **kwargs)
        closed = [Topic.State.DECLINED, Topic.State.CANCELLED]
        self.fields["topics"].queryset = (
            Topic.objects.exclude(state__in=closed).exclude(campaigns=campaign).order_by("-created_at", "-pk")
        )
