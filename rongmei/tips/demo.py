"""The demo's news tips: a dozen tips from the website and the hotline, in every state of the desk,
one led to a published story with its reward paid, one with its reward set, one due.

``load_tips_demo(users=None)`` takes the demo's users by username (``demo.users`` of
``rongmei.demo.loader``; it uses "tipsdesk" if there is one, else the superuser "admin", and
"reporter" for assignments) and goes through the same services as the desk, so every tip has its
history. Idempotent: nothing is added when tips exist already.
"""

from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from . import services
from .models import Reward, Tip, TipsSettings

# (source, text, location, event time, name, phone, days ago, fate)
TIPS = (
    (
        "web",
        "张店区共青团路与金晶大道路口的井盖丢失，晚上看不清，已经有电动车摔倒，希望尽快处理。",
        "张店区共青团路与金晶大道路口",
        "昨晚9点左右",
        "张先生",
        "13805330101",
        0,
        "new",
    ),
    (
        "hotline",
        "来电反映：淄川区般阳路一小区连续三天停水，物业说是管道维修但没有通知，老人孩子用水困难。",
        "淄川区般阳路",
        "本周一起",
        "李女士",
        "13953330202",
        0,
        "new",
    ),
    (
        "web",
        "博山区陶瓷琉璃艺术中心周末举办琉璃市集，很多年轻人来打卡，建议报道一下。",
        "博山区陶瓷琉璃艺术中心",
        "本周六、周日",
        "",
        "",
        1,
        "new",
    ),
    (
        "web",
        "周村古商城晚上灯光秀开始了，人特别多，停车很难，附近道路堵车严重。",
        "周村古商城",
        "每天晚上7点后",
        "王女士",
        "13665330303",
        1,
        "new",
    ),
    (
        "hotline",
        "来电：临淄区一家养殖场向河道排放污水，河水发黑发臭，附近村民多次反映无果。",
        "临淄区乌河沿岸",
        "近一个月",
        "赵师傅",
        "13176330404",
        3,
        "follow_up",
    ),
    (
        "web",
        "高新区一家企业拖欠20多名工人工资已经两个月，工人们去讨薪没有结果。",
        "高新区柳泉路",
        "今年10月至今",
        "孙先生",
        "15053330505",
        4,
        "follow_up",
    ),
    ("web", "共青团路井盖丢失，已经有人摔倒了！", "张店区共青团路", "昨晚", "", "", 0, "duplicate"),
    (
        "web",
        "我家楼下的狗每天晚上叫，吵得睡不着，你们管不管？",
        "张店区某小区",
        "每天晚上",
        "",
        "",
        5,
        "not_news",
    ),
    (
        "hotline",
        "来电询问社保卡补办需要带什么材料。（已告知拨打12345政务服务热线）",
        "",
        "",
        "周先生",
        "13853330606",
        6,
        "not_news",
    ),
    (
        "web",
        "沂源县一位82岁的老人坚持义务清扫村里道路二十年，村民都很感动。",
        "沂源县南鲁山镇",
        "二十年来",
        "刘女士",
        "18653330707",
        12,
        "paid",
    ),
    (
        "hotline",
        "来电：桓台县马踏湖湿地来了一大群白鹭，有上百只，景色特别美。",
        "桓台县马踏湖",
        "这几天清晨",
        "陈先生",
        "13105330808",
        9,
        "set",
    ),
    (
        "web",
        "高青县黄河滩区的冬小麦出苗了，农户在用无人机喷灌，场面很壮观，附上现场照片。",
        "高青县黄河滩区",
        "今天上午",
        "马先生",
        "13505330909",
        2,
        "due",
    ),
)


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 10.0, 0.0), 3: "E", 4: (117.0, 49.0, 0.0)}
    out = BytesIO()
    Image.new("RGB", (800, 600), (96, 140, 60)).save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("黄河滩区小麦.jpg", out.getvalue(), content_type="image/jpeg")


def load_tips_demo(users=None) -> int:
    """Add the demo's tips; returns how many were added (0 when there were tips already)."""
    from rongmei.newsroom.models import StoryPage

    # The settings row, so Settings → 新闻线索设置 finds it (Wagtail creates it on its first GET).
    TipsSettings.load()
    if Tip.objects.exists():
        return 0
    users = users or {}
    User = get_user_model()
    desk = users.get("tipsdesk") or User.objects.filter(username="tipsdesk").first()
    desk = desk or users.get("admin") or User.objects.filter(is_superuser=True).order_by("pk").first()
    if desk is None:
        return 0
    desk = User.objects.get(pk=desk.pk)  # a fresh permission cache
    reporter = users.get("reporter") or User.objects.filter(username="reporter").first()
    stories = list(StoryPage.objects.live().filter(is_retracted=False).order_by("-first_published_at")[:3])
    now = timezone.now()
    made = {}
    for source, text, location, when, name, phone, days_ago, fate in TIPS:
        files = [services.prepare_upload(_photo())] if fate == "due" else []
        tip = services.receive_tip(
            text=text,
            location=location,
            event_time=when,
            contact_name=name,
            contact_phone=phone,
            consent_to_contact=bool(phone),
            files=files,
            source=source,
            acting_user=desk if source == "hotline" else None,
        )
        Tip.objects.filter(pk=tip.pk).update(received_at=now - timedelta(days=days_ago, hours=len(made)))
        tip.refresh_from_db()
        made.setdefault(fate, []).append(tip)
        if fate == "follow_up" and reporter is not None:
            services.assign(tip, acting_user=desk, person=reporter, note="请尽快核实，注意保护爆料人")
        elif fate == "not_news":
            services.triage(tip, acting_user=desk, state=Tip.State.NOT_NEWS, note="不属于新闻线索")
        elif fate == "duplicate":
            original = made["new"][0]
            services.triage(tip, acting_user=desk, state=Tip.State.DUPLICATE, duplicate_of=original.reference)
        elif fate in ("paid", "set", "due") and stories:
            story = stories[("paid", "set", "due").index(fate) % len(stories)]
            services.link_story(tip, acting_user=desk, story=story)
            if fate in ("paid", "set"):
                services.set_reward(
                    tip,
                    acting_user=desk,
                    lead_story=fate == "paid",
                    amount="300" if fate == "paid" else None,
                    reason="人物故事感人，全网转载" if fate == "paid" else "",
                )
            if fate == "paid":
                services.record_payment(
                    tip, acting_user=desk, method=Reward.Method.WECHAT, note="微信转账，已确认收款"
                )
    return Tip.objects.count()
