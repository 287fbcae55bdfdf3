"""The demo campaign loads through the services onto the demo's topic page, once."""

import pytest

from rongmei.campaigns import queries
from rongmei.campaigns.demo import load_campaigns_demo
from rongmei.campaigns.models import Campaign
from rongmei.newsroom.models import Region, TopicPage
from rongmei.testing import make_image, publish_outside_review

pytestmark = pytest.mark.django_db


def test_the_demo_campaign(world):
    newsroom = world.newsroom
    Region.objects.create(name="张店区", slug="zhangdian", level=Region.Level.DISTRICT)
    page = world.topic_index.add_child(
        instance=TopicPage(title="记者走基层·走进张店", slug="zoujiceng-zhangdian")
    )
    make_image("背街小巷焕新颜", size=(1600, 600))
    for title, kind in (
        ("张店老街", "news"),
        ("张店夜市", "feature"),
        ("张店工厂", "news"),
        ("视频｜张店", "video"),
    ):
        story = newsroom.add_story(title=title, topics=[page], story_type=kind)
        publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)
    users = {
        u.username: u
        for u in (newsroom.reporter, newsroom.director, newsroom.chief, newsroom.newmedia, newsroom.editor2)
    }

    campaign = load_campaigns_demo(users)
    assert load_campaigns_demo(users) is None
    assert Campaign.objects.count() == 1
    assert campaign.state == "running" and campaign.partner_region.slug == "zhangdian"
    page = TopicPage.objects.get(pk=page.pk)
    assert campaign.topic_page == page and page.live
    assert page.banner_image.title == "背街小巷焕新颜" and "记者看张店" in page.intro
    progress = queries.progress(campaign)
    figures = {row.format: (row.goal, row.planned, row.filed, row.published) for row in progress.formats}
    assert figures == {
        "text": (12, 3, 2, 3),
        "photo": (4, 1, 0, 0),
        "video": (3, 1, 1, 1),
        "live": (1, 1, 0, 0),
    }
    assert campaign.topics.count() == 2
