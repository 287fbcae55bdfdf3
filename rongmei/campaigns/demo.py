"""The demo's campaign: "记者看张店", run for the 张店区 government, under way (two weeks in, two
weeks to go), with goals per format, two planning topics with assignments (two stories filed and
published, photo and video still being made), and the demo's topic page 记者走基层·走进张店 as its
专题, given a banner and an introduction.

``load_campaigns_demo(users)`` takes the demo's users by username (``demo.users`` of
``rongmei.demo.loader``; it needs "reporter", "director" and "chief") and goes through the same
services as the admin. Call it after the stories (it files two of the topic's live stories).
Idempotent: an existing demo campaign is left as it is.
"""

import datetime

from django.utils import timezone

from . import services
from .models import Campaign
from .queries import story_format

NAME = "记者看张店"
TOPIC_PAGE_SLUG = "zoujiceng-zhangdian"
BANNER_TITLE = "背街小巷焕新颜"
INTRO = (
    "<p>“记者看张店”大型采访活动由张店区人民政府与本中心联合开展。一个月里，记者走进张店区的街道、"
    "社区、企业和菜市场，用文字、图片、视频和直播记录老工业城区的新变化。</p>"
    "<p>本专题汇集活动的全部报道，欢迎通过<b>新闻热线</b>提供线索。</p>"
)
TOPICS = (
    ("老街巷改造后的张店", ("text", "text", "photo")),
    ("张店企业的转型故事", ("text", "video", "live")),
)


def _fresh(user):
    # A user read before the grant keeps a permission cache without it.
    return type(user).objects.get(pk=user.pk)


def load_campaigns_demo(users: dict) -> Campaign | None:
    """Create the demo campaign; ``None`` if it exists already."""
    from rongmei.newsroom.models import Region, TopicPage

    if Campaign.objects.filter(name=NAME).exists():
        return None
    director, chief, reporter = (_fresh(users[name]) for name in ("director", "chief", "reporter"))
    today = timezone.localdate()
    campaign = services.create_campaign(
        acting_user=director,
        name=NAME,
        partner_name="张店区人民政府",
        partner_region=Region.objects.filter(slug="zhangdian").first(),
        starts_on=today - datetime.timedelta(days=14),
        ends_on=today + datetime.timedelta(days=16),
        description="记者走进张店区的街道、社区、企业和菜市场，记录老工业城区的新变化。",
        goal_stories=12,
        goal_photo_stories=4,
        goal_videos=3,
        goal_live_events=1,
        wants_topic_page=True,
        state=Campaign.State.RUNNING,
    )

    page = TopicPage.objects.filter(slug=TOPIC_PAGE_SLUG).first()
    if page is not None:
        services.link_topic_page(campaign, page, acting_user=director)
    else:
        page, _published = services.create_topic_page(campaign, acting_user=chief)
        page = TopicPage.objects.get(pk=page.pk)
    banner = type(page).banner_image.field.related_model.objects.filter(title=BANNER_TITLE).first()
    page.banner_image = banner or page.cover_image
    page.intro = INTRO
    # A topic page is not a story (the 三审 gate is for stories): the chief editor publishes it as any page.
    page.save_revision(user=chief, log_action=True).publish(user=chief)

    _plan(campaign, page, director=director, chief=chief, reporter=reporter, users=users)
    campaign.refresh_from_db()
    return campaign


def _plan(campaign, page, *, director, chief, reporter, users):
    """Two approved topics with assignments; some of the topic page's live stories filed for them."""
    from rongmei.newsroom.models import StoryPage
    from rongmei.planning import services as planning

    photographer = _fresh(users.get("newmedia", reporter))
    writers = [reporter, _fresh(users.get("editor2", chief))]
    on_site = StoryPage.objects.live().filter(topics=page, is_retracted=False).order_by("-first_published_at")
    live = {"text": [], "video": []}
    for story in on_site[:20]:
        live.setdefault(story_format(story), []).append(story)
    deadline = timezone.now() + datetime.timedelta(days=3)
    topics, to_file = [], []
    for title, formats in TOPICS:
        topic = planning.propose_topic(
            reporter, title=title, formats=sorted(set(formats)), angle="活动“记者看张店”的系列报道。"
        )
        topic = planning.decide_topic(chief, topic, planning.APPROVE, "列入“记者看张店”活动。")
        topics.append(topic)
        texts = 0
        for fmt in formats:
            if fmt == "text":
                assignee = writers[texts % len(writers)]
                texts += 1
            else:
                assignee = photographer
            assignment = planning.assign(chief, topic, format=fmt, assignee=assignee, deadline=deadline)
            if fmt in ("text", "video"):
                to_file.append(assignment)
    # Filed once every assignment is out (a topic whose assignments are all done is done): the
    # first text and any video assignment of each topic, with a live story of that kind.
    filed_topics = set()
    for assignment in to_file:
        key = (assignment.topic_id, assignment.format)
        if key in filed_topics or not live.get(assignment.format):
            continue
        filed_topics.add(key)
        planning.file_story(chief, assignment, live[assignment.format].pop(0))
    services.attach_topics(campaign, topics, acting_user=director)
