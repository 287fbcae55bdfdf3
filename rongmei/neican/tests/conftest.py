import datetime

import pytest
from django.utils import translation

from rongmei.neican import permissions, services
from rongmei.neican.models import Recipient


class NeicanWorld:
    def __init__(self, newsroom):
        self.newsroom = newsroom
        permissions.grant_to_roles()
        self.chief = newsroom.chief
        self.director = newsroom.director
        self.recipients = [
            Recipient.objects.create(name="张明华", title="市委办公室主任", sort_order=1),
            Recipient.objects.create(name="李建国", title="市政府秘书长", sort_order=2),
            Recipient.objects.create(name="王丽", title="市委宣传部部长", sort_order=3),
        ]

    def issue(
        self,
        *,
        number="2026年第12期",
        title="本周舆情与工作动态",
        articles=(("第一篇", "第一段。\n第二段。"),),
    ):
        issue = services.create_issue(
            acting_user=self.director, number=number, title=title, issue_date=datetime.date(2026, 3, 2)
        )
        for article_title, body in articles:
            services.save_article(issue, acting_user=self.director, title=article_title, body=body)
        return issue

    def approved(self, **kwargs):
        issue = self.issue(**kwargs)
        return services.approve_issue(issue, acting_user=self.chief)


@pytest.fixture(autouse=True)
def english():
    # Messages are matched by their English msgids, whatever language is active; the pages
    # (requests) still come in the site's language.
    with translation.override("en"):
        yield


@pytest.fixture
def world(newsroom):
    return NeicanWorld(newsroom)


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    # A media directory of these tests' own: the "nothing under MEDIA_ROOT" checks must not see
    # files other apps' tests left in the session's shared one.
    settings.MEDIA_ROOT = str(tmp_path / "media")
