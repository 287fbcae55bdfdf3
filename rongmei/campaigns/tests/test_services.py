"""Campaign acts: who may, what they refuse, the topic page made in one act, topics attached."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from rongmei.campaigns import services
from rongmei.campaigns.models import Campaign
from rongmei.newsroom.models import TopicPage
from rongmei.testing import fresh

pytestmark = pytest.mark.django_db


def test_directors_chief_and_admins_create_campaigns_others_may_not(world):
    newsroom = world.newsroom
    for user in (newsroom.director, newsroom.chief, newsroom.admin):
        campaign = world.campaign(by=user, name=f"活动 {user.username}")
        assert campaign.created_by == user
    for user in (newsroom.reporter, newsroom.editor, newsroom.newmedia, world.analyst):
        with pytest.raises(PermissionDenied) as refused:
            world.campaign(by=user)
        assert "Only department directors, chief editors and administrators" in str(refused.value)
    assert Campaign.objects.count() == 3


def test_a_new_campaign_is_logged_with_its_goals(world):
    campaign = world.campaign()
    entry = ModelLogEntry.objects.get(action="rongmei.campaigns.create")
    assert entry.object_id == str(campaign.pk)
    assert entry.user_id == world.newsroom.director.pk
    assert entry.data["goal_stories"] == 3
    assert entry.data["starts_on"] == campaign.starts_on.isoformat()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "A campaign needs a name."),
        ({"partner_name": ""}, "Name the partner"),
        ({"ends_on": datetime.date(2020, 1, 1)}, "cannot end before it starts"),
        ({"goal_videos": -1}, "zero or more"),
        ({"state": "paused"}, "Unknown campaign state."),
    ],
)
def test_bad_input_is_refused_with_the_reason(world, fields, message):
    with pytest.raises(services.CampaignError) as refused:
        world.campaign(**fields)
    assert message in refused.value.message
    assert not Campaign.objects.exists()


def test_update_changes_and_logs_only_what_changed(world):
    campaign = world.campaign()
    services.update_campaign(campaign, acting_user=world.newsroom.chief, state="finished", goal_videos=1)
    campaign = fresh(campaign)
    assert campaign.state == "finished"
    entry = ModelLogEntry.objects.get(action="rongmei.campaigns.edit")
    assert entry.data == {"before": {"state": "running"}, "after": {"state": "finished"}}
    with pytest.raises(PermissionDenied):
        services.update_campaign(campaign, acting_user=world.newsroom.editor, state="running")
    with pytest.raises(services.CampaignError):
        services.update_campaign(
            campaign,
            acting_user=world.newsroom.chief,
            ends_on=campaign.starts_on - datetime.timedelta(days=1),
        )
    assert fresh(campaign).ends_on == campaign.ends_on


def test_the_chief_creates_the_topic_page_live_in_one_act(world):
    campaign = world.campaign(partner_region=None)
    page, published = services.create_topic_page(campaign, acting_user=world.newsroom.chief)
    assert published
    page = TopicPage.objects.get(pk=page.pk)
    assert page.live and page.get_parent().pk == world.topic_index.pk
    assert page.title == "记者看张店"
    assert page.slug == f"huodong-{campaign.starts_on:%Y%m}-{campaign.pk}"
    assert page.summary == campaign.description
    assert fresh(campaign).topic_page_id == page.pk
    # Published as Wagtail publishes a page (its log), and the campaign's own record.
    assert page.live_revision.user_id == world.newsroom.chief.pk
    assert ModelLogEntry.objects.get(action="rongmei.campaigns.topic_page").data["published"] is True
    with pytest.raises(services.CampaignError) as again:
        services.create_topic_page(fresh(campaign), acting_user=world.newsroom.chief)
    assert "already has a topic page" in again.value.message


def test_a_director_without_the_right_to_publish_gets_a_draft(world):
    campaign = world.campaign()
    page, published = services.create_topic_page(
        campaign, acting_user=world.newsroom.director, slug="kan-zhangdian"
    )
    assert not published
    page = TopicPage.objects.get(pk=page.pk)
    assert not page.live and page.slug == "kan-zhangdian"
    assert page.latest_revision.user_id == world.newsroom.director.pk


def test_the_topic_page_refuses_bad_addresses_and_those_taken(world):
    first = world.campaign(name="第一个活动")
    services.create_topic_page(first, acting_user=world.newsroom.chief, slug="zhangdian")
    second = world.campaign(name="第二个活动")
    with pytest.raises(services.CampaignError) as taken:
        services.create_topic_page(second, acting_user=world.newsroom.chief, slug="zhangdian")
    assert "already has the address zhangdian" in taken.value.message
    with pytest.raises(services.CampaignError) as bad:
        services.create_topic_page(second, acting_user=world.newsroom.chief, slug="张店")
    assert "only Latin letters" in bad.value.message
    with pytest.raises(PermissionDenied):
        services.create_topic_page(second, acting_user=world.newsroom.reporter)
    assert fresh(second).topic_page_id is None


def test_without_a_topic_index_the_page_cannot_be_made(world):
    world.topic_index.delete()
    campaign = world.campaign()
    with pytest.raises(services.CampaignError) as refused:
        services.create_topic_page(campaign, acting_user=world.newsroom.chief)
    assert "no list of topic pages" in refused.value.message


def test_topics_are_attached_once_and_detached(world):
    campaign = world.campaign()
    first, second = world.topic("老街改造"), world.topic("企业走访")
    services.attach_topics(campaign, [first, second], acting_user=world.newsroom.director)
    services.attach_topics(campaign, [first.pk], acting_user=world.newsroom.director)
    assert set(campaign.topics.all()) == {first, second}
    assert ModelLogEntry.objects.filter(action="rongmei.campaigns.attach_topics").count() == 1
    services.detach_topic(campaign, second, acting_user=world.newsroom.chief)
    assert list(campaign.topics.all()) == [first]
    with pytest.raises(PermissionDenied):
        services.attach_topics(campaign, [second], acting_user=world.newsroom.reporter)
    with pytest.raises(services.CampaignError):
        services.attach_topics(campaign, [999999], acting_user=world.newsroom.director)


def test_an_existing_topic_page_is_linked(world):
    campaign = world.campaign()
    page = world.topic_index.add_child(instance=TopicPage(title="记者走基层", slug="zoujiceng"))
    with pytest.raises(PermissionDenied):
        services.link_topic_page(campaign, page, acting_user=world.newsroom.editor)
    with pytest.raises(services.CampaignError):
        services.link_topic_page(campaign, world.topic_index, acting_user=world.newsroom.director)
    services.link_topic_page(campaign, page, acting_user=world.newsroom.director)
    assert fresh(campaign).topic_page == page
    assert ModelLogEntry.objects.get(action="rongmei.campaigns.topic_page").data["linked"] is True
