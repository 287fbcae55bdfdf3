"""The rules of partner centers (四级融合, outgoing): who manages them, their tokens and signing
secrets, which of our stories each one gets, and its push channel.

A partner either **pulls** (``/partners/api/v1/``, ``Authorization: Bearer <token>``, see api.py)
or is **pushed to**: a ``distribution.Channel`` of kind ``partner_push`` per partner with a push
address (``sync_channel``), so each publication, correction and retraction reaches it through the
distribution pipeline and the outbox like any channel (adapters/partner_push.py). Both see the
same stories: live, public, in the partner's sections and regions (``stories_for`` / ``accepts``).
"""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import crypto
from .models import Partner, PartnerToken

logger = logging.getLogger(__name__)

PUSH_KIND = "partner_push"
PERMISSION = "partners.manage_partner"
# "Last used" and "last pull" are written at most this often per token / partner, not on every call.
USE_RECORD_INTERVAL = timedelta(minutes=1)


class PartnerError(Exception):
    """A refused act, in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def can_manage(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(PERMISSION)))


def _check(user):
    if not can_manage(user):
        raise PermissionDenied(_("You may not manage partner centers."))


# --- partners -----------------------------------------------------------------------------------


@transaction.atomic
def save_partner(partner: Partner, *, acting_user, sections=None, regions=None) -> Partner:
    """Create or change a partner (fields already set on ``partner``); its push channel follows."""
    _check(acting_user)
    partner.full_clean()  # the push address is checked against the outbound rule (Partner.clean)
    created = partner.pk is None
    partner.save()
    if sections is not None:
        partner.sections.set(sections)
    if regions is not None:
        partner.regions.set(regions)
    sync_channel(partner)
    logger.info("partner %s %s by %s", partner.pk, "created" if created else "changed", acting_user)
    return partner


def sync_channel(partner: Partner):
    """The partner's push channel: created when it has a push address, enabled while it is active
    and has one, switched off otherwise (kept, with its delivery history). Returns it or None."""
    from rongmei.distribution.models import Channel
    from rongmei.distribution.services import register_channel_sender

    wanted = bool(partner.active and partner.push_url)
    channel = Channel.objects.filter(code=partner.channel_code).first()
    if channel is None and not wanted:
        return None
    if channel is None:
        channel = Channel(code=partner.channel_code, sort_order=100)
    selection = getattr(Channel, "Selection", None)
    if selection is not None:
        # Every act goes to the channel; the partner's sections and regions choose its stories
        # (the adapter asks ``accepts``), not the editor story by story.
        channel.selection = selection.ALWAYS
    channel.name = partner.name[:100]
    channel.kind = PUSH_KIND
    channel.enabled = wanted
    channel.config = {"partner": partner.pk}
    channel.save()
    register_channel_sender(channel.code)
    return channel


def channel_for(partner: Partner):
    from rongmei.distribution.models import Channel

    return Channel.objects.filter(code=partner.channel_code).first()


def partner_for_channel(channel) -> Partner | None:
    partner_id = (channel.config or {}).get("partner")
    if type(partner_id) is not int:
        return None
    return Partner.objects.filter(pk=partner_id).first()


def recent_pushes(partner: Partner, limit: int = 10):
    """The partner's latest deliveries (story, act, state, reason), newest first."""
    from rongmei.distribution.models import StoryChannelStatus

    return (
        StoryChannelStatus.objects.filter(channel__code=partner.channel_code)
        .select_related("story")
        .order_by("-changed_at", "-pk")[:limit]
    )


# --- tokens -------------------------------------------------------------------------------------


def _issue_token(partner, raw, *, label="", acting_user=None) -> PartnerToken:
    return PartnerToken.objects.create(
        partner=partner,
        label=label,
        shown_part=crypto.token_shown_part(raw),
        digest=crypto.token_digest(raw),
        created_by=acting_user,
    )


def create_token(partner: Partner, *, acting_user, label: str = "") -> tuple[PartnerToken, str]:
    """A new API token; the plain token is returned once and never stored."""
    _check(acting_user)
    raw = crypto.new_token()
    token = _issue_token(partner, raw, label=label.strip()[:100], acting_user=acting_user)
    logger.info("partner %s: token %s created by %s", partner.pk, token.shown_part, acting_user)
    return token, raw


def revoke_token(token: PartnerToken, *, acting_user) -> PartnerToken:
    _check(acting_user)
    if token.revoked_at is not None:
        raise PartnerError(_("This token was revoked already."))
    token.revoked_at = timezone.now()
    token.revoked_by = acting_user
    token.save(update_fields=["revoked_at", "revoked_by"])
    logger.info("partner %s: token %s revoked by %s", token.partner_id, token.shown_part, acting_user)
    return token


class Refused(Exception):
    """Why a request with a token is refused: ``code`` missing, invalid, revoked, inactive, no_pull."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def authenticate(raw: str) -> PartnerToken:
    """The active token ``raw`` names, with its partner; ``Refused`` otherwise."""
    raw = (raw or "").strip()
    if not raw:
        raise Refused("missing")
    if len(raw) > 200 or not raw.isascii():
        raise Refused("invalid")
    token = PartnerToken.objects.select_related("partner").filter(digest=crypto.token_digest(raw)).first()
    if token is None:
        raise Refused("invalid")
    if token.revoked_at is not None:
        raise Refused("revoked")
    if not token.partner.active:
        raise Refused("inactive")
    if not token.partner.pull_allowed:
        raise Refused("no_pull")
    return token


def record_pull(token: PartnerToken, *, now=None) -> None:
    """Note when the token and its partner were last used (bookkeeping, at most once a minute)."""
    now = now or timezone.now()
    before = now - USE_RECORD_INTERVAL
    PartnerToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=before)
    ).update(last_used_at=now)
    Partner.objects.filter(pk=token.partner_id).filter(
        Q(last_pull_at__isnull=True) | Q(last_pull_at__lt=before)
    ).update(last_pull_at=now)


# --- signing secret -----------------------------------------------------------------------------


def set_signing_secret(partner: Partner, *, acting_user, secret: str = "") -> str:
    """Set (or replace) the push signing secret: the one given, else a new random one. Returned
    once for staff to give the partner; stored sealed. Pushes from now on are signed with it."""
    _check(acting_user)
    secret = (secret or "").strip() or crypto.new_signing_secret()
    if len(secret) < crypto.SECRET_MIN_LENGTH:
        raise PartnerError(
            _("A signing secret needs at least %(n)d characters; leave the field empty to have one made.")
            % {"n": crypto.SECRET_MIN_LENGTH}
        )
    if not secret.isascii() or any(c.isspace() for c in secret):
        raise PartnerError(_("A signing secret is letters, digits and punctuation, without spaces."))
    partner.signing_secret_sealed = crypto.seal(secret)
    partner.signing_secret_set_at = timezone.now()
    partner.save(update_fields=["signing_secret_sealed", "signing_secret_set_at", "updated_at"])
    logger.info("partner %s: signing secret set by %s", partner.pk, acting_user)
    return secret


def signing_secret(partner: Partner) -> str:
    """The plain secret, for signing a push; ``PartnerError`` in plain words when there is none."""
    if not partner.signing_secret_sealed:
        raise PartnerError(
            _("No signing secret is set for %(name)s: set one under Partners and give it to them.")
            % {"name": partner.name}
        )
    try:
        return crypto.unseal(partner.signing_secret_sealed)
    except crypto.SecretUnreadable:
        raise PartnerError(
            _(
                "The signing secret of %(name)s cannot be read any more (the server’s SECRET_KEY changed): "
                "set a new one under Partners and give it to them."
            )
            % {"name": partner.name}
        ) from None


# --- which stories ------------------------------------------------------------------------------


def feed_candidates():
    """Stories a partner may see: live, public and not retracted, or retracted after being public."""
    from rongmei.newsroom.models import StoryPage

    return (
        StoryPage.objects.public()
        .filter(Q(live=True, is_retracted=False) | Q(is_retracted=True, first_published_at__isnull=False))
        .filter(last_published_at__isnull=False)
    )


def stories_for(partner: Partner, stories):
    """``stories`` narrowed to the partner's sections (own or cross-listed) and regions (a region
    includes the regions below it); a kind of filter with nothing chosen lets everything through."""
    from rongmei.newsroom.models import StoryPage

    # The website's rules (website.queries.section_stories / region_stories), for several at once.
    sections = list(partner.sections.all())
    if sections:
        in_sections = Q()
        for section in sections:
            in_sections |= Q(path__startswith=section.path, depth=section.depth + 1)
        cross = StoryPage.other_sections.through.objects.filter(sectionpage_id__in=[s.pk for s in sections])
        stories = stories.filter(in_sections | Q(pk__in=cross.values("storypage_id")))
    regions = list(partner.regions.all())
    if regions:
        ids = set()
        for region in regions:
            ids.update(region.descendant_ids())
        tagged = StoryPage.regions.through.objects.filter(region_id__in=ids)
        stories = stories.filter(pk__in=tagged.values("storypage_id"))
    return stories


def accepts(partner: Partner, story) -> bool:
    from rongmei.newsroom.models import StoryPage

    return stories_for(partner, StoryPage.objects.filter(pk=story.pk)).exists()
