"""Fixtures of the content API tests: published stories in sections, regions and a topic, and the
IPTC ninjs 2.1 schema every emitted item is checked against."""

import json
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage

from rongmei.media.models import NewsImage
from rongmei.newsroom.models import CorrectionNote, Region, StoryCredit, TopicIndexPage, TopicPage
from rongmei.testing import publish_outside_review

NINJS_SCHEMA_PATH = Path(__file__).resolve().parents[3].parent / "shared" / "ninjs" / "ninjs-schema-2.1.json"


def make_image(caption="市民在广场参加活动", credit="记者 王明 摄"):
    buffer = BytesIO()
    PILImage.new("RGB", (1600, 900), (180, 40, 40)).save(buffer, "JPEG")
    return NewsImage.objects.create(
        title="现场图片", caption=caption, credit=credit, file=ImageFile(buffer, name="test.jpg")
    )


class ApiSite:
    def __init__(self, newsroom):
        self.newsroom = newsroom
        self.province = Region.objects.create(name="山东省", slug="shandong", level=Region.Level.PROVINCE)
        self.city = Region.objects.create(
            name="淄博市", slug="zibo", level=Region.Level.CITY, parent=self.province
        )
        self.district = Region.objects.create(
            name="张店区", slug="zhangdian", level=Region.Level.DISTRICT, parent=self.city
        )
        self.other_city = Region.objects.create(
            name="济南市", slug="jinan", level=Region.Level.CITY, parent=self.province
        )
        self.topic_index = newsroom.home.add_child(instance=TopicIndexPage(title="专题", slug="zhuanti"))
        self.topic = self.topic_index.add_child(instance=TopicPage(title="记者走基层", slug="zoujiceng"))
        self._clock = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def story(self, *, title, publish=True, regions=(), topics=(), corrections=(), credits=(), **fields):
        story = self.newsroom.add_story(title=title, **fields)
        if regions:
            story.regions = list(regions)
        if topics:
            story.topics = list(topics)
        for noted_at, text in corrections:
            story.corrections.add(CorrectionNote(noted_at=noted_at, text=text))
        for role, name in credits:
            story.credits.add(StoryCredit(role=role, name=name))
        revision = story.save_revision(user=self.newsroom.reporter)
        if publish:
            publish_outside_review(revision, user=self.newsroom.chief)
            self._clock += timedelta(minutes=1)
            type(story).objects.filter(pk=story.pk).update(first_published_at=self._clock)
        story.refresh_from_db()
        return story

    def retract(self, story):
        story.is_retracted = True
        story.retraction_reason = "事实有误"
        publish_outside_review(story.save_revision(user=self.newsroom.editor), user=self.newsroom.chief)
        story.refresh_from_db()


@pytest.fixture
def api_site(newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return ApiSite(newsroom)


@pytest.fixture
def en(client):
    """Messages in English: the catalogue is merged after this work lands."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(scope="session")
def ninjs_validator():
    if not NINJS_SCHEMA_PATH.exists():
        pytest.skip(f"the IPTC ninjs 2.1 schema is not at {NINJS_SCHEMA_PATH} (../shared/ninjs/)")
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(NINJS_SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture
def valid(ninjs_validator):
    """Assert that a ninjs item validates against the IPTC schema; return it."""

    def check(item):
        errors = sorted(ninjs_validator.iter_errors(item), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
        return item

    return check
