"""Read-only helpers for the campaign screens: the list, and one campaign's progress.

The progress is read with a fixed number of queries whatever the campaign's size (pinned by a
test): its assignments, its stories, which of them are on the site, and their open reviews.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.models import Page, WorkflowState

from .models import GOAL_FIELDS, Campaign

FORMATS = tuple(fmt for fmt, _field in GOAL_FIELDS)


def campaigns():
    return Campaign.objects.select_related("partner_region", "topic_page")


def format_labels() -> dict:
    from rongmei.planning.models import Format

    return dict(Format.choices)


def story_format(story) -> str:
    """The format a story counts as when no assignment says: a photo story, a video, else text."""
    if story.story_type == "photo":
        return "photo"
    if story.story_type == "video" or story.video_id:
        return "video"
    return "text"


def review_state(story, workflow_state, now=None) -> str:
    """Where a story stands, in words: retracted, published, in review at a level, returned, draft."""
    now = now or timezone.now()
    in_review = ""
    if workflow_state is not None:
        if workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            in_review = _("returned for changes")
        else:
            task_state = workflow_state.current_task_state
            level = task_state.task.name if task_state is not None else ""
            in_review = _("in review: %(level)s") % {"level": level} if level else _("in review")
    if story.is_retracted:
        return _("retracted")
    if story.live:
        if in_review:
            return pgettext("story state", "published; changes %(state)s") % {"state": in_review}
        return pgettext("story state", "published")
    if in_review:
        return in_review
    if story.go_live_at and story.go_live_at > now:
        return _("scheduled")
    if story.first_published_at:
        return _("taken down")
    return _("draft")


@dataclass
class FormatProgress:
    format: str
    label: str
    goal: int
    planned: int = 0
    filed: int = 0
    published: int = 0

    @property
    def percent(self) -> int:
        """How much of the goal is published (0–100, for the bar); None without a goal."""
        if not self.goal:
            return None
        return min(100, round(100 * self.published / self.goal))

    @property
    def reached(self) -> bool:
        return bool(self.goal) and self.published >= self.goal


@dataclass
class CampaignStory:
    story: object
    format: str
    format_label: str
    state: str
    on_site: bool
    assignees: list = field(default_factory=list)  # names, from its assignments
    from_topic_page: bool = False


@dataclass
class Progress:
    campaign: Campaign
    formats: list
    stories: list
    open_assignments: int
    overdue_assignments: int

    @property
    def published(self) -> int:
        return sum(row.published for row in self.formats)

    @property
    def goal(self) -> int:
        return sum(row.goal for row in self.formats)


def progress(campaign: Campaign, now=None) -> Progress:
    """Per format: planned (assignments of its topics), filed (those with a story), published
    (those stories on the site, plus the live stories tagged with its topic page that no assignment
    names); and the list of its stories with their review state, newest first."""
    from rongmei.newsroom.models import StoryPage
    from rongmei.organisation.names import display_name
    from rongmei.planning.models import Assignment
    from rongmei.website.queries import public_stories

    now = now or timezone.now()
    labels = format_labels()
    rows = {fmt: FormatProgress(fmt, labels.get(fmt, fmt), campaign.goal_for(fmt)) for fmt in FORMATS}
    assignments = list(
        Assignment.objects.filter(topic__campaigns=campaign)
        .exclude(state=Assignment.State.CANCELLED)
        .select_related("assignee__staff_profile")
        .distinct()
    )
    story_ids = {a.story_id for a in assignments if a.story_id}
    wanted = Q(pk__in=story_ids)
    if campaign.topic_page_id:
        wanted |= Q(topics=campaign.topic_page_id)
    stories = list(
        StoryPage.objects.filter(wanted)
        .distinct()
        .only(
            "id", "title", "live", "is_retracted", "story_type", "video_id", "go_live_at",
            "first_published_at", "latest_revision_created_at", "url_path", "path", "depth",
        )
        .order_by("-first_published_at", "-latest_revision_created_at", "-pk")
    )  # fmt: skip
    ids = [story.pk for story in stories]
    on_site = set(public_stories().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    workflows = {}
    if ids:
        for state in (
            WorkflowState.objects.active()
            .filter(
                object_id__in=[str(pk) for pk in ids],
                base_content_type=ContentType.objects.get_for_model(Page),
            )
            .select_related("current_task_state__task")
        ):
            workflows[int(state.object_id)] = state

    by_story: dict = {}
    open_count = overdue = 0
    for assignment in assignments:
        row = rows.get(assignment.format)
        if row is not None:
            row.planned += 1
            if assignment.story_id:
                row.filed += 1
                if assignment.story_id in on_site:
                    row.published += 1
        if assignment.story_id:
            by_story.setdefault(assignment.story_id, []).append(assignment)
        if assignment.state not in (Assignment.State.FILED, Assignment.State.DONE):
            open_count += 1
            if assignment.deadline and assignment.deadline < now:
                overdue += 1

    listed = []
    for story in stories:
        linked = by_story.get(story.pk, [])
        fmt = linked[0].format if linked else story_format(story)
        if not linked and story.pk in on_site:
            rows[fmt].published += 1
        listed.append(
            CampaignStory(
                story=story,
                format=fmt,
                format_label=labels.get(fmt, fmt),
                state=review_state(story, workflows.get(story.pk), now),
                on_site=story.pk in on_site,
                assignees=sorted({display_name(a.assignee) for a in linked}),
                from_topic_page=not linked,
            )
        )
    return Progress(
        campaign=campaign,
        formats=[rows[fmt] for fmt in FORMATS],
        stories=listed,
        open_assignments=open_count,
        overdue_assignments=overdue,
    )
