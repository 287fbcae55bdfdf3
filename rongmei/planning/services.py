"""策划指挥: every act on topics and assignments, with its permission check and its record.

Topics: ``propose_topic`` (报题) → ``decide_topic`` (审题: approve, request changes, decline) →
``revise_topic`` (the proposer resubmits) → ``set_topic_state`` (the board's one-click moves).
Assignments (派单) on an approved topic: ``assign`` → ``accept_assignment`` → ``start_assignment``
→ ``file_story`` (or ``start_story``, which makes the draft) → ``finish_assignment``; or
``cancel_assignment``. When a filed story goes live, its assignments become done
(``on_story_went_live``, a story-event subscriber), and a topic whose assignments are all done is done.

Who may is in ``permissions.py``; a refusal is a ``PermissionDenied`` with the reason, a request
that cannot be carried out a ``ValidationError`` (one message). Each act writes a ``TopicEvent``
and an entry in Wagtail's audit log (actions ``rongmei.planning.*``) in its transaction.
"""

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import permissions
from .models import Assignment, Format, PlannedEvent, Topic, TopicEvent, validate_formats

logger = logging.getLogger(__name__)

State = Topic.State
AState = Assignment.State

APPROVE = "approve"
REQUEST_CHANGES = "request_changes"
DECLINE = "decline"
DECISIONS = {APPROVE: State.APPROVED, REQUEST_CHANGES: State.CHANGES_REQUESTED, DECLINE: State.DECLINED}

# The board's one-click moves (besides deciding a proposed topic): from → allowed targets.
TOPIC_MOVES = {
    State.PROPOSED: (State.APPROVED, State.CHANGES_REQUESTED, State.DECLINED, State.CANCELLED),
    State.CHANGES_REQUESTED: (State.CANCELLED,),
    State.APPROVED: (State.IN_PROGRESS, State.DONE, State.CANCELLED),
    State.IN_PROGRESS: (State.DONE, State.CANCELLED),
    State.DECLINED: (State.PROPOSED,),
    State.DONE: (State.IN_PROGRESS,),
    State.CANCELLED: (),
}
# Topics that may get assignments.
ASSIGNABLE = (State.APPROVED, State.IN_PROGRESS)
# Assignment moves: from → allowed targets (cancel is separate).
ASSIGNMENT_MOVES = {
    AState.ASSIGNED: (AState.ACCEPTED, AState.IN_PROGRESS, AState.FILED),
    AState.ACCEPTED: (AState.IN_PROGRESS, AState.FILED),
    AState.IN_PROGRESS: (AState.FILED,),
    AState.FILED: (AState.DONE, AState.IN_PROGRESS),
    AState.DONE: (),
    AState.CANCELLED: (),
}
OPEN_ASSIGNMENT = (AState.ASSIGNED, AState.ACCEPTED, AState.IN_PROGRESS)

TITLE_MAX = 200


def _error(message):
    return ValidationError(message)


# --- the record ------------------------------------------------------------------------------------------


def record(topic, action, *, actor, from_state="", to_state="", comment="", assignment=None, at=None):
    """The history row and the Wagtail audit-log entry of one act (in the caller's transaction)."""
    at = at or timezone.now()
    event = TopicEvent.objects.create(
        topic=topic,
        assignment=assignment,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        at=at,
    )
    data = {"topic": topic.pk, "title": topic.title}
    if from_state or to_state:
        data.update({"from": from_state, "to": to_state})
    if comment:
        data["comment"] = comment[:500]
    if assignment is not None:
        data.update({"assignment": assignment.pk, "format": assignment.format})
    log(
        instance=assignment or topic,
        action=f"rongmei.planning.{action}",
        user=actor,
        data=data,
        timestamp=at,
    )
    return event


# --- input checks ----------------------------------------------------------------------------------------


def _clean_title(title):
    title = (title or "").strip()
    if not title:
        raise _error(_("A topic needs a title."))
    if len(title) > TITLE_MAX:
        raise _error(_("The title is too long (at most %(max)s characters).") % {"max": TITLE_MAX})
    return title


def _clean_formats(formats):
    formats = [str(value) for value in (formats or ())]
    try:
        validate_formats(formats)
    except ValidationError as error:
        raise _error(error.messages[0]) from None
    order = list(Format.values)
    return sorted(formats, key=order.index)


def _clean_section(section):
    if section is None:
        return None
    from rongmei.newsroom.models import SectionPage

    section = section.specific if hasattr(section, "specific") else section
    if not isinstance(section, SectionPage):
        raise _error(_("The section must be a section page."))
    return section


def _clean_deadline(deadline, *, required=False):
    if deadline is None:
        if required:
            raise _error(_("An assignment needs a deadline."))
        return None
    if not isinstance(deadline, datetime):
        raise _error(_("The deadline is not a date and time."))
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    return deadline


def _channels(channels):
    from rongmei.distribution.models import Channel

    ids = [getattr(channel, "pk", channel) for channel in (channels or ())]
    found = list(Channel.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise _error(_("One of the planned channels does not exist."))
    return found


def _comment(comment):
    return (comment or "").strip()


# --- topics ----------------------------------------------------------------------------------------------


def propose_topic(
    acting_user,
    *,
    title,
    angle="",
    region=None,
    section=None,
    department=None,
    formats=(),
    channels=(),
    deadline=None,
    sources="",
    event=None,
) -> Topic:
    """报题: a new topic in state proposed; the department defaults to the proposer's."""
    permissions.require_propose(acting_user)
    title = _clean_title(title)
    formats = _clean_formats(formats)
    section = _clean_section(section)
    deadline = _clean_deadline(deadline)
    if department is None:
        department = permissions.department_of(acting_user)
    with transaction.atomic():
        channel_rows = _channels(channels)
        topic = Topic.objects.create(
            title=title,
            angle=(angle or "").strip(),
            region=region,
            section=section,
            department=department,
            planned_formats=formats,
            deadline=deadline,
            sources=(sources or "").strip(),
            event=event,
            proposed_by=acting_user,
        )
        if channel_rows:
            topic.planned_channels.set(channel_rows)
        record(topic, "propose", actor=acting_user, to_state=State.PROPOSED)
    return topic


REVISABLE_FIELDS = {
    "title",
    "angle",
    "region",
    "section",
    "department",
    "formats",
    "channels",
    "deadline",
    "sources",
    "event",
}


@transaction.atomic
def revise_topic(acting_user, topic, *, comment="", **fields) -> Topic:
    """Change a topic's content. The proposer may revise a topic that is proposed or sent back for
    changes (a topic sent back is proposed again: resubmitted); whoever may decide it may revise it
    while it is open."""
    permissions.require_view(acting_user)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    own = topic.proposed_by_id == acting_user.pk and permissions.can_propose(acting_user)
    if own and topic.state in (State.PROPOSED, State.CHANGES_REQUESTED):
        pass
    elif permissions.can_decide(acting_user, topic) and topic.state not in (State.DONE, State.CANCELLED):
        pass
    elif own:
        raise _error(
            _("“%(topic)s” is %(state)s: only a proposed topic or one sent back for changes can be revised.")
            % {"topic": topic.title, "state": topic.get_state_display()}
        )
    else:
        raise PermissionDenied(_("Only the proposer or the topic's director may revise a topic."))
    unknown = set(fields) - REVISABLE_FIELDS
    if unknown:
        raise TypeError(", ".join(sorted(unknown)))
    if "title" in fields:
        topic.title = _clean_title(fields["title"])
    if "angle" in fields:
        topic.angle = (fields["angle"] or "").strip()
    if "sources" in fields:
        topic.sources = (fields["sources"] or "").strip()
    if "formats" in fields:
        topic.planned_formats = _clean_formats(fields["formats"])
    if "section" in fields:
        topic.section = _clean_section(fields["section"])
    if "deadline" in fields:
        topic.deadline = _clean_deadline(fields["deadline"])
    for name in ("region", "event"):
        if name in fields:
            setattr(topic, name, fields[name])
    if "department" in fields:
        topic.department = fields["department"] or permissions.department_of(topic.proposed_by)
    before = topic.state
    if topic.state == State.CHANGES_REQUESTED:
        topic.state = State.PROPOSED
    topic.save()
    if "channels" in fields:
        topic.planned_channels.set(_channels(fields["channels"]))
    if before != topic.state:
        record(
            topic,
            "resubmit",
            actor=acting_user,
            from_state=before,
            to_state=topic.state,
            comment=_comment(comment),
        )
    else:
        record(topic, "revise", actor=acting_user, comment=_comment(comment))
    return topic


@transaction.atomic
def decide_topic(acting_user, topic, decision, comment="") -> Topic:
    """审题: approve, request changes or decline a proposed topic. A decline or a request for
    changes says why."""
    if decision not in DECISIONS:
        raise _error(_("Unknown decision."))
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    permissions.require_decide(acting_user, topic)
    if topic.state != State.PROPOSED:
        raise _error(
            _("“%(topic)s” is %(state)s, not waiting for a decision.")
            % {"topic": topic.title, "state": topic.get_state_display()}
        )
    comment = _comment(comment)
    if decision != APPROVE and not comment:
        raise _error(_("Say why: declining a topic or asking for changes needs a comment."))
    before = topic.state
    topic.state = DECISIONS[decision]
    topic.decided_by = acting_user
    topic.decided_at = timezone.now()
    topic.decision_comment = comment
    topic.save(update_fields=["state", "decided_by", "decided_at", "decision_comment", "updated_at"])
    record(topic, "decide", actor=acting_user, from_state=before, to_state=topic.state, comment=comment)
    return topic


def allowed_moves(user, topic):
    """The states the board may move ``topic`` to for ``user`` (one button each)."""
    targets = TOPIC_MOVES.get(topic.state, ())
    if permissions.can_decide(user, topic):
        return list(targets)
    own = topic.proposed_by_id == getattr(user, "pk", None) and permissions.can_propose(user)
    if own and topic.state in (State.PROPOSED, State.CHANGES_REQUESTED):
        return [State.CANCELLED]
    return []


@transaction.atomic
def set_topic_state(acting_user, topic, state, comment="") -> Topic:
    """The board's one-click move to ``state`` (only a legal move; a decision goes through
    ``decide_topic``). The proposer may withdraw (撤销) their own topic before it is decided."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if state not in State.values:
        raise _error(_("Unknown state."))
    if topic.state == State.PROPOSED and state in (
        State.APPROVED,
        State.CHANGES_REQUESTED,
        State.DECLINED,
    ):
        decision = {value: key for key, value in DECISIONS.items()}[state]
        return decide_topic(acting_user, topic, decision, comment)
    permissions.require_view(acting_user)
    if state not in allowed_moves(acting_user, topic):
        if state in TOPIC_MOVES.get(topic.state, ()):
            permissions.require_decide(acting_user, topic)
        raise _error(
            _("A topic that is %(from)s cannot be moved to %(to)s.")
            % {"from": topic.get_state_display(), "to": State(state).label}
        )
    comment = _comment(comment)
    before = topic.state
    topic.state = state
    topic.save(update_fields=["state", "updated_at"])
    if state == State.CANCELLED:
        for assignment in topic.assignments.select_for_update().filter(state__in=OPEN_ASSIGNMENT):
            _move_assignment(assignment, AState.CANCELLED, acting_user, _("topic cancelled"))
    record(topic, "move", actor=acting_user, from_state=before, to_state=state, comment=comment)
    return topic


# --- assignments -----------------------------------------------------------------------------------------


def _move_assignment(assignment, state, actor, comment=""):
    before = assignment.state
    assignment.state = state
    fields = ["state", "updated_at"]
    if state == AState.FILED:
        assignment.filed_at = timezone.now()
        fields.append("filed_at")
    assignment.save(update_fields=fields)
    record(
        assignment.topic,
        "assignment",
        actor=actor,
        from_state=before,
        to_state=state,
        comment=comment,
        assignment=assignment,
    )
    return assignment


def _topic_follows(topic, actor):
    """An approved topic whose work started is in progress; one whose assignments are all done
    (at least one, none open) is done."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    states = list(topic.assignments.values_list("state", flat=True))
    live = [state for state in states if state != AState.CANCELLED]
    target = None
    if live and all(state == AState.DONE for state in live):
        if topic.state in (State.APPROVED, State.IN_PROGRESS):
            target = State.DONE
    elif topic.state == State.APPROVED and any(
        state in (AState.IN_PROGRESS, AState.FILED, AState.DONE) for state in live
    ):
        target = State.IN_PROGRESS
    elif topic.state == State.DONE and any(state != AState.DONE for state in live):
        target = State.IN_PROGRESS
    if target:
        before = topic.state
        topic.state = target
        topic.save(update_fields=["state", "updated_at"])
        record(topic, "move", actor=actor, from_state=before, to_state=target)
    return topic


def _assignee_ok(assignee):
    if assignee is None or not assignee.is_active:
        raise _error(_("Choose an active staff member to assign."))
    if not permissions.can_view(assignee):
        raise _error(
            _("%(name)s is not newsroom staff with access to planning and cannot be assigned.")
            % {"name": display_name(assignee)}
        )


def display_name(user):
    if user is None:
        return _("system")
    profile = getattr(user, "staff_profile", None)
    return (profile.display_name if profile is not None and profile.display_name else "") or (
        user.get_full_name() or user.get_username()
    )


@transaction.atomic
def assign(acting_user, topic, *, format, assignee, deadline=None, note="") -> Assignment:
    """派单: one format of an approved topic to a named person, with a deadline (the topic's when
    none is given)."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    permissions.require_decide(acting_user, topic)
    if topic.state not in ASSIGNABLE:
        raise _error(
            _("“%(topic)s” is %(state)s: only an approved topic gets assignments.")
            % {"topic": topic.title, "state": topic.get_state_display()}
        )
    if format not in Format.values:
        raise _error(_("Choose the format: text, photo, video or live."))
    _assignee_ok(assignee)
    deadline = _clean_deadline(deadline if deadline is not None else topic.deadline, required=True)
    if deadline <= timezone.now():
        raise _error(_("The deadline has already passed; give a time in the future."))
    if topic.assignments.filter(format=format, assignee=assignee, state__in=OPEN_ASSIGNMENT).exists():
        raise _error(
            _("%(name)s already has an open %(format)s assignment on this topic.")
            % {"name": display_name(assignee), "format": Format(format).label}
        )
    assignment = Assignment.objects.create(
        topic=topic,
        format=format,
        assignee=assignee,
        deadline=deadline,
        note=(note or "").strip(),
        created_by=acting_user,
    )
    record(
        topic,
        "assign",
        actor=acting_user,
        to_state=AState.ASSIGNED,
        comment=f"{Format(format).label} → {display_name(assignee)}",
        assignment=assignment,
    )
    return assignment


def _locked(assignment):
    return Assignment.objects.select_for_update().select_related("topic").get(pk=assignment.pk)


def _require_move(assignment, state):
    if state not in ASSIGNMENT_MOVES.get(assignment.state, ()):
        raise _error(
            _("An assignment that is %(from)s cannot become %(to)s.")
            % {"from": assignment.get_state_display(), "to": AState(state).label}
        )


@transaction.atomic
def accept_assignment(acting_user, assignment) -> Assignment:
    assignment = _locked(assignment)
    if assignment.assignee_id != getattr(acting_user, "pk", None):
        raise PermissionDenied(_("Only the person assigned may accept an assignment."))
    _require_move(assignment, AState.ACCEPTED)
    return _move_assignment(assignment, AState.ACCEPTED, acting_user)


@transaction.atomic
def start_assignment(acting_user, assignment) -> Assignment:
    assignment = _locked(assignment)
    permissions.require_work_on(acting_user, assignment)
    _require_move(assignment, AState.IN_PROGRESS)
    _move_assignment(assignment, AState.IN_PROGRESS, acting_user)
    _topic_follows(assignment.topic, acting_user)
    return assignment


def _may_file(user, assignment, story) -> bool:
    if permissions.can_work_on(user, assignment):
        return True
    # An editor who may edit the story may file it for the reporter.
    return permissions.can_view(user) and story.permissions_for_user(user).can_edit()


@transaction.atomic
def file_story(acting_user, assignment, story) -> Assignment:
    """交稿: link the story filed for ``assignment``; the assignment is filed (done at once if the
    story is already live)."""
    from rongmei.newsroom.models import StoryPage

    assignment = _locked(assignment)
    story = story.specific if hasattr(story, "specific") else story
    if not isinstance(story, StoryPage):
        raise _error(_("Only a story can be filed for an assignment."))
    if not _may_file(acting_user, assignment, story):
        raise PermissionDenied(_("Only the person assigned or an editor of the story may file it."))
    if assignment.state in (AState.DONE, AState.CANCELLED):
        raise _error(
            _("The assignment is %(state)s: nothing can be filed for it.")
            % {"state": assignment.get_state_display()}
        )
    assignment.story = story
    assignment.save(update_fields=["story", "updated_at"])
    if assignment.state != AState.FILED:
        _move_assignment(assignment, AState.FILED, acting_user, story.title)
    if story.live:
        _move_assignment(assignment, AState.DONE, acting_user, _("the story is published"))
    _topic_follows(assignment.topic, acting_user)
    return assignment


@transaction.atomic
def finish_assignment(acting_user, assignment) -> Assignment:
    assignment = _locked(assignment)
    permissions.require_decide(acting_user, assignment.topic)
    _require_move(assignment, AState.DONE)
    _move_assignment(assignment, AState.DONE, acting_user)
    _topic_follows(assignment.topic, acting_user)
    return assignment


@transaction.atomic
def cancel_assignment(acting_user, assignment, comment="") -> Assignment:
    assignment = _locked(assignment)
    permissions.require_decide(acting_user, assignment.topic)
    if assignment.state in (AState.DONE, AState.CANCELLED):
        raise _error(_("The assignment is already %(state)s.") % {"state": assignment.get_state_display()})
    _move_assignment(assignment, AState.CANCELLED, acting_user, _comment(comment))
    _topic_follows(assignment.topic, acting_user)
    return assignment


def target_section(topic):
    """Where a story for ``topic`` goes: its section, else the first section of the site."""
    from rongmei.newsroom.models import SectionPage

    if topic.section_id:
        return topic.section
    return SectionPage.objects.order_by("path").first()


def start_story(acting_user, assignment):
    """开始写稿: a draft story under the topic's section, owned by the assignee, filed for the
    assignment (which is then in progress, or filed); returns the story."""
    from rongmei.newsroom.models import StoryPage

    with transaction.atomic():
        assignment = _locked(assignment)
        permissions.require_work_on(acting_user, assignment)
        if assignment.story_id:
            raise _error(
                _("A story was already started for this assignment: “%(story)s”.")
                % {"story": assignment.story.title}
            )
        if assignment.state not in OPEN_ASSIGNMENT:
            raise _error(
                _("The assignment is %(state)s: no story can be started for it.")
                % {"state": assignment.get_state_display()}
            )
        topic = assignment.topic
        section = target_section(topic)
        if section is None:
            raise _error(_("There is no section to put the story in: add a section page first."))
        owner = assignment.assignee
        if not section.permissions_for_user(owner).can_add_subpage():
            raise PermissionDenied(
                _("%(name)s may not add stories to the section “%(section)s”.")
                % {"name": display_name(owner), "section": section.title}
            )
        profile = getattr(owner, "staff_profile", None)
        story = StoryPage(
            title=topic.title[:255],
            lead=(topic.angle or "")[:1000],
            # An empty paragraph: the body is required, and the reporter writes it in the editor.
            body="<p></p>",
            owner=owner,
            outlet=profile.outlet if profile is not None else None,
            live=False,
        )
        if topic.region_id:
            story.regions = [topic.region]
        section.add_child(instance=story)
        log(instance=story, action="wagtail.create", user=acting_user)
        story.save_revision(user=acting_user, log_action=True)
        assignment.story = story
        assignment.save(update_fields=["story", "updated_at"])
        if assignment.state != AState.IN_PROGRESS:
            _move_assignment(assignment, AState.IN_PROGRESS, acting_user, _("story started"))
        record(topic, "start_story", actor=acting_user, comment=story.title, assignment=assignment)
        _topic_follows(topic, acting_user)
    return story


# --- following the stories -------------------------------------------------------------------------------


def on_story_went_live(event):
    """A story-event subscriber: the assignments the story was filed for are done, and so is a
    topic whose assignments are all done."""
    unfinished = Assignment.objects.filter(story_id=event.story_id).exclude(
        state__in=[AState.DONE, AState.CANCELLED]
    )
    # Most published stories were filed for no assignment: one plain query, no transaction.
    if not unfinished.exists():
        return
    with transaction.atomic():
        rows = list(
            Assignment.objects.select_for_update()
            .select_related("topic")
            .filter(story_id=event.story_id)
            .exclude(state__in=[AState.DONE, AState.CANCELLED])
        )
        if not rows:
            return
        actor = get_user_model().objects.filter(pk=event.actor_id).first() if event.actor_id else None
        for assignment in rows:
            _move_assignment(assignment, AState.DONE, actor, _("the story is published"))
        for topic_id in {row.topic_id for row in rows}:
            _topic_follows(Topic(pk=topic_id), actor)


def subscribe_to_stories():
    from rongmei.newsroom import events

    events.subscribe(
        on_story_went_live,
        kinds=[events.StoryEventKind.WENT_LIVE],
        dispatch_uid="rongmei.planning.on_story_went_live",
    )


# --- events calendar -------------------------------------------------------------------------------------


EVENT_FIELDS = ("title", "starts_at", "ends_at", "all_day", "place", "description", "organiser")


def _new_uid():
    import uuid

    return f"{uuid.uuid4()}@rongmei"


@transaction.atomic
def save_event(acting_user, event=None, **fields) -> PlannedEvent:
    """Add (``event=None``) or change a planned event on the calendar."""
    permissions.require_edit_events(acting_user)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(", ".join(sorted(unknown)))
    creating = event is None
    if creating:
        event = PlannedEvent(uid=_new_uid(), created_by=acting_user)
    else:
        event = PlannedEvent.objects.select_for_update().get(pk=event.pk)
    for name, value in fields.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    if not (event.title or "").strip():
        raise _error(_("An event needs a title."))
    if event.starts_at is None:
        raise _error(_("An event needs a start time."))
    if event.ends_at and event.ends_at < event.starts_at:
        raise _error(_("An event cannot end before it starts."))
    event.save()
    log(
        instance=event,
        action="rongmei.planning.event_add" if creating else "rongmei.planning.event_edit",
        user=acting_user,
        data={"title": event.title, "uid": event.uid},
    )
    return event
