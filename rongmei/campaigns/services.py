"""The acts on a campaign: create and change it, give it its public topic page (专题), attach the
planning topics (选题) it covers. Each checks who may (``permissions.py``) and is logged in
Wagtail's audit log (``rongmei.campaigns.*``)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Site

from . import permissions
from .models import GOAL_FIELDS, Campaign

EDITABLE_FIELDS = (
    "name",
    "partner_name",
    "partner_region",
    "starts_on",
    "ends_on",
    "description",
    *(field for _format, field in GOAL_FIELDS),
    "wants_topic_page",
    "state",
)


class CampaignError(Exception):
    """Input a campaign act cannot take; ``message`` says why, in the reader's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def require_view(user):
    if not permissions.can_view(user):
        raise PermissionDenied(_("Campaigns (大型活动) are only for newsroom staff."))


def require_manage(user):
    if not permissions.can_manage(user):
        raise PermissionDenied(
            _("Only department directors, chief editors and administrators create and change campaigns.")
        )


def _clean(fields: dict, campaign: Campaign | None = None) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not campaign fields: {sorted(unknown)}")
    for name in ("name", "partner_name"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()
    if "name" in fields and not fields["name"]:
        raise CampaignError(_("A campaign needs a name."))
    if "partner_name" in fields and not fields["partner_name"]:
        raise CampaignError(_("Name the partner the campaign is run for (e.g. a district government)."))
    starts = fields.get("starts_on", campaign.starts_on if campaign else None)
    ends = fields.get("ends_on", campaign.ends_on if campaign else None)
    if not isinstance(starts, datetime.date) or not isinstance(ends, datetime.date):
        raise CampaignError(_("A campaign needs a first and a last day."))
    if ends < starts:
        raise CampaignError(_("A campaign cannot end before it starts."))
    for _format, name in GOAL_FIELDS:
        if name in fields:
            value = fields[name] or 0
            if not isinstance(value, int) or value < 0:
                raise CampaignError(_("A goal is a number of zero or more."))
            fields[name] = value
    if "state" in fields and fields["state"] not in Campaign.State.values:
        raise CampaignError(_("Unknown campaign state."))
    return fields


def _logged_values(campaign, names) -> dict:
    values = {}
    for name in names:
        value = getattr(campaign, f"{name}_id" if name == "partner_region" else name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


@transaction.atomic
def create_campaign(*, acting_user, **fields) -> Campaign:
    require_manage(acting_user)
    fields = _clean(fields)
    campaign = Campaign(created_by=acting_user, **fields)
    campaign.save()
    log(campaign, "rongmei.campaigns.create", user=acting_user, data=_logged_values(campaign, fields))
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, acting_user, **fields) -> Campaign:
    require_manage(acting_user)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    fields = _clean(fields, campaign)
    changed = [name for name, value in fields.items() if getattr(campaign, name) != value]
    if not changed:
        return campaign
    before = _logged_values(campaign, changed)
    for name in changed:
        setattr(campaign, name, fields[name])
    campaign.save(update_fields=[*changed, "updated_at"])
    log(
        campaign,
        "rongmei.campaigns.edit",
        user=acting_user,
        data={"before": before, "after": _logged_values(campaign, changed)},
    )
    return campaign


def topic_index(site=None):
    """The site's list of topic pages (专题), where a campaign's topic page goes; None without one."""
    from rongmei.newsroom.models import TopicIndexPage

    site = site or Site.objects.select_related("root_page").filter(is_default_site=True).first()
    if site is None:
        return None
    return TopicIndexPage.objects.child_of(site.root_page).first()


def proposed_slug(campaign: Campaign) -> str:
    """An ASCII address for the campaign's topic page (a Chinese name has no ASCII slug of its own)."""
    return f"huodong-{campaign.starts_on:%Y%m}-{campaign.pk}"


@transaction.atomic
def create_topic_page(campaign: Campaign, *, acting_user, slug: str = "", title: str = ""):
    """The campaign's public topic page (专题) under the site's topic index, in one act.

    A topic page is not a story: the go-live gate (三审) is for stories only
    (``review.signal_handlers``), so the page is published as Wagtail publishes any page, by
    someone with the right to publish there (终审总编, 管理员). For anyone else the page is saved
    as a draft for them to publish. Returns ``(page, published)``.
    """
    from rongmei.newsroom.models import TopicPage

    require_manage(acting_user)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.topic_page_id is not None:
        raise CampaignError(_("This campaign already has a topic page."))
    index = topic_index()
    if index is None:
        raise CampaignError(
            _("The site has no list of topic pages (专题) yet: add one under the home page first.")
        )
    slug = (slug or "").strip().lower() or proposed_slug(campaign)
    try:
        validate_slug(slug)
    except ValidationError:
        raise CampaignError(
            _("The address may contain only Latin letters, digits, hyphens and underscores: %(slug)s")
            % {"slug": slug}
        )
    if TopicPage.objects.child_of(index).filter(slug=slug).exists():
        raise CampaignError(_("Another topic page already has the address %(slug)s.") % {"slug": slug})
    page = TopicPage(
        title=(title or "").strip() or campaign.name,
        slug=slug,
        summary=campaign.description,
        region=campaign.partner_region,
        owner=acting_user,
        live=False,
    )
    index.add_child(instance=page)
    revision = page.save_revision(user=acting_user, log_action=True)
    published = page.permissions_for_user(acting_user).can_publish()
    if published:
        revision.publish(user=acting_user)
        page.refresh_from_db()
    campaign.topic_page = page
    campaign.save(update_fields=["topic_page", "updated_at"])
    log(
        campaign,
        "rongmei.campaigns.topic_page",
        user=acting_user,
        data={"topic_page": page.pk, "slug": slug, "published": published},
    )
    return page, published


@transaction.atomic
def link_topic_page(campaign: Campaign, page, *, acting_user) -> Campaign:
    """Give the campaign a topic page (专题) that exists already (e.g. a series the site runs)."""
    from rongmei.newsroom.models import TopicPage

    require_manage(acting_user)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not isinstance(page, TopicPage):
        raise CampaignError(_("Only a topic page (专题) can be a campaign's topic page."))
    if campaign.topic_page_id == page.pk:
        return campaign
    before = campaign.topic_page_id
    campaign.topic_page = page
    campaign.save(update_fields=["topic_page", "updated_at"])
    log(
        campaign,
        "rongmei.campaigns.topic_page",
        user=acting_user,
        data={"topic_page": page.pk, "before": before, "linked": True},
    )
    return campaign


def _topics(topics) -> list:
    from rongmei.planning.models import Topic

    ids = {topic.pk if isinstance(topic, Topic) else int(topic) for topic in topics}
    found = list(Topic.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise CampaignError(_("One of the topics no longer exists."))
    return found


@transaction.atomic
def attach_topics(campaign: Campaign, topics, *, acting_user) -> Campaign:
    """Add planning topics (选题) to the campaign: their assignments count towards its progress."""
    require_manage(acting_user)
    found = _topics(topics)
    already = set(campaign.topics.values_list("pk", flat=True))
    new = [topic for topic in found if topic.pk not in already]
    if new:
        campaign.topics.add(*new)
        log(
            campaign,
            "rongmei.campaigns.attach_topics",
            user=acting_user,
            data={"topics": [topic.pk for topic in new], "titles": [topic.title for topic in new]},
        )
    return campaign


@transaction.atomic
def detach_topic(campaign: Campaign, topic, *, acting_user) -> Campaign:
    require_manage(acting_user)
    (topic,) = _topics([topic])
    if campaign.topics.filter(pk=topic.pk).exists():
        campaign.topics.remove(topic)
        log(
            campaign,
            "rongmei.campaigns.detach_topic",
            user=acting_user,
            data={"topic": topic.pk, "title": topic.title},
        )
    return campaign
