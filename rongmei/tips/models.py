"""新闻线索: a tip (from the public form or the hotline), its attachments, its history, its reward.

Who may read what is in ``permissions.py``; every change goes through ``services.py``, which writes a
``TipEvent`` row and Wagtail's audit log. The tipster's contact fields are read only through
``services.reveal_contact`` (which logs the read, ``ContactRead``) and the reward payment list.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from rongmei.core.storage import private_storage

MB = 1024 * 1024


@register_setting(icon="help")
class TipsSettings(BaseGenericSetting):
    """The center's public promises (hotline, reward) and the tips desk's rules, set in the admin
    (Settings → 新闻线索设置)."""

    hotline = models.CharField(
        _("news tips hotline (新闻热线)"),
        max_length=40,
        blank=True,
        help_text=_("Shown with the public tips form; empty means the site's default number."),
    )
    promise = models.CharField(
        _("reward promise"),
        max_length=200,
        default="线索奖最低50元，上不封顶",
        help_text=_("Shown on the tips form, e.g. 线索奖最低50元，上不封顶."),
    )
    reward_minimum = models.DecimalField(
        _("minimum reward (yuan)"), max_digits=8, decimal_places=2, default=Decimal("50")
    )
    reward_text = models.DecimalField(
        _("reward for a text tip (yuan)"), max_digits=8, decimal_places=2, default=Decimal("50")
    )
    reward_photo = models.DecimalField(
        _("reward for a photo tip (yuan)"), max_digits=8, decimal_places=2, default=Decimal("80")
    )
    reward_video = models.DecimalField(
        _("reward for a video tip (yuan)"), max_digits=8, decimal_places=2, default=Decimal("100")
    )
    reward_lead_text = models.DecimalField(
        _("reward for a text tip that led to a headline story (yuan)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("200"),
    )
    reward_lead_photo = models.DecimalField(
        _("reward for a photo tip that led to a headline story (yuan)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("300"),
    )
    reward_lead_video = models.DecimalField(
        _("reward for a video tip that led to a headline story (yuan)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("500"),
    )
    anonymise_after_days = models.PositiveIntegerField(
        _("anonymise tips after (days)"),
        default=180,
        help_text=_("The tipster's name and phone are erased from tips older than this."),
    )
    max_image_mb = models.PositiveIntegerField(_("largest photo (MB)"), default=20)
    max_video_mb = models.PositiveIntegerField(_("largest video (MB)"), default=200)
    max_files = models.PositiveSmallIntegerField(_("most attachments per tip"), default=6)
    rate_limit_count = models.PositiveIntegerField(_("tips accepted from one address per window"), default=5)
    rate_limit_minutes = models.PositiveIntegerField(_("rate limit window (minutes)"), default=10)

    class Meta:
        verbose_name = _("news tips settings")

    def hotline_number(self) -> str:
        return self.hotline or getattr(settings, "RONGMEI_TIPS_HOTLINE", "")


class Tip(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("website form")
        HOTLINE = "hotline", _("hotline")

    class Kind(models.TextChoices):
        TEXT = "text", _("text tip")
        PHOTO = "photo", _("photo tip")
        VIDEO = "video", _("video tip")

    class State(models.TextChoices):
        NEW = "new", _("new")
        FOLLOW_UP = "follow_up", _("follow up")
        DUPLICATE = "duplicate", _("duplicate")
        NOT_NEWS = "not_news", _("not news")
        USED = "used", _("led to a story")

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    kind = models.CharField(_("tip type"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.NEW)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    text = models.TextField(_("what happened"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    event_time = models.CharField(_("when it happened"), max_length=100, blank=True)
    # The tipster's contact: read only through services.reveal_contact (logged) and the payment list.
    contact_name = models.CharField(_("name"), max_length=60, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent_to_contact = models.BooleanField(_("agrees to be contacted"), default=False)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken on the hotline by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.SET_NULL
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tips",
    )
    story = models.ForeignKey(
        "newsroom.StoryPage",
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.ForeignKey(
        "planning.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("news tip")
        verbose_name_plural = _("news tips")
        permissions = [
            ("desk_tip", _("Work the tips desk")),
            ("view_contact_tip", _("See tipsters' contact details")),
        ]

    def __str__(self):
        return self.reference

    @staticmethod
    def new_reference(now=None) -> str:
        """XS + date + four random digits: short enough to read out on the phone."""
        day = timezone.localtime(now or timezone.now()).strftime("%Y%m%d")
        return f"XS{day}{secrets.randbelow(10000):04d}"

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_phone)


def attachment_path(instance, filename):
    day = timezone.localdate()
    return (
        f"tips/{day:%Y/%m}/{secrets.token_hex(8)}{filename[filename.rfind('.') :] if '.' in filename else ''}"
    )


class TipAttachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("photo")
        VIDEO = "video", _("video")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    container = models.CharField(_("format"), max_length=20)
    gps_removed = models.BooleanField(_("location data removed"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")


class TipEvent(models.Model):
    """The tip's history: one row per act, with the state before and after."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("received")
        TRIAGED = "triaged", _("triaged")
        ASSIGNED = "assigned", _("assigned")
        STORY = "story", _("linked to a story")
        TOPIC = "topic", _("turned into a topic")
        NOTE = "note", _("note")
        REWARD_DUE = "reward_due", _("reward due")
        REWARD_SET = "reward_set", _("reward set")
        REWARD_PAID = "reward_paid", _("reward paid")
        ANONYMISED = "anonymised", _("anonymised")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("act"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    state_before = models.CharField(max_length=12, blank=True)
    state_after = models.CharField(max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]


class ContactRead(models.Model):
    """Who read which tipster's contact details, when, and where (the tip page or the payment list)."""

    class Where(models.TextChoices):
        TIP = "tip", _("tip page")
        PAYMENT_LIST = "payment_list", _("reward payment list")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="contact_reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    where = models.CharField(max_length=20, choices=Where.choices, default=Where.TIP)

    class Meta:
        ordering = ["-at", "-pk"]


class Reward(models.Model):
    """线索奖: due once the tip's story is published; set by rule (possibly raised, with a reason); paid.

    The payee's name and phone are copied here at payment: they are the payment's record and stay
    when the tip itself is anonymised.
    """

    class State(models.TextChoices):
        DUE = "due", _("reward due")
        SET = "set", _("reward set")
        PAID = "paid", _("paid")

    class Method(models.TextChoices):
        CASH = "cash", _("cash")
        BANK = "bank", _("bank transfer")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="reward")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DUE)
    due_since = models.DateTimeField(_("due since"), default=timezone.now)
    lead_story = models.BooleanField(_("led to a headline story (头条)"), default=False)
    rule_amount = models.DecimalField(_("amount by rule"), max_digits=8, decimal_places=2, null=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=8, decimal_places=2, null=True)
    raise_reason = models.CharField(_("reason for a higher amount"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    method = models.CharField(_("paid by way of"), max_length=10, choices=Method.choices, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payment_note = models.CharField(_("payment note"), max_length=200, blank=True)
    payee_name = models.CharField(_("payee"), max_length=60, blank=True)
    payee_phone = models.CharField(_("payee's phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["-due_since"]


class SubmissionCount(models.Model):
    """One row per tip accepted from the public form: a keyed hash of the sender's address (never
    the address) and the time, so every web process counts the same rate limit."""

    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address_hash", "at"])]
