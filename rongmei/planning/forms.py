"""The forms of the planning screens: they check the input's shape; the services check the rules."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from rongmei.organisation.models import Department, display_name_for

from . import services
from .models import Format, PlannedEvent, Topic


def planning_staff():
    """Everyone who may work on assignments: the holders of the planning view right, superusers."""
    users = get_user_model().objects.filter(is_active=True)
    return (
        users.filter(
            Q(is_superuser=True)
            | Q(
                groups__permissions__content_type__app_label="planning",
                groups__permissions__codename="view_topic",
            )
            | Q(user_permissions__content_type__app_label="planning", user_permissions__codename="view_topic")
        )
        .select_related("staff_profile")
        .distinct()
        .order_by("username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name_for(obj)


def _sections():
    from rongmei.newsroom.models import SectionPage

    return SectionPage.objects.order_by("path")


def _regions():
    from rongmei.newsroom.models import Region

    return Region.objects.order_by("level", "sort_order", "name")


def _channels():
    from rongmei.distribution.models import Channel

    return Channel.objects.filter(enabled=True)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)
    angle = forms.CharField(
        label=_("Angle"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is new, whom it concerns, the question the story answers."),
    )
    formats = forms.MultipleChoiceField(
        label=_("Planned formats"),
        choices=Format.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    section = forms.ModelChoiceField(label=_("Section"), queryset=None, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        help_text=_("Empty: the proposer's own department."),
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Planned channels"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=AdminDateTimeInput)
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("People and documents to talk to or read."),
    )
    event = forms.ModelChoiceField(label=pgettext_lazy("planning", "Event"), queryset=None, required=False)

    def __init__(self, *args, current_event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()
        self.fields["section"].queryset = _sections()
        self.fields["department"].queryset = Department.objects.select_related("outlet").order_by("name")
        self.fields["channels"].queryset = _channels()
        since = timezone.now() - datetime.timedelta(days=7)
        # Recent and coming events, and the one the topic already hangs on (however old).
        self.fields["event"].queryset = PlannedEvent.objects.filter(
            Q(starts_at__gte=since) | Q(pk=current_event or 0)
        )

    @classmethod
    def initial_for(cls, topic: Topic):
        return {
            "title": topic.title,
            "angle": topic.angle,
            "formats": topic.planned_formats,
            "region": topic.region_id,
            "section": topic.section_id,
            "department": topic.department_id,
            "channels": list(topic.planned_channels.values_list("pk", flat=True)),
            "deadline": timezone.localtime(topic.deadline) if topic.deadline else None,
            "sources": topic.sources,
            "event": topic.event_id,
        }

    def service_fields(self):
        data = dict(self.cleaned_data)
        return {
            "title": data["title"],
            "angle": data["angle"],
            "formats": data["formats"],
            "region": data["region"],
            "section": data["section"],
            "department": data["department"],
            "channels": list(data["channels"]),
            "deadline": data["deadline"],
            "sources": data["sources"],
            "event": data["event"],
        }


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (services.APPROVE, _("Approve")),
            (services.REQUEST_CHANGES, _("Request changes")),
            (services.DECLINE, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when declining or asking for changes."),
    )


class AssignForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    assignee = StaffChoiceField(label=_("Assignee"), queryset=None)
    deadline = forms.DateTimeField(label=_("Deadline"), widget=AdminDateTimeInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = planning_staff()


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=AdminDateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), required=False, widget=AdminDateTimeInput)
    all_day = forms.BooleanField(label=_("All day"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    organiser = forms.CharField(label=_("Organiser"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("An event cannot end before it starts."))
        return data

    @classmethod
    def initial_for(cls, event: PlannedEvent):
        return {
            "title": event.title,
            "starts_at": timezone.localtime(event.starts_at),
            "ends_at": timezone.localtime(event.ends_at) if event.ends_at else None,
            "all_day": event.all_day,
            "place": event.place,
            "organiser": event.organiser,
            "description": event.description,
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("iCalendar file (.ics)"))


class ExportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=AdminDateInput)
    end = forms.DateField(label=_("To"), widget=AdminDateInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date is before the start date."))
            elif (end - start).days > 366:
                self.add_error("end", _("Export at most a year at a time."))
        return data
