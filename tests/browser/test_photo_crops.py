"""Issue 13: an editor sets a picture's WeChat 1:1 cover crop with the admin cropper and sees the
rendition it makes."""

from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from PIL import Image

from rongmei.media.channels import channel_rendition
from rongmei.media.models import ChannelCrop, NewsImage

from .test_review_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def halves(settings, tmp_path, newsroom):
    """2400×1600: red left half, blue right half."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    picture = Image.new("RGB", (2400, 1600), (220, 20, 20))
    picture.paste((20, 20, 220), (1200, 0, 2400, 1600))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=92)
    return NewsImage.objects.create(title="两半", file=ImageFile(buffer, name="halves.jpg"))


def drag(page, selector, dx, dy):
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()


def test_set_a_wechat_cover_crop_and_see_the_rendition(live_server, new_page, halves):
    base_url = live_server.url
    page = new_page()
    log_in(page, base_url, "editor")
    page.goto(f"{base_url}/admin/images/{halves.pk}/")
    page.click("#channel-crops-link a")
    page.wait_for_url(f"**/media-library/images/{halves.pk}/crops/**")
    square = page.locator("#crop-wechat_square")
    before = square.locator("img.channel-rendition").get_attribute("src")

    square.locator(".crop-choose").click()
    page.locator("#cropper-stage").scroll_into_view_if_needed()
    # The 1:1 box starts in the middle at full height; make it smaller, then push it to the right.
    drag(page, "#cropper-handle", -100, -100)
    drag(page, "#cropper-box", 400, 0)
    square.locator(".crop-submit").click()
    page.wait_for_load_state()

    crop = ChannelCrop.objects.get(image=halves, channel="wechat_square")
    assert crop.width == crop.height  # the shape stayed locked
    assert crop.width < 1600 and crop.x + crop.width == 2400  # smaller, against the right edge
    square = page.locator("#crop-wechat_square")
    after = square.locator("img.channel-rendition").get_attribute("src")
    assert after != before
    assert "（手动设置）" in square.locator("h2").inner_text()  # the heading says the crop is set by hand
    # The browser loaded the new rendition, and it shows the blue half.
    loaded = square.locator("img.channel-rendition").evaluate("img => img.complete && img.naturalWidth")
    assert loaded == 500
    rendition = channel_rendition(NewsImage.objects.get(pk=halves.pk), "wechat_square")
    assert rendition.url == after
    with rendition.file.open("rb") as handle:
        shown = Image.open(BytesIO(handle.read()))
        shown.load()
    assert shown.getpixel((250, 250))[2] > 150 and shown.getpixel((480, 20))[2] > 150
