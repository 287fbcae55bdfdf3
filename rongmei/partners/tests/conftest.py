"""Fixtures of the partner tests: partners with tokens and secrets, stories published in sections
and regions, the partner contract server, and the IPTC ninjs 2.1 schema every item is checked
against."""

from datetime import UTC, datetime, timedelta

import pytest

from rongmei.distribution.contract.partner import PartnerContractServer
from rongmei.newsroom.models import CorrectionNote, Region, StoryPage
from rongmei.partners import services
from rongmei.partners.models import Partner
from rongmei.partners.roles import grant_partner_permissions
from rongmei.testing import publish_outside_review


@pytest.fixture
def allow_loopback(settings):
    """The contract server listens on 127.0.0.1, which outbound requests refuse: allow it the way a
    center allows an intranet partner (the refusal itself is tested without this)."""
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def no_settle(settings):
    settings.PARTNERS_FEED_SETTLE_SECONDS = 0


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


# The IPTC schema validator: the content API's fixtures, not a copy of them.
from rongmei.api.tests.conftest import ninjs_validator, valid  # noqa: E402, F401


class PartnerSite:
    """The test newsroom with regions, stories published outside review and partner helpers."""

    def __init__(self, newsroom):
        grant_partner_permissions()
        self.newsroom = newsroom
        self.province = Region.objects.create(name="山东省", slug="shandong", level=Region.Level.PROVINCE)
        self.city = Region.objects.create(
            name="淄博市", slug="zibo", level=Region.Level.CITY, parent=self.province
        )
        self.district = Region.objects.create(
            name="张店区", slug="zhangdian", level=Region.Level.DISTRICT, parent=self.city
        )
        self.other_city = Region.objects.create(
            name="济南市", slug="jinan", level=Region.Level.CITY, parent=self.province
        )
        self._clock = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def story(self, *, title, regions=(), section=None, publish=True, **fields):
        story = self.newsroom.add_story(title=title, section=section, **fields)
        if regions:
            story.regions = list(regions)
        revision = story.save_revision(user=self.newsroom.reporter)
        if publish:
            publish_outside_review(revision, user=self.newsroom.chief)
            self.tick(story, first=True)
        story.refresh_from_db()
        return story

    def tick(self, story, *, first=False):
        """Give the story's last change a distinct, increasing time (the feed's order)."""
        self._clock += timedelta(minutes=1)
        fields = {"last_published_at": self._clock}
        if first:
            fields["first_published_at"] = self._clock
        StoryPage.objects.filter(pk=story.pk).update(**fields)

    def correct(self, story, text="更正：人数应为三人。"):
        story = StoryPage.objects.get(pk=story.pk)
        story.corrections.add(CorrectionNote(noted_at=self._clock, text=text))
        publish_outside_review(story.save_revision(user=self.newsroom.editor), user=self.newsroom.chief)
        self.tick(story)
        story.refresh_from_db()
        return story

    def retract(self, story):
        story = StoryPage.objects.get(pk=story.pk)
        story.is_retracted = True
        story.retraction_reason = "事实有误"
        publish_outside_review(story.save_revision(user=self.newsroom.editor), user=self.newsroom.chief)
        self.tick(story)
        story.refresh_from_db()
        return story

    def partner(
        self, name="省融媒体中心", *, level=Partner.Level.PROVINCIAL, sections=(), regions=(), **fields
    ):
        partner = Partner(name=name, level=level, **fields)
        return services.save_partner(
            partner, acting_user=self.newsroom.chief, sections=list(sections), regions=list(regions)
        )

    def token(self, partner):
        return services.create_token(partner, acting_user=self.newsroom.chief)[1]


@pytest.fixture
def site(newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return PartnerSite(newsroom)


@pytest.fixture
def contract():
    with PartnerContractServer(secret="partner-shared-secret-0123456789abcdef") as server:
        yield server
