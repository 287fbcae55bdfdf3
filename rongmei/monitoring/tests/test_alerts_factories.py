"""Rows the alert and case tests need, made directly (the analysis is tested on its own)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from rongmei.monitoring.models import (
    AlertRule,
    Client,
    Event,
    ItemAnalysis,
    ItemGroup,
    MonitoredItem,
    RuleMatch,
    Source,
    WatchRule,
)

_seq = itertools.count(1)


def make_source(category=Source.Category.LOCAL, name=None):
    n = next(_seq)
    return Source.objects.create(
        name=name or f"来源{n}", url=f"https://src{n}.example.cn/rss", category=category
    )


def make_event(title="某区化工厂异味事件", *, spiking=True, now=None):
    now = now or timezone.now()
    return Event.objects.create(
        title=title,
        first_seen_at=now - timedelta(hours=2),
        last_seen_at=now,
        item_count=50,
        source_count=12,
        heat=80,
        spiking_since=now - timedelta(minutes=30) if spiking else None,
    )


def make_item(source=None, *, title="化工厂排放异味 居民投诉", body="多名居民反映夜间有刺鼻气味。", now=None):
    n = next(_seq)
    return MonitoredItem.objects.create(
        source=source or make_source(),
        url=f"https://news{n}.example.cn/a/{n}.html",
        normalized_url=f"news{n}.example.cn/a/{n}.html",
        title=title,
        body=body,
        title_simplified=title,
        body_simplified=body,
        fetched_at=now or timezone.now(),
    )


def analyse(item, *, event=None, group=None, sentiment="negative", probability=0.9, now=None):
    now = now or timezone.now()
    if group is None:
        group = ItemGroup.objects.create(first_item=item, first_seen_at=now, event=event)
    return ItemAnalysis.objects.create(
        item=item,
        group=group,
        signature=b"",
        sentiment=sentiment,
        sentiment_probability=probability,
        analysed_at=now,
    )


def match(item, watch_rule, now=None):
    return RuleMatch.objects.create(
        item=item,
        rule=watch_rule,
        client=watch_rule.client,
        spans=[[0, 3, item.title[:3]]],
        matched_at=now or timezone.now(),
    )


def make_client(name="张店区政府", *, with_rule=True):
    client = Client.objects.create(name=name)
    watch = WatchRule.objects.create(client=client, name="化工", expression="化工厂") if with_rule else None
    return client, watch


def make_alert_rule(client, kind=AlertRule.Kind.NEGATIVE_MATCH, **fields):
    fields.setdefault("name", "负面预警")
    return AlertRule.objects.create(client=client, kind=kind, **fields)


def negative_items(n, *, event, watch=None, now=None, source=None, sentiment="negative", probability=0.9):
    """n analysed items of one event, each matching ``watch`` when given."""
    made = []
    for _ in range(n):
        item = make_item(source, now=now)
        analyse(item, event=event, sentiment=sentiment, probability=probability, now=now)
        if watch is not None:
            match(item, watch, now=now)
        made.append(item)
    return made


def make_delivery(
    alert, channel="email", recipient="x", *, status="pending", attempts=0, error="", next_attempt_at=None
):
    """An alert's delivery with its outbox message in the given state (as if tried ``attempts`` times)."""
    from rongmei.core.models import OutboxMessage
    from rongmei.monitoring.models import AlertDelivery

    message = OutboxMessage.objects.create(
        target=f"monitoring.{channel}",
        payload={"alert": alert.pk, "channel": channel},
        idempotency_key=f"monitoring.alert:{alert.pk}:{channel}",
        status=status,
        attempts=attempts,
        last_error=error,
        next_attempt_at=next_attempt_at,
        object_id=alert.pk,
    )
    return AlertDelivery.objects.create(
        alert=alert, channel=channel, recipient=recipient, outbox_message=message
    )
