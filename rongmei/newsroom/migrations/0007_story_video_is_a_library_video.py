"""A story's ``video`` is the library video filled in by 0006 (see there)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0006_story_video_from_library"),
    ]

    operations = [
        migrations.RemoveField(model_name="storypage", name="video"),
        migrations.RenameField(model_name="storypage", old_name="video_asset", new_name="video"),
        migrations.AlterField(
            model_name="storypage",
            name="video",
            field=models.ForeignKey(
                blank=True,
                help_text="From the media library (Video and audio); Douyin takes stories with a video only.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="video.videoasset",
                verbose_name="video",
            ),
        ),
    ]
