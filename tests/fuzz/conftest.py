"""The fuzzed app's data: published stories in sections, regions and a topic (one corrected, one
retracted), and partner centers with real tokens (one that may pull, one switched off, one push
only, one revoked), so generated requests reach the real code behind authentication."""

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from rongmei.partners import services
from rongmei.partners.models import Partner, PartnerToken
from rongmei.partners.roles import grant_partner_permissions
from rongmei.website.tests.factories import PublicSite
from rongmei.wire.models import WireSource

PUSH_SECRET = "fuzz-push-secret-0123456789abcdef"


class FuzzWorld:
    def __init__(self, newsroom):
        grant_partner_permissions()
        self.site = site = PublicSite(newsroom, clocked=True)
        chief = newsroom.chief
        self.stories = [
            site.story(title="张店区举办读书节", regions=[site.district], topics=[site.topic]),
            site.story(title="淄博烧烤再上新", regions=[site.city], tags=["美食"]),
            site.story(title="济南地铁开通", regions=[site.other_city], section=newsroom.other_section),
            site.story(title="山东发布天气预警", regions=[site.province], credits=[("文", "王记者")]),
        ]
        site.correct(self.stories[1])
        site.retract(self.stories[2])
        partner = services.save_partner(
            Partner(name="省融媒体中心", level=Partner.Level.PROVINCIAL), acting_user=chief
        )
        narrow = services.save_partner(
            Partner(name="张店区融媒体中心", level=Partner.Level.COUNTY),
            acting_user=chief,
            regions=[site.district],
        )
        off = services.save_partner(
            Partner(name="停用中心", level=Partner.Level.MUNICIPAL, active=False), acting_user=chief
        )
        push_only = services.save_partner(
            Partner(name="只推送中心", level=Partner.Level.CENTRAL, pull_allowed=False), acting_user=chief
        )
        token = lambda p: services.create_token(p, acting_user=chief)[1]  # noqa: E731
        self.token, self.narrow_token = token(partner), token(narrow)
        self.off_token, self.push_only_token = token(off), token(push_only)
        self.revoked_token = token(partner)
        services.revoke_token(PartnerToken.objects.order_by("-pk").first(), acting_user=chief)
        self.push_secret = PUSH_SECRET
        self.push_source = WireSource(name="合作台", kind=WireSource.Kind.PUSH)
        self.push_source.set_secret(PUSH_SECRET)
        self.push_source.save()


@pytest.fixture
def world(newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PARTNERS_FEED_SETTLE_SECONDS = 0
    return FuzzWorld(newsroom)


@pytest.fixture
def wsgi_app(world):
    """The production WSGI handler, keeping the test's database connection open between requests
    (as Django's test client does: the test's transaction holds the data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
