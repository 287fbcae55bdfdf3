import datetime

import pytest
from django.utils import timezone, translation

from rongmei.organisation.models import Department
from rongmei.planning import services


class PlanningWorld:
    """The test newsroom with two departments: the reporter and the director in 时政部, another
    director in 经济部."""

    def __init__(self, newsroom):
        from rongmei.organisation import roles
        from rongmei.testing import make_user

        self.newsroom = newsroom
        self.politics = Department.objects.create(outlet=newsroom.outlet, name="时政部")
        self.economy = Department.objects.create(outlet=newsroom.outlet, name="经济部")
        for user in (newsroom.reporter, newsroom.director, newsroom.editor):
            user.staff_profile.department = self.politics
            user.staff_profile.save(update_fields=["department"])
        self.reporter = newsroom.reporter
        self.editor = newsroom.editor
        self.director = newsroom.director
        self.chief = newsroom.chief
        self.newmedia = newsroom.newmedia
        self.other_director = make_user(
            "director_econ", roles.DIRECTOR, display_name="吴主任", outlet=newsroom.outlet
        )
        self.other_director.staff_profile.department = self.economy
        self.other_director.staff_profile.save(update_fields=["department"])
        self.analyst = make_user("analyst", roles.ANALYST, display_name="钱分析", outlet=newsroom.outlet)

    def tomorrow(self, hours=24):
        return timezone.now() + datetime.timedelta(hours=hours)

    def topic(self, title="城东片区老旧小区改造进展", by=None, **fields):
        fields.setdefault("formats", ["text", "photo"])
        return services.propose_topic(by or self.reporter, title=title, **fields)

    def approved(self, **kwargs):
        topic = self.topic(**kwargs)
        return services.decide_topic(self.director, topic, services.APPROVE)

    def assigned(self, *, assignee=None, format="text", hours=24, **kwargs):
        topic = self.approved(**kwargs)
        return services.assign(
            self.director,
            topic,
            format=format,
            assignee=assignee or self.reporter,
            deadline=self.tomorrow(hours),
        )


@pytest.fixture(autouse=True)
def english():
    # Messages are matched by their English msgids; the pages (requests) still come in zh-Hans.
    with translation.override("en"):
        yield


@pytest.fixture
def world(newsroom):
    return PlanningWorld(newsroom)
