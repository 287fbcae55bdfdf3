"""In Chromium: a reporter uploads a video through the admin page in chunks, watches the progress
bar, then finds the player on the video's page."""

import re

import pytest

from rongmei.video.models import State, VideoAsset
from rongmei.video.tests.media import make_clip

from .test_review_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_video_uploaded_in_the_admin_shows_progress_then_plays(newsroom, live_server, new_page, settings):
    settings.VIDEO_UPLOAD_CHUNK_BYTES = 8 * 1024  # many chunks from a small clip
    clip = make_clip("320x240", 1)
    base_url = live_server.url
    page = new_page()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
    log_in(page, base_url, "reporter")
    page.goto(f"{base_url}/admin/video/upload/")
    # The bar's values as the upload goes, recorded in the page.
    page.evaluate(
        """() => { window.seen = []; const bar = document.getElementById('video-upload-progress');
        new MutationObserver(() => window.seen.push(bar.value)).observe(bar, {attributes: true}); }"""
    )
    page.set_input_files("#video-file", {"name": "现场.mp4", "mimeType": "video/mp4", "buffer": clip})
    page.click("#video-upload button[type=submit]")
    page.wait_for_selector("#video-upload-done", timeout=60_000)
    seen = page.evaluate("window.seen")
    assert (
        0 < min(v for v in seen if v) < 100
        and page.eval_on_selector("#video-upload-progress", "b => b.value") == 100
    )
    assert page.evaluate("localStorage.getItem('rongmei.video.upload')") is None  # nothing left to resume

    asset = VideoAsset.objects.get()
    page.click("#video-upload-done")
    page.wait_for_url(re.compile(rf"/admin/video/video/{asset.pk}/$"))
    # The worker may still be at it: the page polls and shows the player once it is ready.
    player = page.wait_for_selector("figure.video-player video", timeout=60_000)
    assert VideoAsset.objects.get().state == State.READY
    assert player.get_attribute("poster") == asset.poster.url
    assert page.eval_on_selector("figure.video-player video source", "s => s.src").endswith(
        asset.rendition("720p").url
    )
    # The browser reads the MP4's header (duration) from the server.
    page.wait_for_function(
        "document.querySelector('figure.video-player video').readyState >= 1", timeout=20_000
    )
    assert page.evaluate("document.querySelector('figure.video-player video').duration") == pytest.approx(
        1.0, abs=0.2
    )
