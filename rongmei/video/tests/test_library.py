"""Video and audio in the media library's list (rongmei.media.library), beside the photos."""

import io

from rongmei.media.library import LibraryList, LibraryQuery
from rongmei.video import services
from rongmei.video.models import AudioAsset, State

from .media import make_clip


def test_the_library_lists_video_with_its_poster_and_audio(newsroom):
    video = services.make_asset_from_file(
        newsroom.reporter, "a.mp4", io.BytesIO(make_clip()), transcode_now=True
    )
    video.credit = "记者 王明 摄像"
    video.save()
    video.tags.add("城市更新")
    audio = AudioAsset.objects.create(title="专访录音", state=State.READY)
    rows = LibraryList(LibraryQuery(kind="video"))[0:10]
    assert [(row.kind.key, row.item.pk) for row in rows] == [("video", video.pk)]
    assert rows[0].thumbnail_url == video.poster.url
    assert rows[0].edit_url == f"/admin/video/video/{video.pk}/"
    found = LibraryList(LibraryQuery(text="城市更新"))[0:10]
    assert [row.item for row in found] == [video]
    everything = LibraryList(LibraryQuery())[0:10]
    assert {(row.kind.key, row.item.pk) for row in everything} >= {("video", video.pk), ("audio", audio.pk)}
    assert [row.item for row in LibraryList(LibraryQuery(credit="王明"))[0:10]] == [video]


def test_a_video_used_in_a_story_is_not_unused(newsroom):
    from rongmei.video.models import VideoAsset

    used = VideoAsset.objects.create(title="用过的", state=State.READY)
    spare = VideoAsset.objects.create(title="没用过", state=State.READY)
    newsroom.add_story(title="有视频", video=used)
    unused = LibraryList(LibraryQuery(kind="video", unused=True))[0:10]
    assert [row.item for row in unused] == [spare]
