import io
from collections import Counter
from datetime import timedelta
from functools import partial

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import (
    GroupPagePermission,
    Page,
    PageLogEntry,
    Revision,
    Site,
    TaskState,
    WorkflowPage,
    WorkflowState,
)

from rongmei.demo import content, images
from rongmei.demo.loader import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoDataError,
    load_demo_data,
    load_story_specs,
    story_state_counts,
)
from rongmei.distribution.demo import EVERY_CHANNEL_TITLE
from rongmei.newsroom.models import CorrectionNote, HomePage, Region, SectionPage, StoryCredit, StoryPage
from rongmei.organisation.models import Department, Outlet, StaffProfile
from rongmei.review.models import ReviewEvent

EXPECTED_STATES = {
    "published": 35,
    "corrected": 4,
    "retracted": 2,
    "draft": 5,
    "review1": 3,
    "review2": 3,
    "review3": 3,
    "rejected": 3,
    "scheduled": 2,
}


# --- Story files and pictures (no database) -----------------------------------------------------


def test_story_files_describe_the_designed_newsroom():
    specs = load_story_specs()
    assert len(specs) == 60
    assert Counter(spec["state"] for spec in specs) == EXPECTED_STATES
    live_sections = {spec["section"] for spec in specs if spec["state"] in ("published", "corrected")}
    assert live_sections == {slug for slug, *_ in content.SECTIONS}
    for spec in specs:
        paragraphs = [block for block in spec["body"].strip().split("\n\n") if not block.startswith("[img-")]
        assert 3 <= len(paragraphs) <= 8, spec["key"]


def test_a_broken_story_file_is_refused_with_its_name(tmp_path):
    (tmp_path / "bad.toml").write_text(
        '[[story]]\nkey = "x-1"\nsection = "yaowen"\nstate = "published"\ntitle = "t"\nlead = "l"\n'
        'body = "<p>b</p>"\noutlet = "jixia-net"\nheadlne = true\n',
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match=r"bad\.toml, story x-1: .*headlne"):
        load_story_specs(tmp_path)


def test_regions_use_real_division_codes():
    cities = [region for region in content.REGIONS if region[3] == 2]
    districts = [region for region in content.REGIONS if region[3] == 3]
    assert len(cities) == 16 and len(districts) == 8
    assert {code for _slug, _name, code, _level, _parent in districts} == {
        "370302", "370303", "370304", "370305", "370306", "370321", "370322", "370323",
    }  # fmt: skip
    zibo = next(region for region in cities if region[0] == "zibo")
    assert zibo[2] == "370300"
    assert all(slug.isascii() for slug, *_ in content.REGIONS)


def test_pictures_are_distinct_reproducible_jpegs():
    first = images.render_jpeg("img-01", "skyline")
    assert first == images.render_jpeg("img-01", "skyline")
    assert first != images.render_jpeg("img-02", "skyline")
    picture = PILImage.open(io.BytesIO(first))
    assert (picture.format, picture.size) == ("JPEG", (1200, 800))
    assert set(images.SCENES) >= {scene for *_rest, scene in content.IMAGES.values()}
    with pytest.raises(ValueError, match="Unknown demo image scene"):
        images.render_jpeg("img-01", "moonscape")


# --- Loading (one load, then a second one, checked together to keep the suite fast) -------------


def _snapshot():
    models = [
        Page, Revision, WorkflowState, TaskState, PageLogEntry, ReviewEvent, StoryCredit, CorrectionNote,
        Region, Outlet, Department, StaffProfile, Site, Group, GroupPagePermission, WorkflowPage, Tag,
        get_user_model(), get_image_model(),
    ]  # fmt: skip
    counts = {model._meta.label: model.objects.count() for model in models}
    stories = {
        story.slug: (story.title, story.live, story.first_published_at, story.last_published_at, story.body)
        for story in StoryPage.objects.all()
    }
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    return counts, stories, passwords


def main_headline(item):
    """The main headline of a ninjs 2.1 item."""
    return next(headline["value"] for headline in item["headlines"] if headline.get("role") == "main")


@pytest.fixture
def county_center(monkeypatch, settings):
    """The demo's county partner center (its push contract server), on a free port for the test."""
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # it listens on this machine
    from rongmei.distribution.contract.partner import PUSH_PATH, PartnerContractServer
    from rongmei.partners import demo as partners_demo

    with PartnerContractServer(secret=partners_demo.DEMO_PUSH_SECRET) as server:
        monkeypatch.setattr(
            partners_demo, "load_demo", partial(partners_demo.load_demo, push_url=server.base_url + PUSH_PATH)
        )
        yield server


@pytest.mark.django_db
def test_demo_newsroom_loads_once_and_again_without_changes(
    django_capture_on_commit_callbacks, county_center
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = load_demo_data()
    assert "this run created 60 stories, 36 images, 13 users" in summary
    assert story_state_counts() == Counter(EXPECTED_STATES)

    # Proofing shows with example lists: a planted banned word blocks, a caution word warns.
    from rongmei.proofing.services import check_text

    findings = {
        (finding.category, finding.severity) for finding in check_text("某某禁词出现在农民工的稿件里")
    }
    assert ("banned", "block") in findings
    assert ("caution", "warn") in findings

    # The site: our home page replaced Wagtail's welcome page and is the default site's root.
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert (site.hostname, site.port) == ("localhost", 80)
    home = site.root_page
    sections = SectionPage.objects.child_of(home)
    assert sections.count() == 8
    for section in sections:
        assert StoryPage.objects.on_site().child_of(section).exists(), section.title

    # Published stories spread over the last month, each with a three-level review history.
    now = timezone.now()
    live = StoryPage.objects.on_site()
    assert live.count() == 40  # the 39 of the story files and the one on every channel (融合发布)
    every = StoryPage.objects.get(title=EVERY_CHANNEL_TITLE)
    assert sorted(v.channel.code for v in every.channel_versions.all()) == [
        "douyin",
        "print",
        "wechat",
        "weibo",
        "xuexi",
    ]
    # A library video, transcoded: its vertical original's 720p is what Douyin and the app play.
    assert every.video is not None and every.video.state == "ready", every.video.failure_message
    short = every.video.short_video_rendition()
    assert (short.kind, short.width, short.height) == ("720p", 720, 1280)
    with short.file.open("rb") as mp4:
        assert mp4.read(8)[4:8] == b"ftyp"  # a real MP4
    assert every.video.poster is not None
    # The county center (桓台) takes its region's stories: the every-channel story is one of them.
    from rongmei.distribution.models import StoryChannelStatus
    from rongmei.partners.demo import COUNTY
    from rongmei.partners.models import Partner

    county = Partner.objects.get(name=COUNTY)
    pushed = StoryChannelStatus.objects.get(story=every, channel__code=county.channel_code)
    assert (pushed.state, pushed.error) == (StoryChannelStatus.State.PUBLISHED, "")
    assert [main_headline(entry["item"]) for entry in county_center.received] == [EVERY_CHANNEL_TITLE]
    dates = sorted(live.values_list("first_published_at", flat=True))
    assert dates[0] < now - timedelta(days=20) and dates[-1] > now - timedelta(days=2)
    assert dates[-1] <= now
    for story in live:
        approvals = ReviewEvent.objects.filter(story=story, decision=ReviewEvent.Decision.APPROVE)
        assert {event.level_name for event in approvals} == {"初审", "复审", "终审"}, story.slug
        assert all(event.opinion for event in approvals)
        assert len({event.actor_id for event in approvals[:3]}) == 3
        assert story.outlet.copyright_line.startswith("本稿件版权归")
    corrected = StoryPage.objects.get(slug="demo-005")
    assert corrected.live and corrected.corrections.count() == 1
    assert "1.12亿平方米" in corrected.body and "1.2亿平方米" not in corrected.body
    retracted = StoryPage.objects.get(slug="demo-015")
    assert retracted.is_retracted and not retracted.live
    assert ReviewEvent.objects.filter(story=retracted, decision=ReviewEvent.Decision.RETRACT).exists()
    rejected = StoryPage.objects.get(slug="demo-034")
    reject_event = ReviewEvent.objects.get(story=rejected, decision=ReviewEvent.Decision.REJECT)
    assert (reject_event.level_name, reject_event.actor.username) == ("复审", "director")
    assert "物业公司" in reject_event.opinion
    scheduled = StoryPage.objects.get(slug="demo-007")
    assert not scheduled.live and scheduled.embargo_until > now
    assert Revision.objects.for_instance(scheduled).filter(approved_go_live_at__gt=now).exists()
    inline = StoryPage.objects.get(slug="demo-001")
    assert 'embedtype="image"' in inline.body and inline.cover_image.credit == "记者 马骁 摄"

    # 舆情: the client's items went through the real pipeline: the water-cut story spread by many
    # sites is one event, spiking, with one alert per rule (not one per copy), worked as a case;
    # copies of our stories are listed as reprints; yesterday's report exists as a PDF.
    from rongmei.monitoring.models import Alert, Case, Event, Report, Reprint

    water = Event.objects.order_by("-heat").first()
    assert "鑫苑小区" in water.title and water.item_count >= 15 and water.spiking_since is not None
    assert Alert.objects.filter(event=water).count() == 2  # the negative-match rule and the spike rule
    assert Alert.objects.filter(event=water, suppressed_count__gt=5).exists()
    case = Case.objects.get()
    assert (case.state, case.owner.username, case.event_id) == ("verifying", "analyst", water.pk)
    assert {r.story.slug for r in Reprint.objects.all()} == {"demo-001", "demo-002"}
    assert Reprint.objects.filter(authorised=False).exists()
    assert Report.objects.get().pdf.read(4) == b"%PDF"

    # The demo's backdated history is in the audit chain, intact (`rongmei audit verify`).
    from rongmei.audit.models import AuditRecord
    from rongmei.audit.verify import verify

    report = verify()
    assert report.ok, [problem.message for problem in report.problems[:5]]
    assert report.records == AuditRecord.objects.count() > 500

    # Every demo account signs in with the demo password, in the demo (`rongmei demo` sets
    # RONGMEI_DEMO; elsewhere the published password is refused: rongmei/core/tests/test_login_throttling.py).
    with override_settings(RONGMEI_DEMO=True):
        for username, _label in DEMO_USERS:
            assert Client().login(username=username, password=DEMO_PASSWORD), username
    assert get_user_model().objects.get(username="admin").is_superuser
    assert get_user_model().objects.get(username="reporter").staff_profile.display_name == "王明"

    # Loading again changes nothing: no new rows (no extra revisions), same values, same passwords.
    before = _snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        summary = load_demo_data()
    assert "this run created 0 stories, 0 images, 0 users, 0 pages" in summary
    assert _snapshot() == before

    # The public front page renders once the website templates exist.
    response = Client().get("/")
    assert response.status_code == 200
