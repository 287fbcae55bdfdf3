"""A campaign's progress with real assignments and stories through 三审: planned, filed and
published per format, the stories tagged with its topic page, and a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rongmei.campaigns import queries, services
from rongmei.newsroom.models import StoryType
from rongmei.newsroom.tests.factories import pass_review
from rongmei.review import services as review_services
from rongmei.testing import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world, on_commit):
    newsroom = world.newsroom
    campaign = world.campaign()
    page, _published = services.create_topic_page(campaign, acting_user=newsroom.chief, slug="kan-zhangdian")
    topic = world.topic("张店老街改造")
    other_topic = world.topic("别的选题")
    services.attach_topics(campaign, [topic], acting_user=newsroom.director)

    # Text: filed and through 三审, so on the site.
    live = pass_review(newsroom, newsroom.add_story(title="老街换新颜"), on_commit)
    world.assignment(topic, "text", story=live, state="done")
    # Photo: filed, waiting at 复审.
    waiting = newsroom.add_story(title="老街影像", story_type=StoryType.PHOTO)
    review_services.submit_for_review(fresh(waiting), acting_user=newsroom.reporter)
    review_services.approve(fresh(waiting), acting_user=newsroom.editor)
    world.assignment(topic, "photo", story=waiting)
    # Video: assigned, nothing filed, overdue; a cancelled text assignment does not count.
    world.assignment(topic, "video", hours=-2)
    world.assignment(topic, "text", state="cancelled", assignee=newsroom.editor)
    # Another topic's published story is not the campaign's.
    elsewhere = pass_review(newsroom, newsroom.add_story(title="别处的稿件"), on_commit)
    world.assignment(other_topic, "text", story=elsewhere, state="done")

    # Tagged with the topic page in the editor, no assignment: live, a draft, a retracted one.
    tagged = newsroom.add_story(title="张店夜市", topics=[page])
    tagged = pass_review(newsroom, tagged, on_commit)
    newsroom.add_story(title="张店草稿", topics=[page])
    gone = pass_review(newsroom, newsroom.add_story(title="撤下的稿件", topics=[page]), on_commit)
    from rongmei.testing import publish_outside_review

    gone.is_retracted = True
    gone.retraction_reason = "事实有误"
    publish_outside_review(gone.save_revision(user=newsroom.editor), user=newsroom.chief)
    return fresh(campaign)


def figures(progress):
    return {row.format: (row.goal, row.planned, row.filed, row.published) for row in progress.formats}


def test_planned_filed_and_published_per_format(campaign):
    progress = queries.progress(campaign)
    assert figures(progress) == {
        "text": (3, 1, 1, 2),  # the assigned story and the tagged one are live
        "photo": (2, 1, 1, 0),
        "video": (1, 1, 0, 0),
        "live": (0, 0, 0, 0),
    }
    text = progress.formats[0]
    assert text.percent == 67 and not text.reached
    assert progress.formats[3].percent is None
    assert progress.published == 2 and progress.goal == 6
    assert progress.open_assignments == 1 and progress.overdue_assignments == 1


def test_the_stories_with_their_review_state(campaign):
    states = {item.story.title: item.state for item in queries.progress(campaign).stories}
    assert states == {
        "老街换新颜": "published",
        "老街影像": "in review: 复审",
        "张店夜市": "published",
        "张店草稿": "draft",
        "撤下的稿件": "retracted",
    }
    items = {item.story.title: item for item in queries.progress(campaign).stories}
    assert items["老街影像"].format == "photo" and items["老街影像"].assignees == ["王记者"]
    assert items["张店夜市"].from_topic_page and not items["老街换新颜"].from_topic_page


def test_progress_reads_a_fixed_number_of_queries(world, campaign, on_commit):
    with CaptureQueriesContext(connection) as small:
        queries.progress(campaign)
    newsroom = world.newsroom
    topic = campaign.topics.get()
    for number in range(4):
        story = pass_review(newsroom, newsroom.add_story(title=f"更多稿件{number}"), on_commit)
        world.assignment(
            topic, "text", story=story, assignee=newsroom.newmedia if number % 2 else newsroom.editor2
        )
        newsroom.add_story(title=f"更多草稿{number}", topics=[campaign.topic_page])
    with CaptureQueriesContext(connection) as large:
        progress = queries.progress(campaign)
    assert figures(progress)["text"] == (3, 5, 5, 6)
    assert len(large) == len(small) <= 6, [q["sql"] for q in large.captured_queries]
