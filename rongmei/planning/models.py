"""策划指挥: topics (选题) proposed and decided at the planning meeting, their assignments (派单) per
format, and the events calendar (活动日历) topics hang on.

Every change of state goes through ``services.py`` (which checks who may) and leaves a
``TopicEvent`` plus an entry in Wagtail's audit log.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Format(models.TextChoices):
    """What a topic is covered with; an assignment is one format for one person."""

    TEXT = "text", pgettext_lazy("coverage format", "Text")
    PHOTO = "photo", pgettext_lazy("coverage format", "Photo")
    VIDEO = "video", pgettext_lazy("coverage format", "Video")
    LIVE = "live", pgettext_lazy("coverage format", "Live")


def validate_formats(value):
    """A list of distinct ``Format`` values (the planned formats of a topic)."""
    if not isinstance(value, list):
        raise ValidationError(_("The planned formats must be a list."))
    known = set(Format.values)
    unknown = [item for item in value if item not in known]
    if unknown:
        raise ValidationError(
            _("Unknown format: %(formats)s.") % {"formats": ", ".join(str(item) for item in unknown)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A format is listed twice."))


class PlannedEvent(models.Model):
    """A planned event (press conference, meeting, festival) on the calendar; topics hang on it.

    ``uid`` is the iCalendar UID: an imported event keeps the one it came with, so importing the
    same calendar again updates the events instead of adding them twice.
    """

    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    uid = models.CharField(_("iCalendar UID"), max_length=255, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("planned event")
        verbose_name_plural = _("planned events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="planning_event_starts")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("An event cannot end before it starts.")})


class TopicQuerySet(models.QuerySet):
    def for_board(self):
        return self.select_related(
            "region", "section", "department", "proposed_by__staff_profile", "event"
        ).prefetch_related("assignments__assignee__staff_profile")


class Topic(models.Model):
    """A story idea (选题): proposed (报题), decided (审题), covered through assignments."""

    class State(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("topic state", "Proposed")
        APPROVED = "approved", pgettext_lazy("topic state", "Approved")
        CHANGES_REQUESTED = "changes_requested", pgettext_lazy("topic state", "Changes requested")
        DECLINED = "declined", pgettext_lazy("topic state", "Declined")
        IN_PROGRESS = "in_progress", pgettext_lazy("topic state", "In progress")
        DONE = "done", pgettext_lazy("topic state", "Done")
        CANCELLED = "cancelled", pgettext_lazy("topic state", "Cancelled")

    title = models.CharField(_("title"), max_length=200)
    angle = models.TextField(_("angle"), blank=True)
    region = models.ForeignKey(
        "newsroom.Region",
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
    )
    section = models.ForeignKey(
        "newsroom.SectionPage",
        verbose_name=_("section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
    )
    planned_formats = models.JSONField(
        _("planned formats"), default=list, blank=True, validators=[validate_formats]
    )
    planned_channels = models.ManyToManyField(
        "distribution.Channel", verbose_name=_("planned channels"), blank=True, related_name="topics"
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    sources = models.TextField(_("sources"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="proposed_topics",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_topics",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    event = models.ForeignKey(
        PlannedEvent,
        verbose_name=pgettext_lazy("planning", "event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="planning_topic_state"),
            models.Index(fields=["deadline"], name="planning_topic_deadline"),
        ]
        permissions = [
            ("decide_topic", _("Can decide and assign topics of their own department")),
            ("decide_any_topic", _("Can decide and assign topics of any department")),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        validate_formats(self.planned_formats)

    def get_planned_formats_display(self):
        labels = dict(Format.choices)
        return [labels.get(value, value) for value in self.planned_formats]


class TopicEvent(models.Model):
    """One line of a topic's history: a state change of the topic or of one of its assignments."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="events")
    assignment = models.ForeignKey(
        "Assignment",
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time of change"), default=timezone.now)

    class Meta:
        verbose_name = _("topic history entry")
        verbose_name_plural = _("topic history")
        ordering = ["at", "pk"]

    def _label(self, value):
        if not value:
            return ""
        choices = Assignment.State if self.assignment_id else Topic.State
        try:
            return choices(value).label
        except ValueError:
            return value

    @property
    def from_label(self):
        return self._label(self.from_state)

    @property
    def to_label(self):
        return self._label(self.to_state)


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(
            state__in=[Assignment.State.FILED, Assignment.State.DONE, Assignment.State.CANCELLED]
        )

    def overdue(self, now=None):
        """Deadline passed and not filed, done or cancelled."""
        return self.open().filter(deadline__lt=now or timezone.now())


class Assignment(models.Model):
    """One format of an approved topic for one named person (派单), with a deadline."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("assignment state", "Assigned")
        ACCEPTED = "accepted", pgettext_lazy("assignment state", "Accepted")
        IN_PROGRESS = "in_progress", pgettext_lazy("assignment state", "In progress")
        FILED = "filed", pgettext_lazy("assignment state", "Filed")
        DONE = "done", pgettext_lazy("assignment state", "Done")
        CANCELLED = "cancelled", pgettext_lazy("assignment state", "Cancelled")

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="assignments"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="planning_assignments",
    )
    deadline = models.DateTimeField(_("deadline"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ASSIGNED)
    note = models.TextField(_("note"), blank=True)
    story = models.ForeignKey(
        "newsroom.StoryPage",
        verbose_name=_("story"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planning_assignments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["assignee", "state"], name="planning_assignment_person"),
            models.Index(fields=["state", "deadline"], name="planning_assignment_due"),
        ]

    def __str__(self):
        return f"{self.topic.title} · {self.get_format_display()}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.state not in (self.State.FILED, self.State.DONE, self.State.CANCELLED)
            and self.deadline is not None
            and self.deadline < timezone.now()
        )

    @property
    def late_by(self):
        """How late an overdue assignment is (a timedelta), else None."""
        return timezone.now() - self.deadline if self.is_overdue else None
