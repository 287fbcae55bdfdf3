"""Fixtures of the print edition tests: the test newsroom with 三审, the print permissions granted
to the roles, the distribution channels, pictures in a temporary MEDIA_ROOT and helpers to get a
story through review."""

import datetime
from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone, translation
from PIL import Image as PILImage

from rongmei.distribution import services as distribution_services
from rongmei.distribution.models import Channel
from rongmei.media.models import NewsImage
from rongmei.newsroom.models import StoryPage
from rongmei.printing import permissions, services
from rongmei.review import services as review_services


def fresh(story):
    return StoryPage.objects.get(pk=story.pk)


def make_image(
    title="现场图片",
    size=(2400, 1600),
    colour=(180, 40, 40),
    caption="市民在广场参加活动",
    credit="记者 王明 摄",
):
    buffer = BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG", quality=95)
    return NewsImage.objects.create(
        title=title, caption=caption, credit=credit, file=ImageFile(buffer, name="photo.jpg")
    )


@pytest.fixture(autouse=True)
def english():
    """Messages in English: the zh-Hans catalogue is merged after this work lands."""
    with translation.override("en"):
        yield


@pytest.fixture
def en_client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def paper(review, settings, tmp_path):
    """The review newsroom with print permissions and the default channels."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    permissions.grant_role_permissions()
    distribution_services.ensure_channels()
    # The newsroom prints: its print channel is on (a fresh install has it switched off).
    Channel.objects.filter(pk=services.ensure_print_channel().pk).update(enabled=True)
    return review


@pytest.fixture
def pass_review(paper, on_commit):
    def run(story):
        with on_commit():
            review_services.submit_for_review(fresh(story), acting_user=paper.reporter)
        for reviewer in (paper.editor, paper.director, paper.chief):
            with on_commit():
                review_services.approve(fresh(story), acting_user=reviewer)
        return fresh(story)

    return run


@pytest.fixture
def approved_story(paper, on_commit):
    """A live story (published as loaded content: quicker than 三审, the same for the gate)."""
    with on_commit():
        story = paper.add_story(
            title="我市新建三所学校", body="<p>某地新建学校三所。</p><p>明年秋季开学。</p>", publish=True
        )
    return fresh(story)


@pytest.fixture
def print_story(paper, pass_review):
    """A story whose editor chose the paper (a print version: headline and target length)."""
    from rongmei.distribution.models import StoryChannelVersion

    story = paper.add_story(title="印刷稿件", body="<p>一段正文。</p>")
    story.channel_versions.add(
        StoryChannelVersion(channel=Channel.objects.get(kind="print"), title="报纸标题", target_length=1200)
    )
    story.save_revision(user=paper.reporter)
    return pass_review(story)


@pytest.fixture
def issue(paper):
    return services.create_issue(
        paper.outlet,
        timezone.localdate() + datetime.timedelta(days=1),
        4,
        page_names=["要闻", "时政", "社会", "副刊"],
        acting_user=paper.editor,
    )
