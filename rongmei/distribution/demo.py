"""The demo's "every channel" story: one story with a version for each platform channel and a
video, through the real 三审, so the running demo's worker carries it to WeChat, Weibo, Douyin
(the local stand-in servers), the app, RSS, the county partner center (the story is 桓台's),
学习强国 (a package to submit by hand) and print (awaiting a page) — the 分发 page shows every
channel's true state.

Idempotent: nothing happens once the story exists.
"""

import io

from django.db import transaction

EVERY_CHANNEL_TITLE = "全市首批“一刻钟便民生活圈”建成投用"
EVERY_CHANNEL_BODY = (
    "<p>记者从市商务局获悉，全市首批32个“一刻钟便民生活圈”日前建成投用，居民步行15分钟即可买菜、"
    "修鞋、取快递、看病和托幼。</p>"
    "<p>按照规划，到2027年底全市将建成120个便民生活圈，覆盖全部城市社区。市商务局相关负责人介绍，"
    "生活圈建设坚持“缺什么补什么”，先由社区居民投票确定急需的服务业态，再由街道统一招商。</p>"
    "<p>在张店区马尚街道，新开的社区食堂每天供应早中晚三餐，老年人就餐享受九折优惠。"
    "桓台县首批4个生活圈同日投用，县城社区的便民服务点延伸到了小区门口。</p>"
)
# The story's region: the demo's county partner center (桓台县融媒体中心, rongmei/partners/demo.py)
# takes its region's stories, so the story reaches the partner channel too.
EVERY_CHANNEL_REGIONS = ("huantai",)

VERSIONS = {
    "wechat": {
        "title": "家门口15分钟，买菜看病取快递都能办",
        "author": "融媒记者",
        "summary": "全市首批32个便民生活圈投用，看看你家附近有没有。",
    },
    "weibo": {
        "text": "【全市首批32个“一刻钟便民生活圈”建成投用】步行15分钟即可买菜、修鞋、取快递、看病和托幼，到2027年底将覆盖全部城市社区。"
    },
    "douyin": {"text": "家门口的一刻钟便民生活圈来了 #便民生活圈 #城市生活"},
    "xuexi": {"title": "我市首批32个“一刻钟便民生活圈”建成投用"},
    "print": {"title": "首批32个便民生活圈建成投用", "target_length": 600},
}


def load_every_channel_story(users: dict, section, outlet, image=None):
    """Create, pass through 三审 and publish the story; returns it (or the existing one)."""
    from rongmei.newsroom.models import Region, StoryCredit, StoryPage
    from rongmei.review import services as review_services
    from rongmei.video import services as video_services

    from .contract.demo import configure_demo_channels
    from .models import Channel, StoryChannelVersion

    existing = StoryPage.objects.filter(title=EVERY_CHANNEL_TITLE).first()
    if existing is not None:
        return existing
    from rongmei.demo.video import make_demo_video

    channels = {channel.code: channel for channel in configure_demo_channels()}
    reporter = users["reporter"]
    # A library video, transcoded here (a 4-second portrait clip: a few seconds), so Douyin, the
    # website and the app have its renditions when the story is published just below.
    video = video_services.make_asset_from_file(
        reporter,
        "bianmin-shenghuoquan.mp4",
        io.BytesIO(make_demo_video(["一刻钟便民生活圈", "融媒体中心出品"])),
        title="便民生活圈（演示视频）",
        transcode_now=True,
    )
    video.caption = "全市首批“一刻钟便民生活圈”建成投用"
    video.credit = "融媒体中心 摄像"
    video.save(update_fields=["caption", "credit"])
    with transaction.atomic():
        story = StoryPage(
            title=EVERY_CHANNEL_TITLE,
            lead="全市首批32个“一刻钟便民生活圈”建成投用，居民步行15分钟即可满足日常生活所需。",
            body=EVERY_CHANNEL_BODY,
            owner=reporter,
            outlet=outlet,
            cover_image=image,
            video=video,
            live=False,
        )
        story.credits = [StoryCredit(role="reporter", staff=reporter)]
        story.regions = list(Region.objects.filter(slug__in=EVERY_CHANNEL_REGIONS))
        story.channel_versions = [
            StoryChannelVersion(
                channel=channels.get(code) or Channel.objects.get(code=code), sort_order=index, **fields
            )
            for index, (code, fields) in enumerate(VERSIONS.items())
        ]
        section.add_child(instance=story)
        story.save_revision(user=reporter)
    review_services.submit_for_review(StoryPage.objects.get(pk=story.pk), acting_user=reporter)
    opinions = {"editor": "数据已核实，各渠道版本已看过", "director": "同意", "chief": "同意签发，全渠道发布"}
    for username, opinion in opinions.items():
        review_services.approve(
            StoryPage.objects.get(pk=story.pk), acting_user=users[username], opinion=opinion
        )
    return StoryPage.objects.get(pk=story.pk)
