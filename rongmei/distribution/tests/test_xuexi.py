"""学习强国 (issue 9): no API, so the channel makes a contribution package for a person, who
downloads it, submits it on the platform and records that here."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import PageLogEntry

from rongmei.distribution import packages, permissions, services, xuexi
from rongmei.distribution.adapters import ADAPTERS
from rongmei.distribution.adapters.xuexi import XuexiAdapter
from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.newsroom import services as newsroom_services
from rongmei.newsroom.models import StoryCredit
from rongmei.newsroom.tests.factories import pass_review
from rongmei.organisation import roles
from rongmei.review import services as review_services
from rongmei.testing import fresh, make_image, make_user

S = StoryChannelStatus.State
A = StoryChannelStatus.Act
# Messages are matched by their English msgids; the pages (requests) still come in the site's language.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def channel(review):
    services.ensure_channels()
    channel, _created = Channel.objects.get_or_create(
        code="xuexi", defaults={"name": "学习强国", "kind": "xuexi", "selection": "optional"}
    )
    channel.enabled = True
    channel.save()
    return channel


def choose(story, channel):
    """The editor ticks the channel: a (blank) channel version in the story's next revision."""
    from rongmei.distribution.models import StoryChannelVersion

    draft = story.get_latest_revision_as_object()
    draft.channel_versions = [StoryChannelVersion(channel=channel)]
    draft.save_revision(user=story.owner)


@pytest.fixture
def submitted_story(review, channel, on_commit):
    """A story chosen for 学习强国 that passed 三审: its package is ready, waiting for a person."""
    cover = make_image(
        "封面", colour=(200, 30, 30), size=(640, 360), caption="新校区航拍", credit="记者 韩冬 摄"
    )
    inside = make_image(
        "教室",
        colour=(30, 30, 200),
        size=(640, 360),
        caption="学生在新教室上课",
        credit="",
        name="class.png",
        fmt="PNG",
    )
    story = review.add_story(
        title="我市新建学校三所",
        lead="今年秋季学期，三所新学校投入使用。",
        body=(
            "<p>第一段，<b>加粗</b>文字&amp;符号。</p>"
            f'<embed embedtype="image" id="{inside.pk}" format="fullwidth" alt="教室"/>'
            '<p>第二段，<a href="https://example.com/more">更多</a>。</p>'
            "<ul><li>要点一</li><li>要点二</li></ul>"
        ),
        cover_image=cover,
        source="教育局供稿",
    )
    StoryCredit.objects.create(story=story, role="reporter", staff=review.reporter)
    story = fresh(story)
    story.save_revision(user=review.reporter)
    choose(fresh(story), channel)
    pass_review(review, story, on_commit)
    story = fresh(story)
    story.cover, story.inside = cover, inside
    return story


def xuexi_status(story):
    return StoryChannelStatus.objects.select_related("channel", "story").get(
        story=story, channel__kind="xuexi"
    )


def package_zip(status):
    with packages.open_package(status.story_id, status.revision_id) as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


# --- the adapter ----------------------------------------------------------------------------------------


def test_the_adapter_is_found_and_declares_its_fields_and_that_it_cannot_update_or_retract():
    assert ADAPTERS["xuexi"] is XuexiAdapter
    assert not XuexiAdapter.capabilities.can_update
    assert not XuexiAdapter.capabilities.can_retract
    assert {name: str(label) for name, label in XuexiAdapter.version_fields.items()} == {
        "title": "Xuexi title",
        "summary": "summary",
    }


def test_publication_builds_the_package_and_waits_for_a_person(submitted_story):
    status = xuexi_status(submitted_story)
    assert status.state == S.NEEDS_MANUAL
    assert status.act == A.PUBLISH
    assert status.revision_id == submitted_story.live_revision_id
    assert status.note == "package ready: download and submit on the 学习强国 contributor platform"
    assert packages.package_exists(submitted_story.pk, status.revision_id)
    assert packages.package_name(submitted_story.pk, status.revision_id) == (
        f"distribution/xuexi/story-{submitted_story.pk}-rev-{status.revision_id}.zip"
    )


def test_the_package_holds_text_html_original_pictures_and_the_manifest(submitted_story):
    status = xuexi_status(submitted_story)
    archive = package_zip(status)
    names = archive.namelist()
    cover, inside = submitted_story.cover, submitted_story.inside
    cover_name = f"images/01-image{cover.pk}.jpg"
    inside_name = f"images/02-image{inside.pk}.png"
    assert names == ["article.txt", "article.html", cover_name, inside_name, "manifest.json"]
    assert all(name.isascii() for name in names)
    # The original files, byte for byte (not renditions).
    with cover.file.open("rb") as handle:
        assert archive.read(cover_name) == handle.read()
    with inside.file.open("rb") as handle:
        assert archive.read(inside_name) == handle.read()

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["title"] == "我市新建学校三所"
    assert manifest["author"] == "记者 王记者"
    assert manifest["source_outlet"] == "测试日报"
    assert manifest["original_url"] == submitted_story.get_full_url()
    assert manifest["published_at"].startswith(f"{submitted_story.first_published_at.astimezone():%Y-%m-%d}")
    assert manifest["revision_id"] == status.revision_id
    assert [image["file"] for image in manifest["images"]] == [cover_name, inside_name]
    assert manifest["images"][0]["caption"] == "新校区航拍"

    text = archive.read("article.txt").decode("utf-8")
    assert text.startswith("\ufeff标题：我市新建学校三所")
    assert f"原文链接：{submitted_story.get_full_url()}" in text
    lines = text.split("\r\n")
    assert "第一段，加粗文字&符号。" in lines
    assert f"［图2］学生在新教室上课（{inside_name}）" in lines
    assert "第二段，更多。" in lines
    assert "· 要点一" in lines
    assert "本稿件版权归测试日报所有" in lines

    html = archive.read("article.html").decode("utf-8")
    assert '<meta charset="utf-8">' in html
    assert f'<img src="{inside_name}" alt="学生在新教室上课">' in html
    assert '<a href="https://example.com/more">更多</a>' in html
    assert "<embed" not in html and "embedtype" not in html


def test_the_package_is_private(submitted_story, settings):
    from pathlib import Path

    status = xuexi_status(submitted_story)
    name = packages.package_name(submitted_story.pk, status.revision_id)
    assert (Path(settings.PRIVATE_ROOT) / name).exists()
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert WebClient().get(settings.MEDIA_URL + name).status_code == 404


def test_a_channel_version_title_and_summary_go_into_the_package(review, channel, on_commit):
    from rongmei.distribution.models import StoryChannelVersion

    story = review.add_story(title="原标题", body="<p>正文。</p>")
    draft = story.get_latest_revision_as_object()
    draft.channel_versions = [
        StoryChannelVersion(channel=channel, title="学习强国专用标题", summary="专用摘要")
    ]
    draft.save_revision(user=review.reporter)
    pass_review(review, story, on_commit)
    manifest = json.loads(package_zip(xuexi_status(story)).read("manifest.json"))
    assert (manifest["title"], manifest["summary"]) == ("学习强国专用标题", "专用摘要")


# --- marking it submitted -------------------------------------------------------------------------------


def test_marking_submitted_publishes_the_channel_with_who_when_and_the_address(submitted_story, review):
    status = xuexi_status(submitted_story)
    url = "https://www.xuexi.cn/lgpage/detail/index.html?id=123"
    status = xuexi.mark_done(status, acting_user=review.newmedia, remote_url=url)
    assert status.state == S.PUBLISHED
    assert status.remote_url == url
    assert status.published_at is not None
    when = f"{timezone.localtime(status.published_at):%Y-%m-%d %H:%M}"
    with translation.override(settings.LANGUAGE_CODE):  # the record is in the site's language
        assert status.note == _("submitted by %(name)s at %(time)s") % {"name": "孙新媒", "time": when}
    entry = PageLogEntry.objects.get(page_id=submitted_story.pk, action=xuexi.LOG_SUBMITTED)
    assert entry.user == review.newmedia
    assert entry.data["remote_url"] == url and entry.data["revision_id"] == status.revision_id
    # Nothing is waiting any more: a second record is refused, not doubled.
    with pytest.raises(services.DistributionError):
        xuexi.mark_done(status, acting_user=review.newmedia)
    assert PageLogEntry.objects.filter(action=xuexi.LOG_SUBMITTED).count() == 1


def test_marking_submitted_is_refused_to_staff_who_may_not_edit_the_story(submitted_story, review):
    status = xuexi_status(submitted_story)
    other_reporter = make_user("reporter2", roles.REPORTER)  # may not edit a colleague's story
    outsider = make_user("outsider")
    for user in (other_reporter, outsider):
        assert not permissions.may_handle_xuexi(user, submitted_story)
        with pytest.raises(PermissionDenied):
            xuexi.mark_done(status, acting_user=user)
        with pytest.raises(PermissionDenied):
            xuexi.package_download(status, acting_user=user)
        with pytest.raises(PermissionDenied):
            xuexi.rebuild_package(status, acting_user=user)
    assert xuexi_status(submitted_story).state == S.NEEDS_MANUAL
    assert not PageLogEntry.objects.filter(action=xuexi.LOG_SUBMITTED).exists()


def test_a_bad_address_is_refused_and_a_newer_act_is_not_marked_by_an_older_one(submitted_story, review):
    status = xuexi_status(submitted_story)
    with pytest.raises(services.DistributionError, match="web address"):
        xuexi.mark_done(status, acting_user=review.editor, remote_url="javascript:alert(1)")
    # Meanwhile a correction was queued for the channel: the form read before is out of date.
    StoryChannelStatus.objects.filter(pk=status.pk).update(act=A.CORRECT, revision_id=status.revision_id + 1)
    with pytest.raises(services.DistributionError, match="changed meanwhile"):
        xuexi.mark_done(status, acting_user=review.editor)
    assert xuexi_status(submitted_story).state == S.NEEDS_MANUAL


def test_a_correction_after_submission_needs_a_person_again_and_counts_when_marked(
    submitted_story, review, on_commit
):
    status = xuexi.mark_done(xuexi_status(submitted_story), acting_user=review.editor)
    with on_commit():
        newsroom_services.correct(
            fresh(submitted_story), acting_user=review.editor, note="第二段数字有误，已更正。"
        )
    for reviewer in (review.editor2, review.director, review.chief):
        with on_commit():
            review_services.approve(fresh(submitted_story), acting_user=reviewer)
    status = xuexi_status(submitted_story)
    assert (status.state, status.act) == (S.NEEDS_MANUAL, A.CORRECT)
    assert "correct the story there by hand" in status.note and "第二段数字有误" in status.note
    # The package of the corrected version is made on request, then marked.
    xuexi.rebuild_package(status, acting_user=review.editor)
    assert packages.package_exists(submitted_story.pk, status.revision_id)
    status = xuexi.mark_done(status, acting_user=review.editor)
    assert status.state == S.PUBLISHED and status.corrections_delivered == 1 and status.updated_at


# --- the admin ------------------------------------------------------------------------------------------


def test_package_download_is_checked(client, submitted_story, review):
    status = xuexi_status(submitted_story)
    url = reverse("distribution_xuexi_package", args=[status.pk])
    anonymous = WebClient().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(make_user("reporter2", roles.REPORTER))
    refused = client.get(url)
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    assert refused.get("Content-Disposition") is None
    client.force_login(review.editor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "manifest.json" in archive.namelist()


def test_status_page_and_mark_submitted_form(client, submitted_story, review):
    status = xuexi_status(submitted_story)
    page = reverse("distribution_xuexi", args=[status.pk])
    done = reverse("distribution_xuexi_done", args=[status.pk])
    client.force_login(review.editor)
    response = client.get(page)
    assert response.status_code == 200
    assert reverse("distribution_xuexi_package", args=[status.pk]) in response.content.decode()
    assert client.get(done).status_code == 405
    # A bad address keeps what was typed and says why; nothing is recorded.
    response = client.post(done, {"remote_url": "not an address"})
    assert response.status_code == 200 and "not an address" in response.content.decode()
    assert xuexi_status(submitted_story).state == S.NEEDS_MANUAL
    response = client.post(done, {"remote_url": "https://www.xuexi.cn/a/1"})
    assert response.status_code == 302
    status = xuexi_status(submitted_story)
    assert (status.state, status.remote_url) == (S.PUBLISHED, "https://www.xuexi.cn/a/1")
    # The status page lists what was recorded.
    assert "https://www.xuexi.cn/a/1" in client.get(page).content.decode()


def test_status_page_and_acts_refused_to_unprivileged(client, submitted_story, review):
    status = xuexi_status(submitted_story)
    client.force_login(make_user("reporter2", roles.REPORTER))
    home = reverse("wagtailadmin_home")
    response = client.get(reverse("distribution_xuexi", args=[status.pk]))
    assert response.status_code == 302 and response.url == home
    response = client.post(reverse("distribution_xuexi_done", args=[status.pk]), {"remote_url": ""})
    assert response.status_code == 302 and response.url == home
    response = client.post(reverse("distribution_xuexi_rebuild", args=[status.pk]))
    assert response.status_code == 302 and response.url == home
    assert xuexi_status(submitted_story).state == S.NEEDS_MANUAL


def test_a_retraction_is_taken_down_by_hand_and_recorded(submitted_story, review, on_commit):
    xuexi.mark_done(
        xuexi_status(submitted_story), acting_user=review.editor, remote_url="https://www.xuexi.cn/a/2"
    )
    with on_commit():
        newsroom_services.retract(fresh(submitted_story), acting_user=review.editor, reason="当事人信息有误")
    for reviewer in (review.editor2, review.director, review.chief):
        with on_commit():
            review_services.approve(fresh(submitted_story), acting_user=reviewer)
    status = xuexi_status(submitted_story)
    assert (status.state, status.act) == (S.NEEDS_MANUAL, A.RETRACT)
    # A retracted story is never submitted again; its package cannot be remade.
    with pytest.raises(services.DistributionError, match="retracted"):
        xuexi.rebuild_package(status, acting_user=review.editor)
    status = xuexi.mark_done(status, acting_user=review.editor)
    assert status.state == S.RETRACTED and status.retracted_at is not None
    assert PageLogEntry.objects.filter(page_id=submitted_story.pk, action=xuexi.LOG_TAKEN_DOWN).count() == 1
