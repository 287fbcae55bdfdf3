"""A story's video moves from a Wagtail document to the media library's VideoAsset (issue 13).

Each document a story (or any of its revisions) names becomes a VideoAsset holding a copy of the
document's file as its original, waiting for the worker: ``python -m rongmei video_transcode_waiting``
queues them (the demo and a new upload queue their own). The revisions' JSON is rewritten too, so a
draft or an older revision keeps its video. The documents themselves stay where they are.
Migration 0007 then drops the old field and gives the new one its name (a separate transaction:
PostgreSQL refuses to alter a table with the row updates' constraint checks still pending).
"""

import json

import django.db.models.deletion
from django.db import migrations, models


def _asset_for(document, VideoAsset, made):
    if document.pk in made:
        return made[document.pk]
    from django.core.files import File

    asset = VideoAsset(
        title=document.title[:255],
        uploaded_by_user_id=document.uploaded_by_user_id,
        original_name=document.file.name.rsplit("/", 1)[-1],
        state="waiting",
    )
    asset.save()
    try:
        with document.file.storage.open(document.file.name, "rb") as source:
            extension = (
                ("." + document.file.name.rsplit(".", 1)[-1].lower())[:8]
                if "." in document.file.name
                else ".mp4"
            )
            asset.original.save(f"{asset.pk}{extension}", File(source), save=False)
            asset.file_size = asset.original.size
    except OSError:  # the document's file is gone: the asset says so instead of the story losing its video
        asset.state = "failed"
        asset.failure_message = "原文件已丢失（迁移自文档），请重新上传视频。"
    asset.save()
    made[document.pk] = asset
    return asset


def forwards(apps, schema_editor):
    StoryPage = apps.get_model("newsroom", "StoryPage")
    Document = apps.get_model("wagtaildocs", "Document")
    VideoAsset = apps.get_model("video", "VideoAsset")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    made = {}
    for story in StoryPage.objects.exclude(video_id=None).only("pk", "video_id"):
        document = Document.objects.filter(pk=story.video_id).first()
        if document is not None:
            StoryPage.objects.filter(pk=story.pk).update(video_asset=_asset_for(document, VideoAsset, made))
    story_type = ContentType.objects.filter(app_label="newsroom", model="storypage").first()
    if story_type is None:
        return
    revisions = Revision.objects.filter(base_content_type=story_type) | Revision.objects.filter(
        content_type=story_type
    )
    for revision in revisions.iterator():
        content = revision.content if isinstance(revision.content, dict) else json.loads(revision.content)
        document_id = content.get("video")
        if document_id is None:
            continue
        document = Document.objects.filter(pk=document_id).first()
        content["video"] = _asset_for(document, VideoAsset, made).pk if document is not None else None
        Revision.objects.filter(pk=revision.pk).update(content=content)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_storypage_video"),
        ("video", "0001_initial"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="storypage",
            name="video_asset",
            field=models.ForeignKey(
                null=True,
                blank=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="video.videoasset",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
