"""Fixtures of the partner tests: partners with tokens and secrets, stories published in sections
and regions, the partner contract server, and the IPTC ninjs 2.1 schema every item is checked
against."""

import pytest

# The IPTC schema validator: the content API's fixtures, not a copy of them.
from rongmei.api.tests.factories import ninjs_validator, valid  # noqa: F401 (fixtures)
from rongmei.core.tests.factories import allow_loopback  # noqa: F401 (a fixture)
from rongmei.distribution.contract.partner import PartnerContractServer
from rongmei.partners import services
from rongmei.partners.models import Partner
from rongmei.partners.roles import grant_partner_permissions
from rongmei.website.tests.factories import PublicSite


@pytest.fixture
def no_settle(settings):
    settings.PARTNERS_FEED_SETTLE_SECONDS = 0


class PartnerSite(PublicSite):
    """The public site (publications on a known clock, the feed's order) with partner helpers."""

    def __init__(self, newsroom):
        grant_partner_permissions()
        super().__init__(newsroom, clocked=True)

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
