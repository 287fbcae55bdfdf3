"""The chunked, resumable upload through the admin's JSON endpoints, and who may use it."""

import pytest
from django.urls import reverse

from rongmei.organisation import roles
from rongmei.testing import login, make_user
from rongmei.video import services
from rongmei.video.models import AudioAsset, State, Upload, VideoAsset

from .media import make_clip, make_sound


def start(client, name, size):
    return client.post(reverse("video_upload_start"), {"name": name, "size": size})


def chunk(client, url, data, start_at, total):
    end = start_at + len(data) - 1
    return client.post(
        url,
        data,
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {start_at}-{end}/{total}",
    )


def upload_all(client, name, data, size=1000):
    answer = start(client, name, len(data))
    assert answer.status_code == 201, answer.content
    url = answer.json()["url"]
    for at in range(0, len(data), size):
        response = chunk(client, url, data[at : at + size], at, len(data))
        if response.status_code != 200:
            break
    return response


def test_a_video_uploaded_in_chunks_resumes_after_a_dropped_chunk(newsroom, client, on_commit):
    login(client, newsroom.reporter)
    data = make_clip("320x240", 1)
    answer = start(client, "现场.mp4", len(data)).json()
    url, third = answer["url"], len(data) // 3
    assert chunk(client, url, data[:third], 0, len(data)).json()["received"] == third
    asset = VideoAsset.objects.get()
    assert asset.state == State.UPLOADING and asset.title == "现场" and 0 < asset.percent_done < 100
    # The second chunk is lost on the way; the third arrives and is refused with where to resume.
    lost = chunk(client, url, data[2 * third :], 2 * third, len(data))
    assert lost.status_code == 409 and lost.json()["received"] == third
    # After a reload the page asks how much arrived, and goes on from there.
    assert client.get(url).json() == {**answer, "received": third}
    assert chunk(client, url, data[third : 2 * third], third, len(data)).status_code == 200
    with on_commit():
        done = chunk(client, url, data[2 * third :], 2 * third, len(data))
    assert done.json()["done"] is True and done.json()["edit_url"] == reverse(
        "video_edit", args=["video", asset.pk]
    )
    asset.refresh_from_db()
    assert asset.state == State.READY, asset.failure_message
    with asset.original.open("rb") as original:
        assert original.read() == data  # the chunks put together in order
    assert asset.file_size == len(data) and not Upload.objects.exists()


def test_an_audio_file_becomes_an_audio_asset(newsroom, client, on_commit):
    login(client, newsroom.reporter)
    with on_commit():
        response = upload_all(client, "采访.wav", make_sound(1), size=50_000)
    assert response.json()["done"]
    assert AudioAsset.objects.get().state == State.READY and not VideoAsset.objects.exists()


def test_a_renamed_exe_is_refused_by_its_content(newsroom, client):
    login(client, newsroom.reporter)
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 2000
    response = upload_all(client, "视频.mp4", program)
    assert response.status_code == 400 and "视频.mp4" in response.json()["error"]
    assert not VideoAsset.objects.exists() and not AudioAsset.objects.exists() and not Upload.objects.exists()


def test_an_empty_file_is_refused_at_the_start(newsroom, client):
    login(client, newsroom.reporter)
    response = start(client, "empty.mp4", 0)
    assert response.status_code == 400 and response.json()["error"]
    assert not Upload.objects.exists()


def test_the_size_caps_are_per_kind(newsroom, client, settings):
    settings.VIDEO_MAX_UPLOAD_BYTES = 10_000_000
    settings.AUDIO_MAX_UPLOAD_BYTES = 1000
    login(client, newsroom.reporter)
    assert start(client, "big.mp4", 10_000_001).status_code == 400
    sound = make_sound(1)
    response = start(client, "long.wav", len(sound))
    refused = chunk(client, response.json()["url"], sound[:2000], 0, len(sound))
    assert refused.status_code == 400 and not AudioAsset.objects.exists()


def test_a_chunk_must_say_where_it_goes_and_match_its_length(newsroom, client):
    login(client, newsroom.reporter)
    url = start(client, "a.mp4", 100).json()["url"]
    assert client.post(url, b"x" * 10, content_type="application/octet-stream").status_code == 400
    short = client.post(
        url, b"x" * 10, content_type="application/octet-stream", HTTP_CONTENT_RANGE="bytes 0-49/100"
    )
    assert short.status_code == 400


def test_only_the_uploader_sees_and_continues_an_upload(newsroom, client):
    login(client, newsroom.reporter)
    data = make_clip("320x240", 1)
    url = start(client, "a.mp4", len(data)).json()["url"]
    chunk(client, url, data[:1000], 0, len(data))
    login(client, newsroom.editor)
    assert client.get(url).status_code == 404
    assert chunk(client, url, data[1000:2000], 1000, len(data)).status_code == 400
    assert Upload.objects.get().received == 1000


def test_who_may_upload_and_edit(newsroom, client):
    analyst = make_user("analyst", roles.ANALYST)
    login(client, analyst)
    assert start(client, "a.mp4", 100).status_code == 403
    assert client.get(reverse("video_upload")).status_code == 302  # Wagtail's refusal: back to the dashboard
    assert client.get(reverse("video_status")).status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.start_upload(None, "a.mp4", 100)
    login(client, newsroom.reporter)
    assert client.get(reverse("video_upload")).status_code == 200
    asset = VideoAsset.objects.create(title="别人的", uploaded_by_user=newsroom.editor, state=State.READY)
    response = client.post(
        reverse("video_edit", args=["video", asset.pk]), {"title": "改了", "rights": "own"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert VideoAsset.objects.get().title == "别人的"
    login(client, newsroom.editor)
    response = client.post(
        reverse("video_edit", args=["video", asset.pk]), {"title": "改了", "rights": "own"}
    )
    assert response.status_code == 302 and VideoAsset.objects.get().title == "改了"


def test_the_status_endpoint_answers_304_while_nothing_changes(newsroom, client):
    login(client, newsroom.reporter)
    asset = VideoAsset.objects.create(title="片子", state=State.TRANSCODING, percent_done=40, seconds_left=12)
    url = reverse("video_status") + f"?keys=video-{asset.pk},audio-99,nonsense"
    first = client.get(url)
    item = first.json()["items"][0]
    assert (item["key"], item["percent"], item["seconds_left"]) == (f"video-{asset.pk}", 40, 12)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    VideoAsset.objects.filter(pk=asset.pk).update(percent_done=41)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["items"][0]["percent"] == 41


def test_the_list_and_the_asset_page_show_state_and_players(newsroom, client, on_commit):
    login(client, newsroom.reporter)
    with on_commit():
        upload_all(client, "现场.mp4", make_clip("320x240", 1), size=100_000)
    asset = VideoAsset.objects.get()
    listing = client.get(reverse("video_index")).content.decode()
    assert "现场" in listing and asset.poster.url in listing
    page = client.get(reverse("video_edit", args=["video", asset.pk])).content.decode()
    assert asset.rendition("720p").url in page and "<video" in page


def test_an_upload_nobody_continues_is_forgotten_with_its_chunks(newsroom, client):
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    login(client, newsroom.reporter)
    data = make_clip("320x240", 1)
    url = start(client, "a.mp4", len(data)).json()["url"]
    chunk(client, url, data[:1000], 0, len(data))
    fresh_url = start(client, "b.mp4", len(data)).json()["url"]
    old = Upload.objects.get(file_name="a.mp4")
    part = services.upload_dir() / f"{old.pk}.part"
    assert part.exists()
    Upload.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(hours=49))
    call_command("video_forget_stale_uploads", stdout=io.StringIO())
    assert not part.exists() and not VideoAsset.objects.exists()
    assert list(Upload.objects.values_list("file_name", flat=True)) == ["b.mp4"]
    assert client.get(fresh_url).status_code == 200


def test_a_video_used_in_a_story_is_not_deleted(newsroom, client, on_commit):
    login(client, newsroom.reporter, language="en")
    with on_commit():
        upload_all(client, "现场.mp4", make_clip("320x240", 1), size=100_000)
    video = VideoAsset.objects.get()
    story = newsroom.add_story(title="有视频", video=video)
    response = client.post(reverse("video_delete", args=["video", video.pk]), follow=True)
    assert "“现场” is used in a story" in response.content.decode()
    assert VideoAsset.objects.filter(pk=video.pk).exists()
    story.video = None
    story.save()
    files = [video.original] + [r.file for r in video.renditions.all()]
    with on_commit():
        response = client.post(reverse("video_delete", args=["video", video.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("video_index")
    assert not VideoAsset.objects.exists()
    assert not any(f.storage.exists(f.name) for f in files)


def test_a_chunk_above_djangos_in_memory_limit_is_taken(newsroom, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    login(client, newsroom.reporter)
    head = make_clip("320x240", 1)
    size = 12 * services.MB
    url = start(client, "big.mp4", size).json()["url"]
    first = (head + b"\x00" * (5 * services.MB))[: 5 * services.MB]
    response = chunk(client, url, first, 0, size)
    assert response.status_code == 200 and response.json()["received"] == 5 * services.MB
    too_big = b"\x00" * (services.CHUNK_MAX_BYTES + 1)
    assert chunk(client, url, too_big, 5 * services.MB, size).status_code == 400
    assert Upload.objects.get().received == 5 * services.MB


def test_the_scheduler_forgets_abandoned_uploads_every_hour(newsroom, client):
    from datetime import timedelta

    from django.utils import timezone

    from rongmei.core.scheduler import registered_jobs
    from rongmei.video.tasks import forget_stale_uploads

    job = {job.name: job for job in registered_jobs()}["video_forget_stale_uploads"]
    assert (job.task_path, job.every_minutes) == ("rongmei.video.tasks.forget_stale_uploads", 60)
    login(client, newsroom.reporter)
    data = make_clip("320x240", 1)
    url = start(client, "a.mp4", len(data)).json()["url"]
    chunk(client, url, data[:1000], 0, len(data))
    Upload.objects.update(updated_at=timezone.now() - timedelta(hours=49))
    assert forget_stale_uploads.call() == "forgotten=1"
    assert not Upload.objects.exists() and not VideoAsset.objects.exists()
