"""The demo's partner centers (四级融合): a provincial center that pulls with a token and a county
center that takes pushes, pointed at the local partner contract server.

``load_demo()`` is idempotent (partners by name; the demo token and secret are fixed and set only
when missing). For the county center's pushes to arrive, the demo runner starts the contract
server (``start_partner_server()``, on ``DEMO_PUSH_PORT``) and allows loopback for outbound
requests (``RONGMEI_OUTBOUND_ALLOWED_NETWORKS`` containing ``127.0.0.1/32``, e.g. the environment
``OUTBOUND_ALLOWED_NETWORKS=127.0.0.1/32``); without them the pushes fail with the reason on the
分发 board, which is a fair demo too.

The demo token and secret are published here on purpose: they exist only in the demo.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings

from . import crypto, services
from .models import Partner, PartnerToken
from .roles import grant_partner_permissions

DEMO_PUSH_PORT = 8790
DEMO_PUSH_URL = f"http://127.0.0.1:{DEMO_PUSH_PORT}/rongmei/push"
DEMO_PULL_TOKEN = "rmp_demo-shandong-provincial-center-2026"
DEMO_PUSH_SECRET = "demo-huantai-county-center-signing-secret-2026"

PROVINCIAL = "山东省融媒体中心"
COUNTY = "桓台县融媒体中心"


def _acting_user():
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(username="chief").first() or users.filter(is_superuser=True).order_by("pk").first()


@transaction.atomic
def load_demo(push_url: str = DEMO_PUSH_URL) -> dict:
    """Create the two demo partners if missing; returns what the runner prints or needs."""
    from rongmei.newsroom.models import Region

    grant_partner_permissions()
    user = _acting_user()
    if user is None:
        raise RuntimeError("load the demo newsroom (its users) before the partners")

    provincial = Partner.objects.filter(name=PROVINCIAL).first()
    if provincial is None:
        provincial = services.save_partner(
            Partner(
                name=PROVINCIAL,
                level=Partner.Level.PROVINCIAL,
                contact="新闻协作部 0531-00000000",
                pull_allowed=True,
                rights_note="可全文转载，须注明“来源：淄博融媒”，不得改变原意。",
            ),
            acting_user=user,
        )
    if not PartnerToken.objects.filter(digest=crypto.token_digest(DEMO_PULL_TOKEN)).exists():
        services._issue_token(provincial, DEMO_PULL_TOKEN, label="演示：省中心稿件库", acting_user=user)

    county = Partner.objects.filter(name=COUNTY).first()
    if county is None:
        # The contract server listens on this machine: allowed for saving here; the runner allows
        # it for sending (see the module docstring).
        with override_settings(RONGMEI_OUTBOUND_ALLOWED_NETWORKS=["127.0.0.1/32"]):
            county = services.save_partner(
                Partner(
                    name=COUNTY,
                    level=Partner.Level.COUNTY,
                    contact="总编室 0533-00000000",
                    pull_allowed=False,
                    push_url=push_url,
                    rights_note="县级融媒体中心客户端转发，须保留署名和来源。",
                ),
                acting_user=user,
                regions=list(Region.objects.filter(slug__in=["huantai"])),
            )
    if not county.has_signing_secret:
        services.set_signing_secret(county, acting_user=user, secret=DEMO_PUSH_SECRET)
    return {
        "provincial": provincial,
        "county": county,
        "pull_token": DEMO_PULL_TOKEN,
        "push_url": county.push_url,
    }


def start_partner_server(port: int = DEMO_PUSH_PORT):
    """The county center's receiving end (the contract server), started; ``.stop()`` ends it."""
    from rongmei.distribution.contract.partner import PartnerContractServer

    server = PartnerContractServer(secret=DEMO_PUSH_SECRET)
    server.start(port=port)
    return server
