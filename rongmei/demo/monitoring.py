"""The demo's 舆情 side: a client with a watchlist, ten sources and two days of their items, run
through the real analysis, alert, case and report services so every monitoring page is alive.

Idempotent like the rest of the demo: it does nothing once the demo client exists.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import monitoring_content as content


def _item(source, title, body, hours_ago, now, url):
    from rongmei.core.weburls import normalize_url
    from rongmei.monitoring.analysis.engine import normalize
    from rongmei.monitoring.models import MonitoredItem

    moment = now - timedelta(hours=hours_ago)
    return MonitoredItem.objects.create(
        source=source,
        url=url,
        normalized_url=normalize_url(url),
        title=title,
        published_at=moment,
        fetched_at=moment + timedelta(minutes=7),
        body=body,
        body_simplified=body,
        title_simplified=title,
        content_hash=normalize.content_hash(title + body),
        raw_encoding="utf-8",
        extraction="trafilatura",
    )


def load_monitoring_demo(users: dict, now=None) -> bool:
    """Create the demo client and everything that hangs off it; False if it exists already."""
    from rongmei.monitoring.alerts import services as alerts
    from rongmei.monitoring.analysis import services as analysis
    from rongmei.monitoring.cases import services as cases
    from rongmei.monitoring.models import AlertRule, Client, Source, WatchRule
    from rongmei.monitoring.reports import services as reports
    from rongmei.newsroom.models import Region, StoryPage

    if Client.objects.filter(name=content.CLIENT["name"]).exists():
        return False
    now = now or timezone.now()
    regions = {region.slug: region for region in Region.objects.all()}
    with transaction.atomic():
        client = Client.objects.create(
            name=content.CLIENT["name"],
            region=regions.get(content.CLIENT["region"]),
            report_emails=content.CLIENT["report_emails"],
        )
        for name, expression in content.RULES:
            WatchRule.objects.create(client=client, name=name, expression=expression)
        sources = {}
        for key, name, kind, url, category, region, authorised in content.SOURCES:
            sources[key] = Source.objects.create(
                name=name,
                kind=kind,
                url=url,
                category=category,
                region=regions.get(region) if region else None,
                authorised_to_reprint=authorised,
                # The demo machine has no internet: these addresses are examples, never fetched.
                enabled=False,
            )
        number = 0

        def url_of(source):
            nonlocal number
            number += 1
            return f"{source.url.rstrip('/').rsplit('/', 1)[0]}/a/{number:04d}.html"

        for hours, key, title, prefix, tail in content.WATER_SIGHTINGS:
            source = sources[key]
            _item(
                source,
                title or content.WATER_TITLE,
                prefix + content.WATER_BODY + tail,
                hours,
                now,
                url_of(source),
            )
        for hours, key, title, body, _tail in content.OTHER_ITEMS:
            _item(sources[key], title, body, hours, now, url_of(sources[key]))
        for story_key, hours, key in content.REPRINTS:
            story = StoryPage.objects.filter(slug=story_key).first()
            if story is not None and story.live:
                lead = story.lead + "\n" if story.lead else ""
                text = lead + _plain(story.body)
                # A copy is found after the story went out: at a time of day when the story is only
                # an hour or two old, "hours ago" would put the copy before the original.
                if story.first_published_at is not None:
                    age = (now - story.first_published_at).total_seconds() / 3600
                    if hours >= age:
                        hours = age * hours / 11  # REPRINTS' hours are at most 10: all after, in order
                _item(sources[key], story.title, text, hours, now, url_of(sources[key]))
        analyst, chief = users.get("analyst"), users.get("chief")
        negative = AlertRule.objects.create(
            client=client,
            name="张店负面舆情",
            kind=AlertRule.Kind.NEGATIVE_MATCH,
            min_negative_probability=0.6,
            emails="yuqing@zhangdian.example",
        )
        spike = AlertRule.objects.create(client=client, name="张店热度突增", kind=AlertRule.Kind.SPIKE)
        for rule in (negative, spike):
            rule.notify_users.add(*[user for user in (analyst, chief) if user is not None])
    analysis.analyse_new_items(now=now)
    alerts.evaluate_alerts(now=now)
    # The case follows the loudest alert: the one with the most repeats folded into it.
    alert = client.alerts.order_by("-suppressed_count", "created_at").first()
    if alert is not None and analyst is not None:
        case = cases.open_case_from_alert(alert, owner=analyst, acting_user=analyst, now=now)
        cases.move_case(
            case,
            "verifying",
            note="已联系区住建局和供水公司核实停水原因和恢复时间。",
            acting_user=analyst,
            now=now + timedelta(minutes=20),
        )
    reports.generate_report(client, "daily", now - timedelta(days=1), acting_user=analyst, now=now)
    return True


def _plain(html: str) -> str:
    from rongmei.proofing.story_text import RichTextMap

    return RichTextMap.from_html(html).text
