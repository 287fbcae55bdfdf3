"""The demo's incoming wire (稿源/入库稿): a partner's ninjs feed and a partner that pushes, with a
few items that came in through the real parsing and storing code, one of them adopted as a draft.

Idempotent: does nothing once the demo's feed source exists. The demo machine has no internet, so
the feed is switched off (its address is an example, never fetched) and the push partner's secret
is random and shown to nobody.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

FEED_NAME = "新华社"
PUSH_NAME = "省广播电视台"

ITEMS = [
    # (source, hours ago, ninjs item)
    (
        FEED_NAME,
        30,
        {
            "uri": "urn:demo:xinhua:item:20261125-001",
            "version": "1",
            "headlines": [{"role": "main", "value": "全省冬小麦播种面积稳中有增"}],
            "descriptions": [
                {
                    "role": "lead",
                    "contenttype": "text/plain",
                    "value": "记者从省农业农村厅获悉，今年全省冬小麦播种已基本结束。",
                }
            ],
            "by": "张华",
            "bodies": [
                {
                    "role": "main",
                    "contenttype": "text/html",
                    "value": "<p>今年全省冬小麦播种面积稳中有增，一类苗比例高于去年同期。</p>"
                    "<p>农技人员分片包干，深入田间地头指导冬前管理。</p>",
                }
            ],
            "renditions": [{"name": "web", "href": "https://www.example.com/xinhua/20261125-001.html"}],
            "copyrightholder": "新华社",
            "usageterms": "仅限签约用户使用，转载须注明“新华社”",
        },
    ),
    (
        FEED_NAME,
        20,
        {
            "uri": "urn:demo:xinhua:item:20261125-002",
            "version": "2",
            "headlines": [{"role": "main", "value": "冬季供暖全面启动 热线二十四小时值守"}],
            "by": "李明",
            "bodies": [
                {
                    "role": "main",
                    "contenttype": "text/html",
                    "value": "<p>全省集中供暖已全面启动，各地供热企业开通二十四小时服务热线。</p>",
                }
            ],
            "copyrightholder": "新华社",
            "usageterms": "仅限签约用户使用，转载须注明“新华社”",
        },
    ),
    (
        FEED_NAME,
        6,
        {
            "uri": "urn:demo:xinhua:item:20261126-003",
            "version": "1",
            "headlines": [{"role": "main", "value": "高铁新站建设进入收尾阶段"}],
            "by": "王芳",
            "bodies": [
                {
                    "role": "main",
                    "contenttype": "text/plain",
                    "value": "新站站房主体已完工。\n预计明年上半年开通运营。",
                }
            ],
        },
    ),
    (
        PUSH_NAME,
        4,
        {
            "uri": "urn:demo:province-tv:item:88101",
            "version": "1",
            "headlines": [{"role": "main", "value": "省图书馆延长周末开放时间"}],
            "bodies": [
                {
                    "role": "main",
                    "contenttype": "text/html",
                    "value": "<p>自下周起，省图书馆周末开放至晚上九点。</p>",
                }
            ],
        },
    ),
    (
        PUSH_NAME,
        2,
        {
            "uri": "urn:demo:province-tv:item:88102",
            "version": "1",
            "headlines": [{"role": "main", "value": "全省中小学冬季运动会开幕"}],
            "by": "赵强",
            "bodies": [
                {
                    "role": "main",
                    "contenttype": "text/html",
                    "value": "<p>来自各市的二千余名学生参加比赛。</p>",
                }
            ],
            "usageterms": "合作台稿件，使用时请注明“省广播电视台”",
        },
    ),
]

ADOPTED_URI = "urn:demo:xinhua:item:20261125-001"


def load_demo(users: dict, now=None) -> bool:
    """Create the demo sources and items; False if they exist already."""
    from rongmei.newsroom.models import SectionPage

    from . import incoming, services
    from .models import WireItem, WireSource

    if WireSource.objects.filter(name=FEED_NAME).exists():
        return False
    now = now or timezone.now()
    with transaction.atomic():
        feed = WireSource.objects.create(
            name=FEED_NAME,
            kind=WireSource.Kind.NINJS,
            url="https://api.example.com/xinhua/ninjs/latest.json",
            active=False,  # no internet on the demo machine
            rights_note="仅限签约用户使用，转载须注明“新华社”",
        )
        push = WireSource(name=PUSH_NAME, kind=WireSource.Kind.PUSH, rights_note="转载须注明来源")
        push.set_secret(secrets.token_urlsafe(32))
        push.save()
        sources = {FEED_NAME: feed, PUSH_NAME: push}
        for source_name, hours_ago, raw in ITEMS:
            item, errors = incoming.parse_ninjs_item(raw)
            assert not errors, errors
            moment = now - timedelta(hours=hours_ago)
            item.published_at = item.published_at or moment
            services.store_incoming(
                sources[source_name], services.with_rights_default(sources[source_name], item), now=moment
            )
        WireSource.objects.filter(pk=feed.pk).update(
            last_fetched_at=now - timedelta(hours=6), last_success_at=now - timedelta(hours=6), last_run_new=1
        )
        WireSource.objects.filter(pk=push.pk).update(
            last_push_at=now - timedelta(hours=2), last_success_at=now - timedelta(hours=2), last_run_new=1
        )

    editor = users.get("editor")
    section = SectionPage.objects.order_by("path").first()
    if editor is not None and section is not None:
        item = WireItem.objects.get(source=feed, guid=ADOPTED_URI)
        services.adopt(item, acting_user=editor, section=section)
    return True
