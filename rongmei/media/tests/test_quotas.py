"""Storage quotas per kind: an upload that would pass its kind's ceiling is refused before anything is
stored, with the use and what to do; the library shows each kind's use; no quota, no refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rongmei.media import quotas
from rongmei.media.models import NewsImage
from rongmei.testing import login, make_image
from rongmei.video.models import Upload, VideoAsset, VideoRendition
from rongmei.video.tests.media import make_clip
from rongmei.video.tests.test_upload import chunk, start

from .test_upload_limits import a_jpeg

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_a_photo_that_would_pass_the_photo_quota_is_refused_and_nothing_is_saved(newsroom, client, settings):
    login(client, newsroom.editor, language="zh-hans")
    existing = make_image(title="旧图")
    used = 5000
    NewsImage.objects.filter(pk=existing.pk).update(file_size=used)
    photo = a_jpeg(800, 600)
    settings.MEDIA_QUOTA_BYTES = {"image": used + len(photo) - 1}

    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "新图", "file": SimpleUploadedFile("新图.jpg", photo, "image/jpeg")},
    )

    (error,) = response.context["form"].errors["file"]
    # The use, the ceiling and the file's size, in figures (the words are the reader's language).
    assert all(quotas.size_text(n) in error for n in (used, used + len(photo) - 1, len(photo))), error
    assert list(NewsImage.objects.values_list("title", flat=True)) == ["旧图"]

    settings.MEDIA_QUOTA_BYTES = {"image": used + len(photo)}
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "新图", "file": SimpleUploadedFile("新图.jpg", photo, "image/jpeg")},
    )
    assert response.status_code == 302 and NewsImage.objects.filter(title="新图").exists()


def test_a_video_over_the_video_quota_is_refused_at_its_first_chunk(newsroom, client, settings):
    login(client, newsroom.reporter)
    old = VideoAsset.objects.create(title="旧视频", file_size=4000)
    VideoRendition.objects.create(
        asset=old, kind=VideoRendition.Kind.P720, width=1280, height=720, file_size=3000
    )
    clip = make_clip("320x240", 1)
    settings.MEDIA_QUOTA_BYTES = {"video": 7000 + len(clip) - 1, "audio": 0}

    answer = start(client, "新视频.mp4", len(clip))
    refused = chunk(client, answer.json()["url"], clip[:2000], 0, len(clip))

    assert refused.status_code == 400
    assert all(quotas.size_text(n) in refused.json()["error"] for n in (7000, len(clip))), refused.json()
    assert list(VideoAsset.objects.values_list("title", flat=True)) == ["旧视频"]
    assert not Upload.objects.exists()

    settings.MEDIA_QUOTA_BYTES = {"video": 0}  # no quota: taken
    answer = start(client, "新视频.mp4", len(clip))
    assert chunk(client, answer.json()["url"], clip[:2000], 0, len(clip)).status_code == 200


def test_the_library_shows_each_kinds_use_against_its_quota(newsroom, client, settings):
    settings.MEDIA_QUOTA_BYTES = {"video": 10 * quotas.MB}
    VideoAsset.objects.create(title="旧视频", file_size=quotas.MB * 9)
    login(client, newsroom.editor)

    page = client.get(reverse("media_library")).content.decode()

    usage = {row.key: row for row in client.get(reverse("media_library")).context["usage"]}
    assert usage["video"].used == 9 * quotas.MB and usage["video"].percent == 90
    assert usage["image"].quota is None
    assert "9.0 MB / 10.0 MB (90%)" in page and "media-library-usage__kind--full" in page
