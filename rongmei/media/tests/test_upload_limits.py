"""Upload refusals by content, not by name: each bad file gets a Chinese message and nothing is saved."""

import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from rongmei.media.forms import DAMAGED
from rongmei.media.models import NewsImage
from rongmei.testing import login

from .helpers import exif_of, huge_png, jpeg_with_exif, small_png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def zh_client(client, newsroom):
    return login(client, newsroom.reporter, language="zh-hans")


def a_jpeg(width=300, height=200) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


BAD_FILES = {
    "exe renamed": ("照片.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500, "image/jpeg"),
    "empty": ("空.jpg", b"", "image/jpeg"),
    "truncated jpeg": ("断.jpg", a_jpeg(1200, 900)[:1500], "image/jpeg"),
    "html as png": ("页.png", b"<html><script>alert(1)</script></html>", "image/png"),
    "png named jpg": None,  # filled below: allowed, the type comes from the content
}


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("case", ["exe renamed", "empty", "html as png"])
def test_single_upload_refuses_bad_files_in_chinese(zh_client, case):
    name, data, content_type = BAD_FILES[case]
    response = zh_client.post(
        reverse("wagtailimages:add"),
        {"title": "坏文件", "file": SimpleUploadedFile(name, data, content_type)},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors and all(has_chinese(error) for error in errors), errors
    assert not NewsImage.objects.exists()


@pytest.mark.parametrize("path", ["wagtailimages:add", "wagtailimages:add_multiple"])
def test_a_truncated_jpeg_is_refused_as_damaged(zh_client, path):
    name, data, content_type = BAD_FILES["truncated jpeg"]
    if path == "wagtailimages:add":
        response = zh_client.post(
            reverse(path), {"title": "断", "file": SimpleUploadedFile(name, data, content_type)}
        )
        message = response.context["form"].errors["file"]
        assert message == [str(DAMAGED)]
    else:
        response = zh_client.post(
            reverse(path),
            {"files[]": SimpleUploadedFile(name, data, content_type)},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
        answer = json.loads(response.content)
        assert answer["success"] is False and str(DAMAGED) in answer["error_message"]
    assert not NewsImage.objects.exists()


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_let_pillow_load_them(zh_client, monkeypatch):
    # WeasyPrint sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True when imported (reports, 内参 PDFs).
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    name, data, content_type = BAD_FILES["truncated jpeg"]
    response = zh_client.post(
        reverse("wagtailimages:add"), {"title": "断", "file": SimpleUploadedFile(name, data, content_type)}
    )
    assert response.context["form"].errors["file"] == [str(DAMAGED)]
    assert not NewsImage.objects.exists()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's setting is given back


@pytest.mark.parametrize("case", ["exe renamed", "html as png"])
def test_multiple_upload_refuses_bad_files_in_chinese(zh_client, case):
    name, data, content_type = BAD_FILES[case]
    response = zh_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, data, content_type)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["success"] is False
    assert has_chinese(answer["error_message"]), answer["error_message"]
    assert not NewsImage.objects.exists()


def test_huge_png_refused_in_chinese(zh_client):
    response = zh_client.post(
        reverse("wagtailimages:add"),
        {"title": "炸弹", "file": SimpleUploadedFile("bomb.png", huge_png(), "image/png")},
    )
    errors = response.context["form"].errors["file"]
    assert errors and all(has_chinese(error) for error in errors), errors
    assert not NewsImage.objects.exists()


def test_a_png_with_a_jpg_name_is_taken_for_what_it_is(zh_client):
    response = zh_client.post(
        reverse("wagtailimages:add"),
        {"title": "改名", "file": SimpleUploadedFile("photo.jpg", small_png(), "image/jpeg")},
    )
    assert response.status_code == 302
    image = NewsImage.objects.get()
    assert image.file.name.endswith(".png")


def test_upload_reads_date_taken_and_camera_and_keeps_gps_in_the_private_original(zh_client):
    response = zh_client.post(
        reverse("wagtailimages:add"),
        {"title": "现场", "file": SimpleUploadedFile("dsc.jpg", jpeg_with_exif(), "image/jpeg")},
    )
    assert response.status_code == 302
    image = NewsImage.objects.get()
    assert image.camera == "Canon EOS R5"
    assert timezone.localtime(image.taken_at).strftime("%Y-%m-%d %H:%M:%S") == "2026-03-14 09:26:53"
    with image.file.open("rb") as handle:
        assert exif_of(handle.read()).get_ifd(0x8825)


def test_multiple_upload_reads_exif_too(zh_client):
    response = zh_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("dsc.jpg", jpeg_with_exif(model="iPhone 15"), "image/jpeg")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert json.loads(response.content)["success"] is True
    image = NewsImage.objects.get()
    assert image.camera == "Canon iPhone 15"
    assert image.taken_at is not None


def test_an_editors_date_taken_is_kept(zh_client):
    response = zh_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "现场",
            "file": SimpleUploadedFile("dsc.jpg", jpeg_with_exif(), "image/jpeg"),
            "taken_at": "2025-01-02 03:04",
        },
    )
    assert response.status_code == 302
    assert timezone.localtime(NewsImage.objects.get().taken_at).year == 2025


def test_a_sideways_phone_photo_is_turned_upright(zh_client):
    # Stored 600×400 with "turn 90° clockwise to show" (orientation 6): people see it 400×600.
    response = zh_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "竖拍",
            "file": SimpleUploadedFile("phone.jpg", jpeg_with_exif(600, 400, orientation=6), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    image = NewsImage.objects.get()
    assert (image.width, image.height) == (400, 600)
    with image.file.open("rb") as handle:
        data = handle.read()
    assert exif_of(data).get(0x0112, 1) == 1
    rendition = image.get_rendition("width-200")
    assert (rendition.width, rendition.height) == (200, 300)
    with rendition.file.open("rb") as handle:
        picture = Image.open(BytesIO(handle.read()))
        picture.load()
    # Orientation 6 turns the stored red-left/blue-right picture so red is on top.
    assert picture.getpixel((100, 20))[0] > 150 and picture.getpixel((100, 280))[2] > 150


def test_a_truncated_png_is_refused_as_damaged(zh_client):
    buffer = BytesIO()
    Image.effect_noise((400, 300), 40).convert("RGB").save(buffer, "PNG")
    response = zh_client.post(
        reverse("wagtailimages:add"),
        {"title": "断", "file": SimpleUploadedFile("cut.png", buffer.getvalue()[:-200], "image/png")},
    )
    assert response.context["form"].errors["file"] == [str(DAMAGED)]
    assert not NewsImage.objects.exists()
