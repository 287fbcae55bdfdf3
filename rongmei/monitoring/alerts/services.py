"""Alerts (舆情预警): the enabled rules of active clients looked at what the analysis produced since
their last evaluation, de-duplicated and rate-limited, and delivered on each rule's channels.

**What triggers.** Each rule remembers the highest `ItemAnalysis` id it has looked at
(`evaluated_upto`). The analysis writes one batch at a time under a lock, with its rule matches
and event updates in the same transaction, so every analysis with a higher id is new to the rule
and comes with its matches and its event's spike state.

- NEGATIVE_MATCH: a new analysis, negative with at least the rule's probability, whose item
  matched one of the client's watch rules.
- SPIKE: a new analysis whose event is spiking (`spiking_since` set) and has items matching the
  client's rules (any spiking event when the client has no rules).
- TOP_SOURCE_KEYWORD: a new analysis of an item from a central or provincial source whose title
  or body contains one of the rule's keywords.

**One event, one message.** A trigger's key is rule + event (rule + group of copies when the item
belongs to no event). A trigger within the rule's quiet period of an alert with the same key only
adds one to that alert's `suppressed_count`; past `max_alerts_per_hour` alerts of the rule in the
last hour, triggers fold into the rule's latest alert the same way.

**Delivery.** A new alert gets one `AlertDelivery` per channel: in the admin (a `Notification` per
user, done at once), e-mail (one message to every listed address) and the WeCom, DingTalk and
Feishu bots. E-mail and bots go through the core outbox (`rongmei.core.outbox`, targets
``monitoring.<channel>``, registered in `MonitoringConfig.ready()`): a worker sends each after
commit, exactly once; a failure keeps its reason in plain words and is tried again with growing
pauses, at most `MAX_ATTEMPTS` times. `send_alert()` is the outbox sender: it reads the rule's
address and secret at each attempt, so a fixed secret is used by the next retry.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rongmei.core import outbox
from rongmei.core.emails import parse_emails
from rongmei.core.outbox import SendResult

from ..models import (
    Alert,
    AlertDelivery,
    AlertRule,
    Event,
    ItemAnalysis,
    MonitoredItem,
    Notification,
    RuleMatch,
    Source,
    WatchRule,
)
from ..permissions import can_retry_deliveries, can_see_alerts
from .channels import AlertMessage, DeliveryResult, DingTalkChannel, FeishuChannel, WeComChannel

logger = logging.getLogger(__name__)

NEW_RULE_LOOKBACK = timedelta(hours=1)  # a rule's first evaluation looks this far back
MAX_LOOKBACK = timedelta(days=1)  # a rule switched off for a week does not alert on the whole week
HOUR = timedelta(hours=1)
# An alert is news for a few hours: 5 tries (30 s, 1, 2, 4 minutes apart) rather than the outbox's 10.
MAX_ATTEMPTS = 5
TOP_CATEGORIES = (Source.Category.CENTRAL, Source.Category.PROVINCIAL)
BOT_CHANNELS = (AlertDelivery.Channel.WECOM, AlertDelivery.Channel.DINGTALK, AlertDelivery.Channel.FEISHU)


class AlertError(Exception):
    """A refused act on alerts, with the reason in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


_KEYWORD_SPLIT = re.compile(r"[,，、\n\r]+")


def parse_keywords(text: str) -> list[str]:
    """The rule's keywords: comma- (also ，、) or newline-separated, blanks dropped, each once."""
    seen = []
    for word in _KEYWORD_SPLIT.split(text or ""):
        word = word.strip()
        if word and word not in seen:
            seen.append(word)
    return seen


# --- triggers -------------------------------------------------------------------------------------


@dataclass
class Trigger:
    key: str
    analysis: ItemAnalysis
    event: Event | None
    keyword: str = ""

    @property
    def item(self) -> MonitoredItem:
        return self.analysis.item


def dedup_key(rule: AlertRule, analysis: ItemAnalysis) -> str:
    event_id = analysis.group.event_id
    if event_id:
        return f"rule:{rule.pk}:event:{event_id}"
    return f"rule:{rule.pk}:group:{analysis.group_id}"


def _new_analyses(rule: AlertRule, *, upto: int, now):
    qs = ItemAnalysis.objects.filter(pk__lte=upto, analysed_at__gte=now - MAX_LOOKBACK)
    if rule.evaluated_upto is None:
        qs = qs.filter(analysed_at__gte=now - NEW_RULE_LOOKBACK)
    else:
        qs = qs.filter(pk__gt=rule.evaluated_upto)
    return qs.select_related("item", "item__source", "group", "group__event").order_by("pk")


def _negative_match(rule: AlertRule, analyses) -> list[Trigger]:
    matched = RuleMatch.objects.filter(client_id=rule.client_id).values("item_id")
    rows = analyses.filter(
        sentiment=ItemAnalysis.Sentiment.NEGATIVE,
        sentiment_probability__gte=rule.min_negative_probability,
        item_id__in=matched,
    )
    return [Trigger(dedup_key(rule, a), a, a.group.event) for a in rows]


def _spike(rule: AlertRule, analyses) -> list[Trigger]:
    rows = analyses.filter(group__event__spiking_since__isnull=False)
    if WatchRule.objects.filter(client_id=rule.client_id, enabled=True).exists():
        matched_items = RuleMatch.objects.filter(client_id=rule.client_id).values("item_id")
        relevant_events = ItemAnalysis.objects.filter(
            item_id__in=matched_items, group__event__isnull=False
        ).values("group__event_id")
        rows = rows.filter(group__event_id__in=relevant_events)
    return [Trigger(dedup_key(rule, a), a, a.group.event) for a in rows]


def _keyword_in(item: MonitoredItem, keywords: list[str]) -> str:
    texts = [t.casefold() for t in (item.title, item.body, item.title_simplified, item.body_simplified) if t]
    for keyword in keywords:
        if any(keyword.casefold() in text for text in texts):
            return keyword
    return ""


def _top_source_keyword(rule: AlertRule, analyses) -> list[Trigger]:
    keywords = parse_keywords(rule.keywords)
    if not keywords:
        return []
    condition = Q()
    for keyword in keywords:
        for field in ("title", "body", "title_simplified", "body_simplified"):
            condition |= Q(**{f"item__{field}__icontains": keyword})
    rows = analyses.filter(condition, item__source__category__in=TOP_CATEGORIES)
    triggers = []
    for a in rows:
        # The database's icontains folds ASCII only on SQLite; say which keyword it was, in Python.
        keyword = _keyword_in(a.item, keywords)
        if keyword:
            triggers.append(Trigger(dedup_key(rule, a), a, a.group.event, keyword))
    return triggers


FINDERS = {
    AlertRule.Kind.NEGATIVE_MATCH: _negative_match,
    AlertRule.Kind.SPIKE: _spike,
    AlertRule.Kind.TOP_SOURCE_KEYWORD: _top_source_keyword,
}


# --- alert text -------------------------------------------------------------------------------------


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def alert_title(rule: AlertRule, trigger: Trigger) -> str:
    item, event = trigger.item, trigger.event
    params = {
        "client": rule.client.name,
        "item": _clip(item.title or item.url, 120),
        "event": _clip(event.title, 120) if event else "",
        "source": item.source.name,
        "keyword": trigger.keyword,
    }
    if rule.kind == AlertRule.Kind.SPIKE:
        text = _("%(client)s: “%(event)s” is spiking") % params
    elif rule.kind == AlertRule.Kind.TOP_SOURCE_KEYWORD:
        text = _("%(client)s: %(source)s reports “%(keyword)s”: %(item)s") % params
    elif event:
        text = _("%(client)s: negative coverage of “%(event)s”") % params
    else:
        text = _("%(client)s: negative item: %(item)s") % params
    return _clip(text, 500)


def alert_summary(rule: AlertRule, trigger: Trigger) -> str:
    item, event, analysis = trigger.item, trigger.event, trigger.analysis
    lines = [
        _("Rule: %(rule)s") % {"rule": rule.name},
        _("Item: %(title)s (%(source)s, %(category)s)")
        % {
            "title": item.title or item.url,
            "source": item.source.name,
            "category": item.source.get_category_display(),
        },
        item.url,
    ]
    if analysis.sentiment == ItemAnalysis.Sentiment.NEGATIVE:
        lines.append(_("Negative, probability %(p).0f%%") % {"p": analysis.sentiment_probability * 100})
    if event:
        lines.append(
            _("Event: %(title)s, %(items)d items from %(sources)d sources, heat %(heat).0f")
            % {
                "title": event.title,
                "items": event.item_count,
                "sources": event.source_count,
                "heat": event.heat,
            }
        )
    return "\n".join(lines)


def alert_message(alert: Alert) -> AlertMessage:
    lines = [line for line in alert.summary.splitlines() if line.strip()]
    if alert.suppressed_count:
        lines.append(_("%(n)d more like it since, not sent separately.") % {"n": alert.suppressed_count})
    url = (
        settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("monitoring_alerts:index") + f"?alert={alert.pk}"
    )
    return AlertMessage(title=_("[Alert] %(title)s") % {"title": alert.title}, lines=tuple(lines), url=url)


# --- evaluation -------------------------------------------------------------------------------------


def _fold(alert_id: int) -> None:
    Alert.objects.filter(pk=alert_id).update(suppressed_count=F("suppressed_count") + 1)


def _handle(rule: AlertRule, trigger: Trigger, now) -> Alert | None:
    """One trigger: a new alert, or one more suppressed repeat of an earlier one."""
    cooldown_start = now - timedelta(minutes=rule.cooldown_minutes)
    recent_same = (
        Alert.objects.filter(rule=rule, dedup_key=trigger.key, created_at__gt=cooldown_start)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if recent_same is not None:
        _fold(recent_same)
        return None
    if Alert.objects.filter(rule=rule, created_at__gt=now - HOUR).count() >= rule.max_alerts_per_hour:
        latest = (
            Alert.objects.filter(rule=rule)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if latest is not None:
            _fold(latest)
        return None
    alert = Alert.objects.create(
        rule=rule,
        client=rule.client,
        event=trigger.event,
        item=trigger.item,
        dedup_key=trigger.key,
        title=alert_title(rule, trigger),
        summary=alert_summary(rule, trigger),
        created_at=now,
    )
    _create_deliveries(alert, rule, now)
    return alert


def _mask_webhook(url: str) -> str:
    """Where a bot message goes, without the key or token in the address (the list shows it)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}/…" if parts.netloc else ""


OUTBOX_CHANNELS = (
    AlertDelivery.Channel.EMAIL,
    AlertDelivery.Channel.WECOM,
    AlertDelivery.Channel.DINGTALK,
    AlertDelivery.Channel.FEISHU,
)


def outbox_target(channel: str) -> str:
    return f"monitoring.{channel}"


def _create_deliveries(alert: Alert, rule: AlertRule, now) -> None:
    deliveries = []
    for user in rule.notify_users.filter(is_active=True):
        Notification.objects.create(user=user, alert=alert, created_at=now)
        deliveries.append(
            AlertDelivery(alert=alert, channel=AlertDelivery.Channel.IN_APP, recipient=user.get_username())
        )
    addresses, _invalid = parse_emails(rule.emails)
    outside = []
    if addresses:
        outside.append((AlertDelivery.Channel.EMAIL, ", ".join(addresses)[:500]))
    for channel, url in (
        (AlertDelivery.Channel.WECOM, rule.wecom_webhook),
        (AlertDelivery.Channel.DINGTALK, rule.dingtalk_webhook),
        (AlertDelivery.Channel.FEISHU, rule.feishu_webhook),
    ):
        if url:
            outside.append((channel, _mask_webhook(url)))
    for channel, recipient in outside:
        # The payload names the alert, not the text or the address: each attempt reads them fresh.
        message = outbox.enqueue(
            outbox_target(channel),
            {"alert": alert.pk, "channel": str(channel)},
            idempotency_key=f"monitoring.alert:{alert.pk}:{channel}",
            about=alert,
            now=now,
        )
        deliveries.append(
            AlertDelivery(alert=alert, channel=channel, recipient=recipient, outbox_message=message)
        )
    AlertDelivery.objects.bulk_create(deliveries)


def evaluate_rule(rule_id: int, *, upto: int, now) -> list[int]:
    """Evaluate one rule against the analyses up to id ``upto``; return the new alerts' ids."""
    with transaction.atomic():
        # The row lock keeps two overlapping runs from evaluating one rule twice.
        rule = (
            AlertRule.objects.select_for_update()
            .select_related("client")
            .filter(pk=rule_id, enabled=True, client__active=True)
            .first()
        )
        if rule is None or (rule.evaluated_upto is not None and rule.evaluated_upto >= upto):
            return []
        created = []
        with translation.override(settings.LANGUAGE_CODE):
            for trigger in FINDERS[rule.kind](rule, _new_analyses(rule, upto=upto, now=now)):
                alert = _handle(rule, trigger, now)
                if alert is not None:
                    created.append(alert.pk)
        rule.evaluated_upto = upto
        rule.save(update_fields=["evaluated_upto"])
    return created


def evaluate_alerts(*, now=None) -> list[int]:
    """Evaluate every enabled rule of every active client; return the ids of the new alerts."""
    now = now or timezone.now()
    upto = ItemAnalysis.objects.aggregate(top=Max("pk"))["top"] or 0
    created = []
    rules = (
        AlertRule.objects.filter(enabled=True, client__active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for rule_id in rules:
        try:
            created += evaluate_rule(rule_id, upto=upto, now=now)
        except Exception:
            # One broken rule must not keep the others' alerts from going out.
            logger.exception("alert rule %s could not be evaluated", rule_id)
    return created


# --- delivery ---------------------------------------------------------------------------------------


def channel_for(rule: AlertRule, channel: str, **options):
    if channel == AlertDelivery.Channel.WECOM:
        return WeComChannel(rule.wecom_webhook, **options)
    if channel == AlertDelivery.Channel.DINGTALK:
        return DingTalkChannel(rule.dingtalk_webhook, rule.dingtalk_secret, **options)
    if channel == AlertDelivery.Channel.FEISHU:
        return FeishuChannel(rule.feishu_webhook, rule.feishu_secret, **options)
    return None


def _send_email(alert: Alert, message: AlertMessage) -> DeliveryResult:
    addresses, _invalid = parse_emails(alert.rule.emails)
    if not addresses:
        return DeliveryResult.failure(_("The rule lists no valid e-mail address any more."))
    try:
        send_mail(message.title, message.as_text(), None, addresses)
    except Exception as exc:  # SMTP, DNS, connection: all reported the same way
        return DeliveryResult.failure(_("The mail server refused the message (%(error)s).") % {"error": exc})
    return DeliveryResult.success()


def send_alert(message, **channel_options) -> SendResult:
    """The outbox sender of the ``monitoring.<channel>`` targets: one alert on one channel."""
    channel = message.payload.get("channel", "")
    with translation.override(settings.LANGUAGE_CODE):
        alert = Alert.objects.select_related("rule", "client").filter(pk=message.payload.get("alert")).first()
        if alert is None:
            return SendResult.failure(_("The alert was deleted; nothing to send."), retryable=False)
        text = alert_message(alert)
        if channel == AlertDelivery.Channel.EMAIL:
            result = _send_email(alert, text)
        else:
            adapter = channel_for(alert.rule, channel, **channel_options)
            if adapter is None:
                return SendResult.failure(
                    _("Unknown channel %(channel)s.") % {"channel": channel}, retryable=False
                )
            result = adapter.send(text)
    return SendResult.success() if result.ok else SendResult.failure(result.error)


def register_senders() -> None:
    """Called from `MonitoringConfig.ready()`: the alert channels' outbox senders."""
    for channel in OUTBOX_CHANNELS:
        outbox.register_sender(
            outbox_target(channel),
            send_alert,
            max_attempts=MAX_ATTEMPTS,
            can_view=can_see_alerts,
            can_retry=can_retry_deliveries,
        )


def retry_now(delivery: AlertDelivery, *, acting_user) -> AlertDelivery:
    """Staff fixed a bot's address or secret: try a failed delivery again now, with fresh attempts."""
    if delivery.outbox_message_id is None:
        raise AlertError(_("This message has been sent already."))
    if not can_retry_deliveries(acting_user):
        raise PermissionDenied(_("You may not send alert messages again."))
    try:
        outbox.retry_now(delivery.outbox_message, acting_user=acting_user)
    except outbox.OutboxError as error:
        raise AlertError(error.message) from error
    return delivery


# --- in-app notifications -----------------------------------------------------------------------------


def unread_notifications(user):
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return (
        Notification.objects.filter(user=user, read_at__isnull=True)
        .select_related("alert", "alert__client")
        .order_by("-created_at")
    )


def mark_read(user, notification_ids=None, *, now=None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Please sign in first."))
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=now or timezone.now())
