import datetime

import pytest
from django.utils import timezone, translation

from rongmei.organisation.models import Department


class Day:
    """A day in the test newsroom (with 三审): topics in 时政部 and 经济部, one overdue assignment,
    stories at the review levels and published, tips from the public and the hotline."""

    def __init__(self, review):
        self.newsroom = review
        self.politics = Department.objects.create(outlet=review.outlet, name="时政部")
        self.economy = Department.objects.create(outlet=review.outlet, name="经济部")
        for user in (review.reporter, review.director, review.editor):
            user.staff_profile.department = self.politics
            user.staff_profile.save(update_fields=["department"])

    def topic(self, title, *, department=None, by=None):
        from rongmei.planning import services

        return services.propose_topic(
            by or self.newsroom.reporter,
            title=title,
            department=department or self.politics,
            formats=["text"],
        )

    def approved(self, title, **kwargs):
        from rongmei.planning import services

        return services.decide_topic(self.newsroom.chief, self.topic(title, **kwargs), services.APPROVE)

    def overdue_assignment(self, title="城东片区老旧小区改造进展", *, hours_late=3):
        from rongmei.planning import services
        from rongmei.planning.models import Assignment

        topic = self.approved(title)
        assignment = services.assign(
            self.newsroom.chief,
            topic,
            format="text",
            assignee=self.newsroom.reporter,
            deadline=timezone.now() + datetime.timedelta(hours=4),
        )
        Assignment.objects.filter(pk=assignment.pk).update(
            deadline=timezone.now() - datetime.timedelta(hours=hours_late, minutes=10)
        )
        return assignment

    def submitted(self, title):
        from rongmei.review import services
        from rongmei.testing import fresh

        story = self.newsroom.add_story(title=title)
        services.submit_for_review(fresh(story), acting_user=self.newsroom.reporter)
        return fresh(story)

    def tip(self, text, **fields):
        from rongmei.tips import services

        fields.setdefault("address", "test-address")
        return services.receive_tip(text=text, **fields)


@pytest.fixture
def day(review):
    return Day(review)


@pytest.fixture(autouse=True)
def english():
    # Figures' words are matched by their English msgids (the translations are merged by the lead);
    # the pages (requests) still come in zh-Hans.
    with translation.override("en"):
        yield
