"""The public side of the test newsroom: regions, a topic and stories published with the real Wagtail
publishing code. The website, the content API and the partner feeds all read it."""

from datetime import UTC, datetime, timedelta

from rongmei.newsroom.models import CorrectionNote, Region, StoryCredit, TopicIndexPage, TopicPage
from rongmei.testing import publish_outside_review


class PublicSite:
    """The ``newsroom`` fixture plus what the public site shows.

    ``clocked``: each publication gets the next minute from 2025-03-01 08:00 UTC as its time (first
    and last published), so feeds and APIs that order by it see a distinct, known order; without it
    a story is published now (or at its ``published_at``).
    """

    def __init__(self, newsroom, *, clocked=False):
        self.newsroom = newsroom
        self.clocked = clocked
        self._clock = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
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
        credits=(),
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
        for role, name in credits:
            story.credits.add(StoryCredit(role=role, name=name))
        revision = story.save_revision(user=self.newsroom.reporter)
        if publish:
            publish_outside_review(revision, user=self.newsroom.chief)
            if published_at is not None:
                type(story).objects.filter(pk=story.pk).update(first_published_at=published_at)
            elif self.clocked:
                self.tick(story, first=True)
        story.refresh_from_db()
        return story

    def tick(self, story, *, first=False):
        """Give the story's last publication the next minute of the clock (its first too, if ``first``)."""
        self._clock += timedelta(minutes=1)
        moments = {"last_published_at": self._clock}
        if first:
            moments["first_published_at"] = self._clock
        type(story).objects.filter(pk=story.pk).update(**moments)

    def correct(self, story, text="更正：人数应为三人。"):
        """Publish a correction note on ``story`` (the object itself is brought up to date)."""
        story.corrections.add(CorrectionNote(noted_at=self._clock, text=text))
        return self._republish(story)

    def retract(self, story):
        """Retract ``story`` (the object itself is brought up to date)."""
        story.is_retracted = True
        story.retraction_reason = "事实有误"
        return self._republish(story)

    def _republish(self, story):
        publish_outside_review(story.save_revision(user=self.newsroom.editor), user=self.newsroom.chief)
        if self.clocked:
            self.tick(story)
        story.refresh_from_db()
        return story
