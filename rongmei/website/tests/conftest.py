"""Helpers for the website tests: stories published with the real Wagtail publishing code."""

from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage

from rongmei.media.models import NewsImage
from rongmei.newsroom.models import CorrectionNote, Region, TopicIndexPage, TopicPage
from rongmei.testing import publish_outside_review


def make_image(title="现场图片", caption="市民在广场参加活动", credit="记者 王明 摄", size=(1200, 800)):
    buffer = BytesIO()
    PILImage.new("RGB", size, (180, 40, 40)).save(buffer, "JPEG")
    return NewsImage.objects.create(
        title=title, caption=caption, credit=credit, file=ImageFile(buffer, name="test.jpg")
    )


class Site:
    """The `newsroom` fixture plus what the public site shows: regions, topics, published stories."""

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
        self.topic = self.topic_index.add_child(
            instance=TopicPage(title="记者走基层", slug="zoujiceng", summary="走进张店", region=self.district)
        )

    def story(
        self,
        *,
        title,
        publish=True,
        regions=(),
        topics=(),
        other_sections=(),
        tags=(),
        corrections=(),
        published_at=None,
        **fields,
    ):
        story = self.newsroom.add_story(title=title, **fields)
        if regions:
            story.regions = list(regions)
        if topics:
            story.topics = list(topics)
        if other_sections:
            story.other_sections = list(other_sections)
        if tags:
            story.tags.add(*tags)
        for noted_at, text in corrections:
            story.corrections.add(CorrectionNote(noted_at=noted_at, text=text))
        revision = story.save_revision(user=self.newsroom.reporter)
        if publish:
            publish_outside_review(revision, user=self.newsroom.chief)
            story.refresh_from_db()
            if published_at is not None:
                type(story).objects.filter(pk=story.pk).update(first_published_at=published_at)
                story.refresh_from_db()
        return story

    def retract(self, story):
        story.is_retracted = True
        story.retraction_reason = "事实有误"
        publish_outside_review(story.save_revision(user=self.newsroom.editor), user=self.newsroom.chief)
        story.refresh_from_db()


@pytest.fixture
def site(newsroom):
    return Site(newsroom)


@pytest.fixture
def at():
    def make(day, hour=0, minute=0):
        return datetime(2025, 3, day, hour, minute, tzinfo=UTC)

    return make
