"""The demo's 策划: a week of a mid-size city's topics (区县, 民生, 城建, 经济, 文化) in every state,
assignments (one of the reporter's overdue), and the coming week's events on the calendar.

``load_planning_demo()`` uses the demo users by username (reporter, editor, director, chief,
newmedia; photo1, video1, reporter3 when they exist) and skips quietly without them. It goes
through the same services as the admin, then backdates the times a demo needs in the past (a
topic proposed days ago, the overdue deadline). Idempotent: if the demo topics exist it does nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Assignment, PlannedEvent, Topic, TopicEvent

FIRST_TITLE = "全市经济工作会议：2027年重点项目清单首次公开"

# (key, title, starts in days from today, hour, hours long or None for all day, place, organiser, description)
EVENTS = (
    (
        "economy-conference",
        "全市经济工作会议",
        1,
        9,
        3,
        "市委礼堂",
        "市委办公室",
        "总结全年经济工作，部署明年重点项目。会后召开新闻发布会。",
    ),
    (
        "press-heating",
        "冬季供暖保障新闻发布会",
        2,
        15,
        1,
        "市政府新闻发布厅",
        "市政府新闻办",
        "市住建局、热力公司通报供暖首周运行情况，回应投诉热点。",
    ),
    (
        "boshan-festival",
        "博山陶琉文化节开幕",
        4,
        10,
        None,
        "博山区陶琉大观园",
        "博山区人民政府",
        "为期三天，含非遗展演、陶瓷琉璃展销和夜间灯光秀。",
    ),
    (
        "expressway",
        "城东快速路高架段合龙仪式",
        3,
        10,
        1,
        "城东快速路与联通路交叉口",
        "市住建局",
        "主线高架段全线合龙，计划明年五一通车。",
    ),
    (
        "npc-session",
        "张店区人大常委会第二十次会议",
        5,
        9,
        4,
        "张店区行政中心三楼会议室",
        "张店区人大常委会",
        "审议老旧小区改造专项工作报告。",
    ),
)


def _users():
    wanted = ("reporter", "reporter3", "photo1", "video1", "editor", "director", "chief", "newmedia")
    users = get_user_model().objects.filter(username__in=wanted).select_related("staff_profile")
    return {user.username: user for user in users}


def _department(name):
    from rongmei.organisation.models import Department

    return Department.objects.filter(name=name).order_by("pk").first()


def _region(slug):
    from rongmei.newsroom.models import Region

    return Region.objects.filter(slug=slug).first()


def _section(slug):
    from rongmei.newsroom.models import SectionPage

    return SectionPage.objects.filter(slug=slug).first()


def _at(days, hour, minute=0):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _backdate(topic, days_ago, hour=9):
    """The topic was proposed ``days_ago`` days ago: its row and its first history entry say so."""
    when = _at(-days_ago, hour)
    Topic.objects.filter(pk=topic.pk).update(created_at=when)
    first = TopicEvent.objects.filter(topic=topic).order_by("pk").first()
    if first is not None:
        TopicEvent.objects.filter(pk=first.pk).update(at=when)


def _events(chief):
    events = {}
    for key, title, days, hour, hours, place, organiser, description in EVENTS:
        uid = f"demo-{key}@planning.rongmei.local"
        event = PlannedEvent.objects.filter(uid=uid).first()
        fields = {
            "title": title,
            "starts_at": _at(days, 0 if hours is None else hour),
            "ends_at": None if hours is None else _at(days, hour + hours),
            "all_day": hours is None,
            "place": place,
            "organiser": organiser,
            "description": description,
        }
        if event is None:
            event = services.save_event(chief, **fields)
            PlannedEvent.objects.filter(pk=event.pk).update(uid=uid)
            event.uid = uid
        events[key] = event
    return events


def load_planning_demo() -> str:
    """Create the demo's topics, assignments and events; return a one-line summary."""
    users = _users()
    needed = ("reporter", "editor", "director", "chief", "newmedia")
    if any(name not in users for name in needed):
        return "planning demo skipped: the demo users do not exist"
    if Topic.objects.filter(title=FIRST_TITLE).exists():
        return "planning demo already loaded"
    reporter, editor, director, chief, newmedia = (users[name] for name in needed)
    photographer = users.get("photo1", reporter)
    videographer = users.get("video1", newmedia)
    economy_reporter = users.get("reporter3", reporter)
    politics = _department("时政新闻部")
    economy = _department("经济新闻部")
    society = _department("社会新闻部")
    new_media = _department("新媒体部")
    events = _events(chief)

    def propose(by, title, days_ago, **fields):
        topic = services.propose_topic(by, title=title, **fields)
        _backdate(topic, days_ago)
        return topic

    # 1. Approved at today's meeting, assigned for text and photo, hangs on tomorrow's conference.
    conference = propose(
        reporter,
        FIRST_TITLE,
        1,
        angle="会上首次公开明年重点项目清单，关注其中的民生类项目和开工时间表。",
        region=_region("zibo"),
        section=_section("shizheng"),
        department=politics,
        formats=["text", "photo", "live"],
        deadline=_at(1, 18),
        sources="市发改委综合科；会后发布会答问",
        event=events["economy-conference"],
    )
    services.decide_topic(director, conference, services.APPROVE, "列为明日头条，提前准备背景材料。")
    services.assign(
        director, conference, format="text", assignee=reporter, deadline=_at(1, 17), note="会后一小时内发快讯"
    )
    services.assign(director, conference, format="photo", assignee=photographer, deadline=_at(1, 13))

    # 2. 城建: in progress, the video under way and the reporter's text overdue.
    expressway = propose(
        economy_reporter,
        "城东快速路高架段合龙 明年五一通车",
        3,
        angle="高架合龙后的交通组织调整，沿线居民出行怎么走。",
        region=_region("zhangdian"),
        section=_section("jingji"),
        department=economy,
        formats=["text", "video"],
        deadline=_at(3, 12),
        sources="市住建局重点工程处；施工方项目经理",
        event=events["expressway"],
    )
    services.decide_topic(chief, expressway, services.APPROVE)
    services.assign(chief, expressway, format="video", assignee=videographer, deadline=_at(3, 12))
    video = expressway.assignments.get(format="video")
    services.accept_assignment(videographer, video)
    services.start_assignment(videographer, video)

    # 3. 民生: approved two days ago; the reporter's text is overdue (backdated deadline).
    lifts = propose(
        reporter,
        "张店区老旧小区加装电梯提速：今年已完工87部",
        4,
        angle="低层住户意见如何统一，费用怎么分摊，维保谁来管。",
        region=_region("zhangdian"),
        section=_section("shehui"),
        department=politics,
        formats=["text", "photo"],
        sources="张店区住建局；和平街道办；居民代表",
        event=events["npc-session"],
    )
    services.decide_topic(director, lifts, services.APPROVE, "注意采访低层住户，平衡各方意见。")
    overdue = services.assign(director, lifts, format="text", assignee=reporter, deadline=_at(1, 12))
    services.accept_assignment(reporter, overdue)
    Assignment.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - datetime.timedelta(hours=6))

    # 4. Waiting for today's meeting.
    propose(
        reporter,
        "淄川区农村公路提档升级 通到村民家门口",
        0,
        angle="“四好农村路”建设一年后，村里的客车、快递和农产品运输有何变化。",
        region=_region("zichuan"),
        section=_section("quxian"),
        department=politics,
        formats=["text", "photo"],
        deadline=_at(2, 18),
        sources="淄川区交通运输局；岭子镇两个村",
    )
    propose(
        newmedia,
        "供暖首周投诉回访：哪些小区还不热",
        0,
        angle="梳理热线和留言板投诉，回访三个典型小区，追问整改时限。",
        region=_region("linzi"),
        section=_section("shehui"),
        department=new_media,
        formats=["text", "video"],
        deadline=_at(2, 12),
        sources="市民服务热线12345周报；热力公司客服中心",
        event=events["press-heating"],
    )
    propose(
        editor,
        "市民服务热线周报：供暖、停车成热点",
        1,
        angle="用数据说话：本周热线前五位诉求及办结率。",
        section=_section("shehui"),
        department=society,
        formats=["text"],
        sources="市政务服务热线中心",
    )

    # 5. Sent back for changes, and declined.
    festival = propose(
        reporter,
        "博山陶琉文化节开幕",
        2,
        angle="开幕式现场报道。",
        region=_region("boshan"),
        section=_section("wenhua"),
        department=society,
        formats=["text", "photo", "video"],
        event=events["boshan-festival"],
    )
    services.decide_topic(
        chief, festival, services.REQUEST_CHANGES, "角度太常规：找一位年轻手艺人，讲陶琉产业的新变化。"
    )
    night_tour = propose(
        newmedia,
        "周村古商城冬季夜游体验",
        3,
        angle="探店式短视频。",
        region=_region("zhoucun"),
        section=_section("wenhua"),
        department=new_media,
        formats=["video"],
    )
    services.decide_topic(chief, night_tour, services.DECLINE, "上月刚做过同题，等元旦活动方案出来再报。")

    count = Topic.objects.count()
    return f"planning demo: {count} topics, {Assignment.objects.count()} assignments, {len(events)} events"
