import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from rongmei.organisation import roles
from rongmei.planning import services
from rongmei.planning.models import Assignment, Topic, TopicEvent
from rongmei.testing import fresh, make_user, publish_outside_review

pytestmark = pytest.mark.django_db

State = Topic.State
AState = Assignment.State


# --- 报题 ---


def test_a_reporter_proposes_a_topic_in_their_department(world):
    topic = services.propose_topic(
        world.reporter,
        title="  城东片区老旧小区改造进展 ",
        angle="居民关心的加装电梯",
        formats=["photo", "text"],
        sources="街道办 王主任",
    )
    assert topic.state == State.PROPOSED
    assert topic.title == "城东片区老旧小区改造进展"
    assert topic.department == world.politics
    assert topic.planned_formats == ["text", "photo"]
    event = TopicEvent.objects.get(topic=topic)
    assert (event.action, event.to_state, event.actor) == ("propose", State.PROPOSED, world.reporter)
    assert ModelLogEntry.objects.filter(action="rongmei.planning.propose", object_id=str(topic.pk)).exists()


@pytest.mark.parametrize("who", ["editor", "director", "chief", "newmedia"])
def test_newsroom_roles_may_propose(world, who):
    assert services.propose_topic(getattr(world, who), title="题目").pk


def test_an_analyst_may_not_propose(world):
    with pytest.raises(PermissionDenied, match="Only reporters"):
        services.propose_topic(world.analyst, title="题目")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "  "}, "needs a title"),
        ({"title": "长" * 201}, "too long"),
        ({"title": "题", "formats": ["radio"]}, "Unknown format"),
        ({"title": "题", "formats": ["text", "text"]}, "twice"),
        ({"title": "题", "channels": [987654]}, "does not exist"),
    ],
)
def test_bad_proposals_are_refused_with_the_reason(world, fields, message):
    with pytest.raises(ValidationError, match=message):
        services.propose_topic(world.reporter, **fields)
    assert not Topic.objects.exists()


def test_planned_channels_are_kept(world):
    from rongmei.distribution.models import Channel

    channel = Channel.objects.create(code="wechat-test", name="微信公众号", kind="wechat")
    topic = world.topic(channels=[channel])
    assert list(topic.planned_channels.all()) == [channel]


# --- 审题 ---


def test_the_departments_director_approves(world):
    topic = world.topic()
    topic = services.decide_topic(world.director, topic, services.APPROVE)
    assert (topic.state, topic.decided_by) == (State.APPROVED, world.director)
    assert topic.decided_at is not None
    assert topic.events.last().to_state == State.APPROVED


def test_the_chief_decides_any_department(world):
    topic = world.topic(department=world.economy)
    assert services.decide_topic(world.chief, topic, services.APPROVE).state == State.APPROVED


def test_another_departments_director_may_not_decide(world):
    topic = world.topic()
    with pytest.raises(PermissionDenied, match="another department"):
        services.decide_topic(world.other_director, topic, services.APPROVE)
    assert fresh(topic).state == State.PROPOSED


@pytest.mark.parametrize("who", ["reporter", "editor", "newmedia", "analyst"])
def test_others_may_not_decide(world, who):
    topic = world.topic()
    with pytest.raises(PermissionDenied, match="director"):
        services.decide_topic(getattr(world, who), topic, services.APPROVE)


def test_a_superuser_decides(world):
    topic = world.topic()
    assert services.decide_topic(world.newsroom.admin, topic, services.APPROVE).state == State.APPROVED


@pytest.mark.parametrize("decision", [services.DECLINE, services.REQUEST_CHANGES])
def test_declining_or_asking_for_changes_needs_a_comment(world, decision):
    topic = world.topic()
    with pytest.raises(ValidationError, match="needs a comment"):
        services.decide_topic(world.director, topic, decision, "  ")
    topic = services.decide_topic(world.director, topic, decision, "角度不够新")
    assert topic.decision_comment == "角度不够新"
    assert topic.events.last().comment == "角度不够新"


def test_a_decided_topic_is_not_decided_again(world):
    topic = world.approved()
    with pytest.raises(ValidationError, match="not waiting for a decision"):
        services.decide_topic(world.director, topic, services.DECLINE, "不做了")


def test_the_proposer_revises_and_resubmits(world):
    topic = world.topic()
    topic = services.decide_topic(world.director, topic, services.REQUEST_CHANGES, "补充采访对象")
    topic = services.revise_topic(world.reporter, topic, sources="社区居委会 李书记", comment="已补充")
    assert topic.state == State.PROPOSED
    assert topic.sources == "社区居委会 李书记"
    last = topic.events.last()
    assert (last.action, last.from_state, last.to_state) == (
        "resubmit",
        State.CHANGES_REQUESTED,
        State.PROPOSED,
    )


def test_the_proposer_may_not_revise_an_approved_topic_nor_someone_else(world):
    topic = world.approved()
    with pytest.raises(ValidationError, match="can be revised"):
        services.revise_topic(world.reporter, topic, title="新标题")
    other = world.topic(by=world.editor)
    with pytest.raises(PermissionDenied):
        services.revise_topic(world.reporter, other, title="新标题")


# --- the board's moves ---


def test_only_legal_moves(world):
    topic = world.approved()
    with pytest.raises(ValidationError, match="cannot be moved"):
        services.set_topic_state(world.director, topic, State.PROPOSED)
    topic = services.set_topic_state(world.director, topic, State.IN_PROGRESS)
    topic = services.set_topic_state(world.director, topic, State.DONE)
    assert topic.state == State.DONE
    assert [e.to_state for e in topic.events.all()] == [
        State.PROPOSED,
        State.APPROVED,
        State.IN_PROGRESS,
        State.DONE,
    ]


def test_a_move_from_proposed_is_a_decision(world):
    topic = world.topic()
    with pytest.raises(ValidationError, match="needs a comment"):
        services.set_topic_state(world.director, topic, State.DECLINED)
    with pytest.raises(PermissionDenied):
        services.set_topic_state(world.reporter, topic, State.APPROVED)
    assert services.set_topic_state(world.director, topic, State.APPROVED).decided_by == world.director


def test_the_proposer_withdraws_their_own_topic_only(world):
    topic = world.topic()
    with pytest.raises(PermissionDenied):
        services.set_topic_state(world.editor, topic, State.CANCELLED)
    assert services.set_topic_state(world.reporter, topic, State.CANCELLED).state == State.CANCELLED


def test_cancelling_a_topic_cancels_its_open_assignments(world):
    assignment = world.assigned()
    services.set_topic_state(world.director, assignment.topic, State.CANCELLED, "活动取消")
    assert fresh(assignment).state == AState.CANCELLED


# --- 派单 ---


def test_assign_an_approved_topic(world):
    topic = world.approved()
    deadline = world.tomorrow()
    assignment = services.assign(
        world.director, topic, format="photo", assignee=world.reporter, deadline=deadline, note="带长焦"
    )
    assert (assignment.state, assignment.deadline, assignment.created_by) == (
        AState.ASSIGNED,
        deadline,
        world.director,
    )
    assert topic.events.last().action == "assign"


def test_assign_needs_an_approved_topic_and_a_deciding_role(world):
    topic = world.topic()
    with pytest.raises(ValidationError, match="only an approved topic"):
        services.assign(
            world.director, topic, format="text", assignee=world.reporter, deadline=world.tomorrow()
        )
    topic = services.decide_topic(world.director, topic, services.APPROVE)
    for who in (world.reporter, world.editor, world.other_director):
        with pytest.raises(PermissionDenied):
            services.assign(who, topic, format="text", assignee=world.reporter, deadline=world.tomorrow())


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"format": "radio"}, "Choose the format"),
        ({"deadline": None}, "needs a deadline"),
        ({"deadline": "past"}, "already passed"),
        ({"assignee": "analyst"}, "cannot be assigned"),
    ],
)
def test_bad_assignments_are_refused(world, fields, message):
    topic = world.approved()
    kwargs = {"format": "text", "assignee": world.reporter, "deadline": world.tomorrow()}
    kwargs.update(fields)
    if kwargs["deadline"] == "past":
        kwargs["deadline"] = timezone.now() - datetime.timedelta(hours=1)
    if kwargs["assignee"] == "analyst":
        kwargs["assignee"] = world.analyst
    with pytest.raises(ValidationError, match=message):
        services.assign(world.director, topic, **kwargs)
    assert not Assignment.objects.exists()


def test_the_assignee_accepts_and_starts_and_the_topic_is_in_progress(world):
    assignment = world.assigned()
    with pytest.raises(PermissionDenied):
        services.accept_assignment(world.editor, assignment)
    assignment = services.accept_assignment(world.reporter, assignment)
    assert assignment.state == AState.ACCEPTED
    assignment = services.start_assignment(world.reporter, assignment)
    assert assignment.state == AState.IN_PROGRESS
    assert fresh(assignment.topic).state == State.IN_PROGRESS
    with pytest.raises(ValidationError, match="cannot become"):
        services.accept_assignment(world.reporter, assignment)


def test_overdue(world):
    late = world.assigned()
    Assignment.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(hours=3))
    on_time = world.assigned(title="另一个选题", format="photo")
    filed = world.assigned(title="第三个选题")
    Assignment.objects.filter(pk=filed.pk).update(
        deadline=timezone.now() - datetime.timedelta(hours=3), state=AState.FILED
    )
    assert list(Assignment.objects.overdue()) == [fresh(late)]
    assert fresh(late).is_overdue and fresh(late).late_by > datetime.timedelta(hours=2)
    assert not fresh(on_time).is_overdue and not fresh(filed).is_overdue


def test_filing_links_the_story(world):
    assignment = world.assigned()
    story = world.newsroom.add_story(title="城东老旧小区加装电梯", owner=world.reporter)
    other_reporter = make_user("reporter2", roles.REPORTER, outlet=world.newsroom.outlet)
    with pytest.raises(PermissionDenied):
        services.file_story(other_reporter, assignment, story)
    assignment = services.file_story(world.reporter, assignment, story)
    assert (assignment.state, assignment.story_id) == (AState.FILED, story.pk)
    assert assignment.filed_at is not None


def test_an_editor_of_the_story_may_file_it(world):
    assignment = world.assigned()
    story = world.newsroom.add_story(owner=world.reporter)
    assert services.file_story(world.editor, assignment, story).state == AState.FILED


def test_publishing_the_filed_story_finishes_the_assignment_and_the_topic(world, on_commit):
    assignment = world.assigned()
    story = world.newsroom.add_story(title="城东老旧小区加装电梯", owner=world.reporter)
    services.file_story(world.reporter, assignment, story)
    with on_commit():
        publish_outside_review(story.get_latest_revision(), user=world.chief)
    assert fresh(assignment).state == AState.DONE
    assert fresh(assignment.topic).state == State.DONE


def test_a_topic_with_open_assignments_stays_in_progress(world, on_commit):
    assignment = world.assigned()
    services.assign(
        world.director, assignment.topic, format="video", assignee=world.newmedia, deadline=world.tomorrow()
    )
    story = world.newsroom.add_story(owner=world.reporter)
    services.file_story(world.reporter, assignment, story)
    with on_commit():
        publish_outside_review(story.get_latest_revision(), user=world.chief)
    assert fresh(assignment).state == AState.DONE
    assert fresh(assignment.topic).state == State.IN_PROGRESS


def test_finish_and_cancel_are_for_the_director(world):
    assignment = world.assigned()
    story = world.newsroom.add_story(owner=world.reporter)
    services.file_story(world.reporter, assignment, story)
    with pytest.raises(PermissionDenied):
        services.finish_assignment(world.reporter, assignment)
    assert services.finish_assignment(world.director, assignment).state == AState.DONE
    assert fresh(assignment.topic).state == State.DONE
    with pytest.raises(ValidationError, match="already"):
        services.cancel_assignment(world.director, assignment)


def test_start_story_makes_a_draft_owned_by_the_assignee(world):
    assignment = world.assigned(section=world.newsroom.other_section)
    with pytest.raises(PermissionDenied):
        services.start_story(world.editor, assignment)
    story = services.start_story(world.reporter, assignment)
    assert story.title == "城东片区老旧小区改造进展"
    assert (story.owner, story.live) == (world.reporter, False)
    assert story.get_parent().pk == world.newsroom.other_section.pk
    assert story.get_latest_revision() is not None
    assignment = fresh(assignment)
    assert (assignment.story_id, assignment.state) == (story.pk, AState.IN_PROGRESS)
    with pytest.raises(ValidationError, match="already started"):
        services.start_story(world.reporter, assignment)


def test_start_story_without_a_section_takes_the_first(world):
    assignment = world.assigned()
    story = services.start_story(world.director, assignment)
    assert story.get_parent().pk == world.newsroom.section.pk
    assert story.owner == world.reporter
