"""Fixtures of the print edition tests: the test newsroom with 三审, the print permissions granted
to the roles, the distribution channels, pictures in a temporary MEDIA_ROOT and a story through
review."""

import datetime

import pytest
from django.utils import timezone, translation

from rongmei.distribution import services as distribution_services
from rongmei.distribution.models import Channel
from rongmei.newsroom.tests import factories as newsroom_factories
from rongmei.printing import permissions, services
from rongmei.testing import fresh


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
    """``pass_review(story)``: the story through 三审, its deliveries run; the story as stored now."""
    return lambda story: newsroom_factories.pass_review(paper, story, on_commit)


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
