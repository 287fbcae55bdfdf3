"""The tips desk's acts: receive a tip (web form or hotline), triage, assign, link a story, turn it
into a topic, rewards (due → set → paid), contact reads, anonymisation.

Every act checks who may (``permissions.py``) and writes, in one transaction, a ``TipEvent`` row
and Wagtail's audit log (``rongmei.tips.*`` actions). Audit data never carries the contact details.
"""

import errno
import hashlib
import hmac
import html
import io
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from . import permissions
from .models import MB, ContactRead, Reward, SubmissionCount, Tip, TipAttachment, TipEvent, TipsSettings

logger = logging.getLogger(__name__)


class TipError(Exception):
    """A refusal in plain words (``message``), shown to the person as it is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class StorageFull(TipError):
    """The disk is full: nothing of the tip was kept (HTTP 507, not the rate limit's 429)."""

    status = 507


def tips_settings() -> TipsSettings:
    """The settings as saved, or their defaults (read without creating the row: a GET only reads)."""
    return TipsSettings.objects.first() or TipsSettings()


def _require_desk(user):
    if not permissions.is_desk(user):
        raise PermissionDenied(_("Only the tips desk (线索编辑) may do this."))


def _record(tip, action, actor, *, before="", after="", note="", data=None):
    TipEvent.objects.create(
        tip=tip, action=action, actor=actor, state_before=before, state_after=after or tip.state, note=note
    )
    log(instance=tip, action=f"rongmei.tips.{action}", user=actor, data=data or {})


# --- text and addresses -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str) -> str:
    """What a person typed, as plain text: tags dropped (a script with its content), entities read,
    control characters gone. Templates escape it again wherever it is shown."""
    stripped = nh3.clean(value or "", tags=set(), attributes={}, url_schemes=set(), link_rel=None)
    return _CONTROL.sub("", html.unescape(stripped)).strip()


def address_hash(request) -> str:
    """A keyed hash of the sender's address (the address itself is never stored)."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "AXES_IPWARE_PROXY_COUNT", None):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            address = forwarded[max(len(forwarded) - settings.AXES_IPWARE_PROXY_COUNT, 0)]
    key = f"rongmei.tips:{settings.SECRET_KEY}".encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


NO_ROOM = gettext_lazy(
    "The server has no room left to keep your files, so your tip was not saved. Please try again "
    "later, or call the news tips hotline %(hotline)s."
)
RATE_LIMITED = gettext_lazy(
    "Too many tips have come from your network in the last %(minutes)s minutes (at most %(count)s). "
    "Your tip was not sent: please try again later, or call the news tips hotline %(hotline)s."
)


# --- attachments --------------------------------------------------------------------------------------


@dataclass
class PreparedFile:
    """An upload checked by content, ready to store: a photo already without its GPS position."""

    kind: str
    container: str
    name: str
    size: int
    content: object  # bytes (a photo as re-written) or a file object (a video as uploaded)
    gps_removed: bool = False


def _size_text(size) -> str:
    return f"{size / MB:.1f} MB" if size < 10 * MB else f"{size / MB:.0f} MB"


def sniff(head: bytes) -> tuple[str, str]:
    """("image" | "video", the format) from a file's first bytes, or ("", "")."""
    from rongmei.media.sniffing import picture_kind
    from rongmei.video import sniffing as video_sniffing

    picture = picture_kind(head)
    if picture:
        return TipAttachment.Kind.IMAGE, picture.upper()
    kind, container = video_sniffing.media_kind(head[: video_sniffing.HEAD_BYTES])
    if kind == video_sniffing.VIDEO:
        return TipAttachment.Kind.VIDEO, container
    return "", ""


def limit_for(kind, config=None) -> int:
    config = config or tips_settings()
    return (config.max_video_mb if kind == TipAttachment.Kind.VIDEO else config.max_image_mb) * MB


def too_large_message(name, kind, limit) -> str:
    if kind == TipAttachment.Kind.VIDEO:
        return _(
            "“%(name)s” is too large: a video may be at most %(limit)s. Send a shorter clip, or call the hotline."
        ) % {
            "name": name,
            "limit": _size_text(limit),
        }
    return _("“%(name)s” is too large: a photo may be at most %(limit)s.") % {
        "name": name,
        "limit": _size_text(limit),
    }


def without_gps(data: bytes, container: str) -> tuple[bytes, bool]:
    """The picture with its EXIF GPS block (and any XMP packet, which may repeat it) removed.

    A JPEG is re-written with its own quantisation tables (``quality="keep"``), so it looks the same.
    Returns (bytes, whether anything was removed).
    """
    from PIL import Image

    from rongmei.media.exif import GPS_IFD
    from rongmei.media.forms import refusing_truncated_pictures

    with refusing_truncated_pictures(), Image.open(io.BytesIO(data)) as picture:
        exif = picture.getexif()
        has_gps = GPS_IFD in exif
        has_xmp = bool(picture.info.get("xmp") or picture.info.get("XML:com.adobe.xmp"))
        if not (has_gps or has_xmp):
            return data, False
        if GPS_IFD in exif:
            del exif[GPS_IFD]
        out = io.BytesIO()
        options = {"exif": exif.tobytes()}
        if picture.info.get("icc_profile"):
            options["icc_profile"] = picture.info["icc_profile"]
        if picture.format == "JPEG":
            options["quality"] = "keep"
            picture.save(out, "JPEG", **options)
        elif picture.format == "PNG":
            picture.save(out, "PNG", **options)
        else:
            picture.save(out, picture.format)
        return out.getvalue(), True


def prepare_upload(upload, config=None) -> PreparedFile:
    """Check one uploaded file by its content and size; a photo comes back without GPS. TipError."""
    from django.core.exceptions import ValidationError

    from rongmei.media.forms import check_decodes

    config = config or tips_settings()
    name = (getattr(upload, "name", "") or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200]
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    kind, container = sniff(head)
    if not kind:
        raise TipError(
            _(
                "“%(name)s” is not a photo or a video we take (JPEG, PNG, GIF, MP4, MOV, MKV, WebM, AVI), whatever its name says."
            )
            % {"name": name}
        )
    limit = limit_for(kind, config)
    if upload.size > limit:
        raise TipError(too_large_message(name, kind, limit))
    if kind == TipAttachment.Kind.VIDEO:
        return PreparedFile(kind, container, name, upload.size, upload)
    try:
        check_decodes(upload)
    except ValidationError as error:
        raise TipError(f"“{name}”: {error.messages[0]}") from None
    data, removed = without_gps(upload.read(), container)
    upload.seek(0)
    return PreparedFile(kind, container, name, len(data), data, gps_removed=removed)


def _store_attachment(tip, prepared: PreparedFile):
    attachment = TipAttachment(
        tip=tip,
        kind=prepared.kind,
        original_name=prepared.name,
        size=prepared.size,
        container=prepared.container,
        gps_removed=prepared.gps_removed,
    )
    if isinstance(prepared.content, bytes):
        content = ContentFile(prepared.content, name=prepared.name)
    else:
        prepared.content.seek(0)
        content = File(prepared.content, name=prepared.name)
    attachment.file.save(prepared.name, content, save=False)
    attachment.save()
    return attachment


def _kind_of(files) -> str:
    kinds = {prepared.kind for prepared in files}
    if TipAttachment.Kind.VIDEO in kinds:
        return Tip.Kind.VIDEO
    if TipAttachment.Kind.IMAGE in kinds:
        return Tip.Kind.PHOTO
    return Tip.Kind.TEXT


# --- receiving ---------------------------------------------------------------------------------------


def _claim_rate(address: str, config) -> None:
    """Count this tip against its address; refuse past the limit. Inside the receiving transaction:
    the row is written first and then counted, so two processes at once can never both slip past."""
    from django.db import connection

    if connection.vendor == "postgresql":
        # One address's tips are counted one at a time (SQLite's writers are serialised anyway).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"rongmei.tips:{address}"])
    now = timezone.now()
    SubmissionCount.objects.create(address_hash=address, at=now)
    since = now - timedelta(minutes=config.rate_limit_minutes)
    if SubmissionCount.objects.filter(address_hash=address, at__gt=since).count() > config.rate_limit_count:
        raise TipError(
            RATE_LIMITED
            % {
                "minutes": config.rate_limit_minutes,
                "count": config.rate_limit_count,
                "hotline": config.hotline_number(),
            }
        )


def receive_tip(
    *,
    text,
    location="",
    event_time="",
    contact_name="",
    contact_phone="",
    consent_to_contact=False,
    files=(),
    source=Tip.Source.WEB,
    address=None,
    acting_user=None,
) -> Tip:
    """Keep a new tip. From the web (``address``: the sender's hash, rate-limited) or taken on the
    hotline by the tips desk (``acting_user``). ``files``: ``PreparedFile``s (``prepare_upload``)."""
    config = tips_settings()
    if source == Tip.Source.HOTLINE:
        _require_desk(acting_user)
    text = plain_text(text)
    if not text:
        raise TipError(_("Say what happened: the tip has no text."))
    if len(files) > config.max_files:
        raise TipError(_("At most %(count)s files may come with one tip.") % {"count": config.max_files})
    with transaction.atomic():
        if source == Tip.Source.WEB and address is not None:
            _claim_rate(address, config)
        tip = Tip(
            source=source,
            kind=_kind_of(files),
            text=text,
            location=plain_text(location)[:200],
            event_time=plain_text(event_time)[:100],
            contact_name=plain_text(contact_name)[:60],
            contact_phone=plain_text(contact_phone)[:40],
            consent_to_contact=bool(consent_to_contact),
            taken_by=acting_user if source == Tip.Source.HOTLINE else None,
        )
        for _attempt in range(20):
            tip.reference = Tip.new_reference()
            if not Tip.objects.filter(reference=tip.reference).exists():
                break
        tip.save()
        stored = []
        try:
            for prepared in files:
                stored.append(_store_attachment(tip, prepared))
        except OSError as error:
            # The rows roll back, so the files already written go too. A full disk is told to the
            # person, who keeps the text (docs/decisions/0042-fault-tolerance.md).
            for attachment in stored:
                attachment.file.delete(save=False)
            if error.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            logger.exception("tip attachments could not be stored: the disk is full")
            raise StorageFull(NO_ROOM % {"hotline": config.hotline_number()}) from None
        _record(tip, TipEvent.Action.RECEIVED, acting_user, data={"source": source})
    return tip


# --- the desk's acts ------------------------------------------------------------------------------------

TRIAGE_STATES = (Tip.State.FOLLOW_UP, Tip.State.DUPLICATE, Tip.State.NOT_NEWS, Tip.State.NEW)


def triage(tip, *, acting_user, state, duplicate_of="", note="") -> Tip:
    _require_desk(acting_user)
    if state not in TRIAGE_STATES:
        raise TipError(_("Choose what the tip is: follow up, duplicate or not news."))
    original = None
    if state == Tip.State.DUPLICATE:
        original = (
            Tip.objects.filter(reference=(duplicate_of or "").strip().upper()).exclude(pk=tip.pk).first()
        )
        if original is None:
            raise TipError(
                _("A duplicate needs the reference number of the tip it repeats (e.g. XS202612050042).")
            )
    with transaction.atomic():
        before = tip.state
        tip.state = state
        tip.duplicate_of = original
        tip.save(update_fields=["state", "duplicate_of"])
        if original is not None:
            note = (note + "\n" if note else "") + _("Duplicate of %(reference)s") % {
                "reference": original.reference
            }
        _record(
            tip,
            TipEvent.Action.TRIAGED,
            acting_user,
            before=before,
            note=plain_text(note),
            data={"state": state},
        )
    return tip


def assignable_people():
    from django.contrib.auth import get_user_model

    from rongmei.organisation import roles

    names = [roles.REPORTER.group_name, roles.EDITOR.group_name, roles.DIRECTOR.group_name]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=names)
        .distinct()
        .order_by("first_name", "username")
    )


def assign(tip, *, acting_user, person, note="") -> Tip:
    _require_desk(acting_user)
    if person is None or not assignable_people().filter(pk=person.pk).exists():
        raise TipError(_("Choose a reporter or editor of the newsroom."))
    from rongmei.organisation.names import display_name

    with transaction.atomic():
        before = tip.state
        tip.assigned_to = person
        if tip.state == Tip.State.NEW:
            tip.state = Tip.State.FOLLOW_UP
        tip.save(update_fields=["assigned_to", "state"])
        text = _("Assigned to %(name)s") % {"name": display_name(person)}
        if note:
            text += "\n" + plain_text(note)
        _record(
            tip,
            TipEvent.Action.ASSIGNED,
            acting_user,
            before=before,
            note=text,
            data={"assigned_to": person.pk},
        )
    return tip


def add_note(tip, *, acting_user, note) -> Tip:
    if not permissions.may_read_tip(acting_user, tip):
        raise PermissionDenied(_("Only the tips desk and the person assigned may add notes to this tip."))
    note = plain_text(note)
    if not note:
        raise TipError(_("The note is empty."))
    with transaction.atomic():
        _record(tip, TipEvent.Action.NOTE, acting_user, before=tip.state, note=note)
    return tip


def link_story(tip, *, acting_user, story) -> Tip:
    """The story the tip led to; a story already on the site makes the reward due at once."""
    _require_desk(acting_user)
    if story is None:
        raise TipError(_("Choose the story the tip led to."))
    with transaction.atomic():
        before = tip.state
        tip.story = story
        tip.state = Tip.State.USED
        tip.save(update_fields=["story", "state"])
        _record(
            tip,
            TipEvent.Action.STORY,
            acting_user,
            before=before,
            note=_("Story: %(title)s") % {"title": story.title},
            data={"story": story.pk},
        )
        if story.live:
            _make_due(tip, lead_story=bool(getattr(story, "is_headline", False)))
    return tip


def turn_into_topic(tip, *, acting_user):
    """Propose a topic (报题) from the tip through the planning app, in one click: the tip's text,
    place and time and its reference as the source; never the tipster's contact."""
    _require_desk(acting_user)
    from django.core.exceptions import ValidationError

    from rongmei.planning import services as planning

    if tip.topic_id:
        raise TipError(_("This tip is a topic already."))
    first_line = next((line.strip() for line in tip.text.splitlines() if line.strip()), tip.reference)
    title = first_line if len(first_line) <= 60 else first_line[:59] + "…"
    angle = tip.text
    if tip.location:
        angle += "\n" + _("Where: %(place)s") % {"place": tip.location}
    if tip.event_time:
        angle += "\n" + _("When: %(time)s") % {"time": tip.event_time}
    sources = _("News tip %(reference)s (contact through the tips desk)") % {"reference": tip.reference}
    try:
        with transaction.atomic():
            topic = planning.propose_topic(acting_user, title=title, angle=angle, sources=sources)
            before = tip.state
            tip.topic = topic
            if tip.state == Tip.State.NEW:
                tip.state = Tip.State.FOLLOW_UP
            tip.save(update_fields=["topic", "state"])
            _record(
                tip,
                TipEvent.Action.TOPIC,
                acting_user,
                before=before,
                note=_("Topic: %(title)s") % {"title": topic.title},
                data={"topic": topic.pk},
            )
    except ValidationError as error:
        raise TipError(error.messages[0]) from None
    return topic


def reveal_contact(tip, *, acting_user, where=ContactRead.Where.TIP) -> dict:
    """The tipster's name, phone and consent, for the tips desk only; the read is logged."""
    if not permissions.may_see_contact(acting_user):
        raise PermissionDenied(_("Only the tips desk may see a tipster's contact details."))
    ContactRead.objects.create(tip=tip, user=acting_user, where=where)
    log(instance=tip, action="rongmei.tips.contact_read", user=acting_user, data={"where": where})
    return {"name": tip.contact_name, "phone": tip.contact_phone, "consent": tip.consent_to_contact}


# --- rewards -----------------------------------------------------------------------------------------


def _make_due(tip, *, lead_story=False, actor=None):
    if Reward.objects.filter(tip=tip).exists():
        return None
    reward = Reward.objects.create(
        tip=tip, lead_story=lead_story, rule_amount=rule_amount(tip.kind, lead_story)
    )
    _record(tip, TipEvent.Action.REWARD_DUE, actor, before=tip.state)
    return reward


def on_story_event(event) -> None:
    """A story went live: each tip linked to it shows "reward due" (in the publishing transaction).
    A tip whose topic (转为选题) has an assignment this story was filed for is linked to it first:
    the tip → topic → assignment → story chain needs nobody to find the story for the desk."""
    from rongmei.newsroom.models import StoryPage

    story = StoryPage.objects.filter(pk=event.story_id).only("pk", "title", "is_headline").first()
    if story is None:
        return
    followed = Tip.objects.filter(story__isnull=True, topic__assignments__story_id=story.pk).distinct()
    for tip in followed:
        before = tip.state
        tip.story_id = story.pk
        tip.state = Tip.State.USED
        tip.save(update_fields=["story", "state"])
        _record(
            tip,
            TipEvent.Action.STORY,
            None,
            before=before,
            note=_("Story: %(title)s") % {"title": story.title},
            data={"story": story.pk, "through": "topic"},
        )
    for tip in Tip.objects.filter(story_id=story.pk, reward__isnull=True):
        _make_due(tip, lead_story=story.is_headline)


def rule_amount(kind, lead_story, config=None) -> Decimal:
    """The reward the rule gives: by tip type, more for a headline story; never under the minimum."""
    config = config or tips_settings()
    amounts = {
        (Tip.Kind.TEXT, False): config.reward_text,
        (Tip.Kind.PHOTO, False): config.reward_photo,
        (Tip.Kind.VIDEO, False): config.reward_video,
        (Tip.Kind.TEXT, True): config.reward_lead_text,
        (Tip.Kind.PHOTO, True): config.reward_lead_photo,
        (Tip.Kind.VIDEO, True): config.reward_lead_video,
    }
    return max(Decimal(amounts[(kind, bool(lead_story))]), Decimal(config.reward_minimum))


def set_reward(tip, *, acting_user, lead_story, amount=None, reason="") -> Reward:
    """Set the reward by rule; the desk may give more than the rule (with a reason), never less."""
    _require_desk(acting_user)
    reward = Reward.objects.filter(tip=tip).first()
    if reward is None:
        raise TipError(_("No reward is due: the tip's story has not been published."))
    if reward.state == Reward.State.PAID:
        raise TipError(_("This reward has been paid already."))
    by_rule = rule_amount(tip.kind, lead_story)
    amount = by_rule if amount in (None, "") else Decimal(amount)
    reason = plain_text(reason)
    if amount < by_rule:
        raise TipError(
            _("The rule gives %(amount)s yuan for this tip; a reward may be raised, not lowered.")
            % {"amount": by_rule}
        )
    if amount > by_rule and not reason:
        raise TipError(
            _("Say why the reward is higher than the rule's %(amount)s yuan.") % {"amount": by_rule}
        )
    with transaction.atomic():
        reward.lead_story = bool(lead_story)
        reward.rule_amount = by_rule
        reward.amount = amount
        reward.raise_reason = reason if amount > by_rule else ""
        reward.set_by = acting_user
        reward.set_at = timezone.now()
        reward.state = Reward.State.SET
        reward.save()
        note = _("%(amount)s yuan") % {"amount": amount}
        if reward.raise_reason:
            note += _(" (rule: %(rule)s yuan; %(reason)s)") % {"rule": by_rule, "reason": reward.raise_reason}
        _record(
            tip,
            TipEvent.Action.REWARD_SET,
            acting_user,
            before=tip.state,
            note=note,
            data={"amount": str(amount)},
        )
    return reward


def record_payment(tip, *, acting_user, method, paid_at=None, note="") -> Reward:
    _require_desk(acting_user)
    reward = Reward.objects.filter(tip=tip).first()
    if reward is None or reward.state == Reward.State.DUE:
        raise TipError(_("Set the reward before recording its payment."))
    if reward.state == Reward.State.PAID:
        raise TipError(_("This reward has been paid already."))
    if method not in Reward.Method.values:
        raise TipError(_("Say how the reward was paid."))
    with transaction.atomic():
        reward.state = Reward.State.PAID
        reward.method = method
        reward.paid_at = paid_at or timezone.now()
        reward.paid_by = acting_user
        reward.payment_note = plain_text(note)[:200]
        reward.payee_name = tip.contact_name
        reward.payee_phone = tip.contact_phone
        reward.save()
        _record(
            tip,
            TipEvent.Action.REWARD_PAID,
            acting_user,
            before=tip.state,
            note=_("%(amount)s yuan, %(method)s")
            % {"amount": reward.amount, "method": reward.get_method_display()},
        )
    return reward


def rewards_of_month(year: int, month: int):
    """The rewards set or paid in the month (the month's payment list), oldest first."""
    start = timezone.make_aware(timezone.datetime(year, month, 1))
    end = timezone.make_aware(timezone.datetime(year + (month == 12), month % 12 + 1, 1))
    from django.db.models import Q

    return (
        Reward.objects.filter(Q(set_at__gte=start, set_at__lt=end) | Q(paid_at__gte=start, paid_at__lt=end))
        .exclude(state=Reward.State.DUE)
        .select_related("tip", "tip__story", "set_by", "paid_by")
        .order_by("set_at", "pk")
    )


def reward_workbook(year: int, month: int, *, acting_user) -> bytes:
    """The month's payment list as an Excel file: the only export with the tipsters' names and phones,
    so each row's contact read is logged."""
    if not permissions.may_see_contact(acting_user):
        raise PermissionDenied(_("Only the tips desk may export the reward payment list."))
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from rongmei.organisation.names import display_name

    rewards = list(rewards_of_month(year, month))
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}-{month:02d}"
    headers = [
        _("reference number"),
        _("received at"),
        _("tip type"),
        _("story"),
        _("headline story"),
        _("amount by rule"),
        _("amount (yuan)"),
        _("reason for a higher amount"),
        _("payee"),
        _("phone"),
        _("state"),
        _("paid at"),
        _("paid by way of"),
        _("paid by"),
    ]
    sheet.append([str(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    total = Decimal("0")
    with transaction.atomic():
        for reward in rewards:
            tip = reward.tip
            paid = reward.state == Reward.State.PAID
            name = reward.payee_name if paid else tip.contact_name
            phone = reward.payee_phone if paid else tip.contact_phone
            ContactRead.objects.create(tip=tip, user=acting_user, where=ContactRead.Where.PAYMENT_LIST)
            total += reward.amount or 0
            sheet.append(
                [
                    tip.reference,
                    timezone.localtime(tip.received_at).strftime("%Y-%m-%d %H:%M"),
                    str(tip.get_kind_display()),
                    tip.story.title if tip.story else "",
                    str(_("yes") if reward.lead_story else _("no")),
                    float(reward.rule_amount or 0),
                    float(reward.amount or 0),
                    reward.raise_reason,
                    name,
                    phone,
                    str(reward.get_state_display()),
                    timezone.localtime(reward.paid_at).strftime("%Y-%m-%d %H:%M") if reward.paid_at else "",
                    str(reward.get_method_display()) if reward.method else "",
                    display_name(reward.paid_by) if reward.paid_by else "",
                ]
            )
        sheet.append([str(_("total")), "", "", "", "", "", float(total)])
        log(
            instance=TipsSettings.objects.first() or TipsSettings.load(),
            action="rongmei.tips.payment_list",
            user=acting_user,
            data={"month": f"{year}-{month:02d}", "rows": len(rewards)},
        )
    for column, width in zip(
        "ABCDEFGHIJKLMN", (18, 17, 10, 30, 8, 10, 10, 24, 12, 15, 8, 17, 10, 10), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- anonymisation ------------------------------------------------------------------------------------

PHONE_IN_TEXT = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"
)


def anonymise_old_tips(now=None) -> int:
    """Tips older than the settings' days lose the tipster's name and phone (and phone numbers typed
    into the text); attachments of tips that led to no story are deleted. A tip whose reward is due
    or set but not yet paid waits until it is paid. Paid rewards keep the payee's name (the payment
    record). Also forgets the rate limit's counts older than a day."""
    config = tips_settings()
    now = now or timezone.now()
    SubmissionCount.objects.filter(at__lt=now - timedelta(days=1)).delete()
    cutoff = now - timedelta(days=config.anonymise_after_days)
    tips = (
        Tip.objects.filter(received_at__lt=cutoff, anonymised_at__isnull=True)
        .exclude(reward__state__in=[Reward.State.DUE, Reward.State.SET])
        .prefetch_related("attachments")
    )
    done = 0
    for tip in tips:
        with transaction.atomic():
            tip.contact_name = ""
            tip.contact_phone = ""
            tip.text = PHONE_IN_TEXT.sub(_("[number removed]"), tip.text)
            tip.anonymised_at = now
            tip.save(update_fields=["contact_name", "contact_phone", "text", "anonymised_at"])
            removed = 0
            if tip.story_id is None:
                for attachment in tip.attachments.all():
                    name, storage = attachment.file.name, attachment.file.storage
                    attachment.delete()
                    transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
                    removed += 1
            _record(
                tip,
                TipEvent.Action.ANONYMISED,
                None,
                before=tip.state,
                note=_("Contact details erased; %(count)s attachments deleted.") % {"count": removed},
            )
        done += 1
    return done
