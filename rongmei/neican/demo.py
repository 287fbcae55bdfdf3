"""The demo's 内参: one approved issue with two articles, three recipients and their copies.

``load_demo(users)`` takes the demo's users by username (``demo.users`` of ``rongmei.demo.loader``;
it needs "director" and "chief") and goes through the same services as the admin, so the copies
are real PDFs in the private storage and every act is on the issue's record. Idempotent: an
existing demo issue is left as it is.
"""

from django.utils import timezone

from . import permissions, services
from .models import NeicanIssue, Recipient

ISSUE_NUMBER = "2026年第12期"

RECIPIENTS = (
    ("高建华", "市委副书记", 10),
    ("刘晓梅", "市委常委、宣传部部长", 20),
    ("孙立新", "市政府副市长", 30),
)

ARTICLES = (
    (
        "老旧小区加装电梯推进中的三个堵点",
        "今年以来，全市已有46个老旧小区启动加装电梯工作，已完工电梯87部。记者在张店区、淄川区走访发现，"
        "推进中仍存在三方面问题。\n"
        "一是低层住户意见难统一。部分一、二层住户担心采光、噪音和房屋价值受影响，协商周期普遍在半年以上。\n"
        "二是资金分摊缺少统一参考标准。各小区按楼层分摊的比例差别较大，个别单元因分摊方案反复而停工。\n"
        "三是后期维护责任不清。已投用电梯中约三成尚未明确维保单位和费用来源。\n"
        "建议：由住建部门出台分摊比例参考办法，街道设立协调专员，并将维保责任写入加装协议。",
    ),
    (
        "网民关注夜间施工扰民问题",
        "近一周，本地论坛和短视频平台上关于新区道路夜间施工扰民的帖文共计212条，较前一周增加近两倍，"
        "负面情绪集中在施工时间超出夜间许可和渣土车噪音两方面。\n"
        "经核实，相关工程已办理夜间施工许可，但部分标段存在超时作业情况。\n"
        "建议：住建、城管部门联合公布施工时段和投诉渠道，对超时作业标段依法处理并及时回应网民关切。",
    ),
)


def load_demo(users: dict) -> NeicanIssue | None:
    """Create the demo issue, its recipients and copies; ``None`` if the issue exists already."""
    if NeicanIssue.objects.filter(number=ISSUE_NUMBER).exists():
        return None
    permissions.grant_to_roles()
    director, chief = users["director"], users["chief"]
    # The users may have been read before the grant: forget their cached permissions.
    for user in (director, chief):
        for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(cache, None)
    for name, title, order in RECIPIENTS:
        Recipient.objects.get_or_create(name=name, defaults={"title": title, "sort_order": order})
    issue = services.create_issue(
        acting_user=director,
        number=ISSUE_NUMBER,
        title="城市治理动态与社情民意",
        issue_date=timezone.localdate(),
    )
    for title, body in ARTICLES:
        services.save_article(issue, acting_user=director, title=title, body=body)
    services.approve_issue(issue, acting_user=chief)
    wanted = list(Recipient.objects.filter(name__in=[name for name, _title, _order in RECIPIENTS]))
    services.generate_copies(issue, acting_user=director, recipients=wanted)
    issue.refresh_from_db()
    return issue
