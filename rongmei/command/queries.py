"""The figures of the command dashboard (指挥调度), read-only and in a fixed number of queries.

Each panel has one function returning plain values; ``dashboard(user)`` gathers them and
``fingerprint(user)`` is the cheap summary (counts and latest change times) the page's poll
compares with its ETag, so nothing is rendered while nothing changed.

The stories published today and the channel work waiting for a person come from the new-media
desk (``distribution.desk``); the review queue from Wagtail's task states of the 三审 levels
(``review.models.ReviewLevelTask``); topics and assignments from ``planning``; tips from ``tips``,
never their contact fields.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

TOPIC_TITLES_PER_STATE = 3
OVERDUE_LIMIT = 12
TIPS_LIMIT = 8
TIP_EXCERPT_CHARS = 40
STORIES_TODAY_LIMIT = 500

# Long numbers in a tip's text may be a phone or an ID number: masked on the dashboard.
_LONG_NUMBER = re.compile(r"\d[\d\s-]{5,}\d")


def start_of_today() -> datetime:
    from rongmei.distribution.desk import start_of_today as desk_start_of_today

    return desk_start_of_today()


# --- durations ---------------------------------------------------------------------------------

# The same words the page's script uses to keep the durations current between polls.
DURATION_FORMATS = {
    "minutes": _("{m} min"),
    "hours": _("{h} h {m} min"),
    "days": _("{d} d {h} h"),
}


def duration_text(seconds: float) -> str:
    """ "25 分钟", "3 小时 5 分", "2 天 4 小时" (never negative)."""
    minutes = max(0, int(seconds // 60))
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    if days:
        return str(DURATION_FORMATS["days"]).replace("{d}", str(days)).replace("{h}", str(hour))
    if hours:
        return str(DURATION_FORMATS["hours"]).replace("{h}", str(hours)).replace("{m}", str(minute))
    return str(DURATION_FORMATS["minutes"]).replace("{m}", str(minutes))


# --- topics (选题) ----------------------------------------------------------------------------


@dataclass
class TopicsPanel:
    total: int
    # (state, label, count, newest topics) for every state, in the board's order
    states: list
    # (department name, total, [(state label, count)]), most topics first; "" = no department
    departments: list


def todays_topics_q(since, until):
    """Today's topics, as the 选题会 board's day shows them: waiting for a decision, or proposed,
    due, decided or with their event today."""
    from rongmei.planning.models import Topic

    waiting = (Topic.State.PROPOSED, Topic.State.CHANGES_REQUESTED)
    return (
        Q(state__in=waiting)
        | Q(created_at__gte=since, created_at__lt=until)
        | Q(deadline__gte=since, deadline__lt=until)
        | Q(decided_at__gte=since, decided_at__lt=until)
        | Q(event__starts_at__gte=since, event__starts_at__lt=until)
    )


def topics_today(now=None) -> TopicsPanel:
    """Today's topics by state (count and the newest titles) and by department. Two queries."""
    from rongmei.planning.models import Topic

    since = start_of_today() if now is None else _midnight(now)
    today = Topic.objects.filter(
        pk__in=Topic.objects.filter(todays_topics_q(since, since + timedelta(days=1)))
    )
    counts = list(
        today.values("state", "department__name").annotate(n=Count("pk")).order_by("department__name")
    )
    by_state = {}
    by_department = {}
    for row in counts:
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["n"]
        name = row["department__name"] or ""
        by_department.setdefault(name, {})
        by_department[name][row["state"]] = row["n"]
    newest = {}
    # The newest few per state: one query over the newest rows of the day, enough for every state.
    for topic in today.order_by("-updated_at", "-pk").only("pk", "title", "state", "updated_at")[:200]:
        titles = newest.setdefault(topic.state, [])
        if len(titles) < TOPIC_TITLES_PER_STATE:
            titles.append(topic)
    states = [
        (state, label, by_state.get(state, 0), newest.get(state, []))
        for state, label in Topic.State.choices
        if by_state.get(state)
        or state in (Topic.State.PROPOSED, Topic.State.APPROVED, Topic.State.IN_PROGRESS)
    ]
    labels = dict(Topic.State.choices)
    departments = sorted(
        (
            (
                name,
                sum(per_state.values()),
                [(labels.get(state, state), per_state[state]) for state in labels if per_state.get(state)],
            )
            for name, per_state in by_department.items()
        ),
        key=lambda row: (-row[1], row[0] == "", row[0]),
    )
    return TopicsPanel(total=sum(by_state.values()), states=states, departments=departments)


def _midnight(now):
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


# --- overdue assignments (派单) ----------------------------------------------------------------


@dataclass
class OverdueRow:
    assignment: object
    person: str
    topic_title: str
    format_label: str
    deadline: datetime
    late: str


@dataclass
class OverduePanel:
    total: int
    rows: list = field(default_factory=list)


def overdue_assignments(now=None) -> OverduePanel:
    """Assignments past their deadline and not filed, longest overdue first: who, what, how late.
    Two queries."""
    from rongmei.organisation.models import display_name_for
    from rongmei.planning.models import Assignment

    now = now or timezone.now()
    overdue = Assignment.objects.overdue(now)
    total = overdue.count()
    rows = [
        OverdueRow(
            assignment=assignment,
            person=display_name_for(assignment.assignee),
            topic_title=assignment.topic.title,
            format_label=assignment.get_format_display(),
            deadline=assignment.deadline,
            late=duration_text((now - assignment.deadline).total_seconds()),
        )
        for assignment in overdue.select_related("topic", "assignee__staff_profile").order_by(
            "deadline", "pk"
        )[:OVERDUE_LIMIT]
    ]
    return OverduePanel(total=total, rows=rows)


# --- 三审 -------------------------------------------------------------------------------------


@dataclass
class ReviewLevelRow:
    task_id: int
    level: int
    name: str
    waiting: int
    oldest_title: str = ""
    oldest_story_id: int | None = None
    oldest_since: datetime | None = None
    oldest_for: str = ""


def _review_task_states():
    from wagtail.models import TaskState, WorkflowState

    return TaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
        task__reviewleveltask__isnull=False,
    )


def review_levels(now=None) -> list[ReviewLevelRow]:
    """Stories waiting at each review level (初审, 复审, 终审, as the levels are named): how many,
    and the one waiting longest, since when. A level of a workflow no section uses shows only while
    something waits there. Four queries whatever the number of stories."""
    from wagtail.models import Page, WorkflowTask

    from rongmei.review.models import ReviewLevelTask

    now = now or timezone.now()
    in_use = WorkflowTask.objects.filter(
        task=OuterRef("pk"), workflow__active=True, workflow__workflow_pages__isnull=False
    )
    tasks = list(
        ReviewLevelTask.objects.filter(active=True)
        .annotate(in_use=Exists(in_use))
        .only("pk", "name", "level")
        .order_by("level", "name", "pk")
    )
    stats = {
        row["task_id"]: row
        for row in _review_task_states()
        .values("task_id")
        .annotate(n=Count("pk"), oldest=Min("started_at"))
        .order_by()
    }
    rows = {
        task.pk: ReviewLevelRow(
            task_id=task.pk, level=task.level, name=task.name, waiting=stats.get(task.pk, {}).get("n", 0)
        )
        for task in tasks
        if task.in_use or task.pk in stats
    }
    if stats:
        oldest_q = Q()
        for task_id, stat in stats.items():
            oldest_q |= Q(task_id=task_id, started_at=stat["oldest"])
        oldest = list(
            _review_task_states()
            .filter(oldest_q)
            .values("task_id", "workflow_state__object_id", "started_at")
            .order_by("started_at", "pk")
        )
        pages = Page.objects.only("pk", "title").in_bulk(
            [int(row["workflow_state__object_id"]) for row in oldest]
        )
        for row in oldest:
            level_row = rows.get(row["task_id"])
            if level_row is None or level_row.oldest_since is not None:
                continue
            page = pages.get(int(row["workflow_state__object_id"]))
            level_row.oldest_since = row["started_at"]
            level_row.oldest_for = duration_text((now - row["started_at"]).total_seconds())
            level_row.oldest_title = page.title if page is not None else ""
            level_row.oldest_story_id = page.pk if page is not None else None
    return list(rows.values())


# --- published today per channel --------------------------------------------------------------


@dataclass
class ChannelRow:
    channel: object
    published: int = 0
    waiting: int = 0
    failed: int = 0
    manual: int = 0


@dataclass
class ChannelsPanel:
    stories: int
    channels: list
    attention: list
    failed: int


def published_per_channel(user) -> ChannelsPanel:
    """Stories published today (the new-media desk's list) counted per channel and state, and the
    channel work waiting for a person (failed deliveries first)."""
    from rongmei.distribution import desk
    from rongmei.distribution.models import Channel

    State = desk.State
    stories = desk.published_today(user, limit=STORIES_TODAY_LIMIT)
    rows = {
        channel.pk: ChannelRow(channel)
        for channel in Channel.objects.filter(enabled=True).order_by("sort_order", "code")
    }
    for story in stories:
        for status in story.channel_rows:
            row = rows.get(status.channel_id) or rows.setdefault(
                status.channel_id, ChannelRow(status.channel)
            )
            if status.state == State.PUBLISHED:
                row.published += 1
            elif status.state in (State.QUEUED, State.SENDING):
                row.waiting += 1
            elif status.state == State.FAILED:
                row.failed += 1
            elif status.state == State.NEEDS_MANUAL:
                row.manual += 1
    attention = sorted(
        desk.needing_attention(user),
        key=lambda status: (status.state != State.FAILED, -status.changed_at.timestamp()),
    )
    return ChannelsPanel(
        stories=len(stories),
        channels=list(rows.values()),
        attention=attention,
        failed=sum(1 for status in attention if status.state == State.FAILED),
    )


# --- tips (新闻线索) ---------------------------------------------------------------------------


@dataclass
class TipRow:
    reference: str
    excerpt: str
    received_at: datetime
    state: str
    state_label: str
    source_label: str
    pk: int


@dataclass
class TipsPanel:
    new: int
    today: int
    rows: list


def excerpt_of(text: str, limit: int = TIP_EXCERPT_CHARS) -> str:
    """The first words of a tip, on one line, with long numbers (a phone, an ID) masked."""
    text = " ".join(text.split())
    text = _LONG_NUMBER.sub(lambda match: "*" * min(len(match.group()), 11), text)
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def newest_tips(now=None) -> TipsPanel:
    """The newest tips (reference, first words, time, state) and how many are new and came today.
    The contact fields are never read. Two queries."""
    from rongmei.tips.models import Tip

    since = start_of_today() if now is None else _midnight(now)
    counts = Tip.objects.aggregate(
        new=Count("pk", filter=Q(state=Tip.State.NEW)), today=Count("pk", filter=Q(received_at__gte=since))
    )
    rows = [
        TipRow(
            reference=tip.reference,
            excerpt=excerpt_of(tip.text),
            received_at=tip.received_at,
            state=tip.state,
            state_label=tip.get_state_display(),
            source_label=tip.get_source_display(),
            pk=tip.pk,
        )
        for tip in Tip.objects.only("pk", "reference", "text", "received_at", "state", "source").order_by(
            "-received_at", "-pk"
        )[:TIPS_LIMIT]
    ]
    return TipsPanel(new=counts["new"], today=counts["today"], rows=rows)


# --- the whole dashboard ----------------------------------------------------------------------


def dashboard(user, now=None) -> dict:
    """Every panel's figures for ``user`` (who may see the dashboard)."""
    now = now or timezone.now()
    return {
        "topics": topics_today(now),
        "overdue": overdue_assignments(now),
        "review": review_levels(now),
        "channels": published_per_channel(user),
        "tips": newest_tips(now),
        "generated_at": now,
    }


def fingerprint(user, now=None) -> str:
    """What changes whenever a figure of the dashboard changes: counts and latest change times of
    topics, assignments (and how many are overdue), review steps, today's stories and their channel
    states, tips; the day, the reader and the language. Eight queries, no rendering."""
    from wagtail.models import TaskState

    from rongmei.distribution.models import StoryChannelStatus
    from rongmei.newsroom.models import StoryPage
    from rongmei.planning.models import Assignment, PlannedEvent, Topic
    from rongmei.tips.models import Tip

    now = now or timezone.now()
    since = _midnight(now)
    parts = [
        timezone.localdate(now).isoformat(),
        str(user.pk),
        get_language() or "",
        Topic.objects.aggregate(n=Count("pk"), at=Max("updated_at")),
        # A topic is today's when its event is: a moved event moves it.
        PlannedEvent.objects.aggregate(n=Count("pk"), at=Max("updated_at")),
        Assignment.objects.aggregate(
            n=Count("pk"),
            at=Max("updated_at"),
            overdue=Count("pk", filter=Q(pk__in=Assignment.objects.overdue(now).values("pk"))),
        ),
        TaskState.objects.filter(task__reviewleveltask__isnull=False).aggregate(
            n=Count("pk", filter=Q(status=TaskState.STATUS_IN_PROGRESS)),
            last=Max("pk"),
            done=Max("finished_at"),
        ),
        StoryPage.objects.live()
        .filter(last_published_at__gte=since)
        .aggregate(n=Count("pk"), at=Max("last_published_at")),
        StoryChannelStatus.objects.aggregate(n=Count("pk"), at=Max("changed_at")),
        Tip.objects.aggregate(
            n=Count("pk", distinct=True),
            at=Max("received_at"),
            event=Max("events__at"),
            new=Count("pk", filter=Q(state=Tip.State.NEW), distinct=True),
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
