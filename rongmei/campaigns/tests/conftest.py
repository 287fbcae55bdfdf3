import datetime

import pytest
from django.utils import timezone, translation

from rongmei.campaigns import services
from rongmei.newsroom.models import TopicIndexPage
from rongmei.testing import make_user


class CampaignWorld:
    """The test newsroom (with 三审) a topic index on the
    site, an analyst (no campaigns) and helpers for topics and assignments."""

    def __init__(self, newsroom):
        from rongmei.organisation import roles

        self.newsroom = newsroom
        self.topic_index = newsroom.home.add_child(instance=TopicIndexPage(title="专题", slug="zhuanti"))
        self.analyst = make_user("analyst", roles.ANALYST, display_name="钱分析", outlet=newsroom.outlet)
        self.today = timezone.localdate()

    def campaign(self, *, by=None, **fields):
        values = {
            "name": "记者看张店",
            "partner_name": "张店区人民政府",
            "starts_on": self.today - datetime.timedelta(days=3),
            "ends_on": self.today + datetime.timedelta(days=10),
            "description": "记者走进张店区的街道、企业和社区。",
            "goal_stories": 3,
            "goal_photo_stories": 2,
            "goal_videos": 1,
            "state": "running",
        }
        values.update(fields)
        return services.create_campaign(acting_user=by or self.newsroom.director, **values)

    def topic(self, title="张店老街改造", state="approved"):
        from rongmei.planning.models import Topic

        return Topic.objects.create(title=title, proposed_by=self.newsroom.reporter, state=state)

    def assignment(self, topic, fmt, *, story=None, state=None, hours=24, assignee=None):
        from rongmei.planning.models import Assignment

        return Assignment.objects.create(
            topic=topic,
            format=fmt,
            assignee=assignee or self.newsroom.reporter,
            deadline=timezone.now() + datetime.timedelta(hours=hours),
            story=story,
            state=state or ("filed" if story else "assigned"),
            created_by=self.newsroom.director,
        )


@pytest.fixture(autouse=True)
def english():
    # Messages are matched by their English msgids; the pages (requests) still come in zh-Hans.
    with translation.override("en"):
        yield


@pytest.fixture
def world(review):
    return CampaignWorld(review)
