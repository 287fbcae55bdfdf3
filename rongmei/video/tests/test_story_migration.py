"""newsroom 0006-0007: a story's video document becomes a VideoAsset, in the story and its revisions."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from rongmei.newsroom.models import StoryPage
from rongmei.video.models import State, VideoAsset

from .media import make_clip

BEFORE = [("newsroom", "0005_storypage_video"), ("video", "0001_initial")]
AFTER = [("newsroom", "0007_story_video_is_a_library_video")]


@pytest.fixture
def back_to_the_latest_schema():
    """Every later test needs the database at the newest migrations again (newsroom 0008's audio
    column, video 0002): migrating back to 0005 leaves them undone."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_storys_video_document_moves_into_the_library(back_to_the_latest_schema):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Document = old.get_model("wagtaildocs", "Document")
    # A transactional test may start after another emptied the tables Wagtail's migrations filled.
    collection = old.get_model("wagtailcore", "Collection").objects.get_or_create(
        depth=1, defaults={"path": "0001", "numchild": 0, "name": "Root"}
    )[0]
    clip = make_clip("320x240", 1)
    document = Document(title="老视频", collection=collection)
    document.file.save("old-clip.mp4", ContentFile(clip), save=False)
    document.save()
    story_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="newsroom", model="storypage"
    )[0]
    locale = old.get_model("wagtailcore", "Locale").objects.get_or_create(language_code="zh-hans")[0]
    story = old.get_model("newsroom", "StoryPage").objects.create(
        title="有视频的稿件",
        draft_title="有视频的稿件",
        slug="with-video",
        path="00019999",
        depth=2,
        numchild=0,
        content_type=story_type,
        locale=locale,
        body="<p>正文</p>",
        video=document,
    )
    revision = old.get_model("wagtailcore", "Revision").objects.create(
        content_type=story_type,
        base_content_type=old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="wagtailcore", model="page"
        )[0],
        object_id=str(story.pk),
        content={"title": "有视频的稿件", "video": document.pk},
        created_at=timezone.now(),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    asset = VideoAsset.objects.get()
    assert (asset.title, asset.state, asset.original_name) == ("老视频", State.WAITING, "old-clip.mp4")
    with asset.original.open("rb") as original:
        assert original.read() == clip
    assert StoryPage.objects.filter(pk=story.pk).values_list("video", flat=True).get() == asset.pk
    from wagtail.models import Revision

    assert Revision.objects.get(pk=revision.pk).content["video"] == asset.pk
