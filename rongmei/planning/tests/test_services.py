import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from rongmei.planning import services
from rongmei.planning.models import Assignment, Topic, TopicEvent

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
