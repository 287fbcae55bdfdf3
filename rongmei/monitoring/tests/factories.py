"""Rows the 舆情 tests need, made directly in the database: sources and items (never fetched: the
tests put the items in), analyses, matches, clients, events and alert rules; and the texts the
analysis, event and reprint tests share."""

import itertools
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from rongmei.core.models import OutboxMessage
from rongmei.monitoring.analysis.engine.normalize import to_simplified
from rongmei.monitoring.models import (
    AlertDelivery,
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


def make_source(
    name=None, host=None, *, url=None, category=Source.Category.LOCAL, authorised=False, **fields
):
    """A source at ``url`` (or a feed on ``host``); disabled unless ``enabled=True`` is given, so the
    scheduler never fetches a made-up address."""
    n = next(_seq)
    fields.setdefault("enabled", False)
    return Source.objects.create(
        name=name or f"来源{n}",
        url=url or f"https://{host or f'src{n}.example.cn'}/rss.xml",
        category=category,
        authorised_to_reprint=authorised,
        **fields,
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


def make_item(
    source=None,
    title="化工厂排放异味 居民投诉",
    body="多名居民反映夜间有刺鼻气味。",
    *,
    fetched_at=None,
    published_at=None,
    path=None,
):
    """An item of ``source`` (a new one if not given), as fetching would store it."""
    source = source or make_source()
    url = f"https://{urlsplit(source.url).netloc}/{path or f'news/{next(_seq)}.html'}"
    return MonitoredItem.objects.create(
        source=source,
        url=url,
        normalized_url=url,
        title=title,
        body=body,
        title_simplified=to_simplified(title),
        body_simplified=to_simplified(body),
        fetched_at=fetched_at or timezone.now(),
        published_at=published_at,
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
        item = make_item(source, fetched_at=now)
        analyse(item, event=event, sentiment=sentiment, probability=probability, now=now)
        if watch is not None:
            match(item, watch, now=now)
        made.append(item)
    return made


def make_delivery(
    alert, channel="email", recipient="x", *, status="pending", attempts=0, error="", next_attempt_at=None
):
    """An alert's delivery with its outbox message in the given state (as if tried ``attempts`` times)."""

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


def minutes(n):
    return timedelta(minutes=n)


# One incident told by three outlets in their own words, and two other stories of the same place.
EXPLOSION_1 = (
    "淄博张店区一化工厂夜间发生爆炸 暂无人员伤亡",
    "11月26日晚10时许，淄博市张店区某化工厂发生爆炸，现场浓烟滚滚。消防部门已赶到现场处置，目前暂无人员"
    "伤亡报告，事故原因正在调查中。附近居民称听到巨大声响。",
)
EXPLOSION_2 = (
    "张店化工厂爆炸事故：消防连夜处置，原因调查中",
    "记者从淄博市应急管理局获悉，26日夜间张店区一家化工企业发生爆炸，消防救援人员连夜处置，火势已被控制。"
    "官方通报称暂无人员伤亡，事故原因正在进一步调查。",
)
EXPLOSION_3 = (
    "网友拍下张店化工厂爆炸瞬间 周边居民被疏散",
    "昨晚张店一化工厂突然爆炸，火光冲天。有网友拍下视频。周边小区居民已被疏散，当地应急管理部门表示正在调查"
    "爆炸原因。",
)
HEATING = (
    "淄博张店区今冬供暖正式开始 热力公司开通热线",
    "11月15日起，淄博市张店区集中供暖正式开始。热力公司提醒居民注意室内温度，如有问题可拨打服务热线。",
)
FIRE_ELSEWHERE = (
    "临淄区一化工企业发生火灾 无人员伤亡",
    "今天上午，临淄区一家化工企业厂房起火，消防部门迅速处置，火灾未造成人员伤亡，起火原因正在调查。",
)

# A long story (for grouping and reprints): several paragraphs a site would copy whole.
STORY_TITLE = "淄博启动老旧小区改造三年行动 今年惠及两万余户居民"
STORY_BODY = (
    "记者从淄博市住房和城乡建设局获悉，淄博市近日印发老旧小区改造三年行动方案，计划用三年时间完成全市"
    "二零零零年底前建成的老旧小区改造任务，今年首批改造涉及一百二十六个小区、两万余户居民。\n"
    "方案明确，改造内容分为基础类、完善类和提升类三类。基础类重点解决供水、排水、供电、燃气等管线老化问题，"
    "完善类包括加装电梯、增设停车位和充电桩，提升类则围绕养老、托育、便民市场等公共服务设施展开。\n"
    "市住建局有关负责人介绍，改造前将广泛征求居民意见，做到一区一策，施工期间设立居民监督员，"
    "改造完成后由居民代表参与验收。资金方面，除中央和省级补助外，市区两级财政将安排配套资金，"
    "同时鼓励管线单位和社会资本参与。\n"
    "据了解，去年淄博已试点改造二十八个小区，居民满意度超过百分之九十五。"
)
OTHER_STORY = (
    "淄博老旧小区加装电梯试点启动 首批二十部电梯年底前投用",
    "淄博市今日启动既有住宅加装电梯试点工作。首批确定的二十部电梯分布在张店区和周村区的十个小区，"
    "预计年底前全部投入使用。加装电梯须经本单元三分之二以上业主同意，财政给予每部电梯十五万元补贴，"
    "其余费用由业主按楼层分摊。住建部门将开通绿色通道，审批时间压缩至十五个工作日以内。",
)
