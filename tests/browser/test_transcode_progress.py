"""In Chromium: the video list follows a transcode on the worker without a reload, its percent done
and time left moving as the worker reports them, until it is ready."""

import pytest

from rongmei.video.models import State, VideoAsset

from .test_review_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_list_shows_a_transcodes_percent_and_time_left_as_it_moves(newsroom, live_server, new_page):
    video = VideoAsset.objects.create(
        title="现场视频", state=State.TRANSCODING, percent_done=10, seconds_left=300, duration=60.0
    )
    base_url = live_server.url
    page = new_page()
    log_in(page, base_url, "editor")
    page.goto(f"{base_url}/admin/video/")
    row = f'[data-video-state="video-{video.pk}"]'
    page.wait_for_selector(row)
    page.evaluate("() => { window.notReloaded = true; }")  # a reload would drop it

    # The worker moves on: the page shows it within a poll or two, without a reload.
    VideoAsset.objects.filter(pk=video.pk).update(percent_done=55, seconds_left=42)
    # (Functions, not strings: the admin's CSP has no 'unsafe-eval'.)
    page.wait_for_function(
        "row => document.querySelector(row + ' .video-state__percent').textContent === '55%'",
        arg=row,
        timeout=15_000,
    )
    assert page.eval_on_selector(f"{row} progress", "bar => bar.value") == 55
    assert "42" in page.inner_text(f"{row} .video-state__left")
    assert page.evaluate("() => window.notReloaded") is True

    VideoAsset.objects.filter(pk=video.pk).update(state=State.READY, percent_done=100, seconds_left=None)
    page.wait_for_function(
        "row => document.querySelector(row).dataset.state === 'ready'", arg=row, timeout=15_000
    )
    assert page.eval_on_selector(f"{row} progress", "bar => bar.hidden") is True
    assert page.inner_text(f"{row} .video-state__percent") == ""
    assert page.inner_text(f"{row} .video-state__left") == ""
