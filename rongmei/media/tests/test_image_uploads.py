"""Image uploads: a decompression bomb is refused with the form's message, on every upload path."""

import json
from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rongmei.media.models import NewsImage
from rongmei.testing import login

from .helpers import huge_png, small_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter_client(client, newsroom):
    return login(client, newsroom.reporter, language="en")


@pytest.mark.parametrize("size", [(20_000, 20_000), (10_000, 10_000)])
def test_single_upload_refuses_too_many_pixels(reporter_client, size):
    response = reporter_client.post(
        reverse("wagtailimages:add"),
        {"title": "炸弹", "file": SimpleUploadedFile("bomb.png", huge_png(*size), "image/png")},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any("too many pixels" in error for error in errors), errors
    assert not NewsImage.objects.exists()


@pytest.mark.parametrize("size", [(20_000, 20_000), (10_000, 10_000)])
def test_multiple_upload_refuses_too_many_pixels(reporter_client, size):
    response = reporter_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("bomb.png", huge_png(*size), "image/png")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["success"] is False
    assert "too many pixels" in answer["error_message"]
    assert not NewsImage.objects.exists()


def test_chooser_upload_refuses_too_many_pixels(reporter_client):
    """The upload tab of the image chooser in the page editor: the same form, the same refusal."""
    response = reporter_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "炸弹",
            "image-chooser-upload-file": SimpleUploadedFile("bomb.png", huge_png()),
        },
    )
    assert response.status_code == 200
    assert "too many pixels" in json.loads(response.content)["htmlFragment"]
    assert not NewsImage.objects.exists()


def test_replacing_the_file_refuses_too_many_pixels(reporter_client):
    image = NewsImage.objects.create(title="原图", file=ImageFile(BytesIO(small_png()), name="ok.png"))
    response = reporter_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "原图", "file": SimpleUploadedFile("bomb.png", huge_png())},
    )
    assert response.status_code == 200
    assert any("too many pixels" in error for error in response.context["form"].errors["file"])
    image.refresh_from_db()
    assert (image.width, image.height) == (40, 30)


def test_a_normal_image_still_uploads(reporter_client):
    response = reporter_client.post(
        reverse("wagtailimages:add"),
        {"title": "正常", "file": SimpleUploadedFile("ok.png", small_png(), "image/png")},
    )
    assert response.status_code == 302
    image = NewsImage.objects.get()
    assert (image.width, image.height) == (40, 30)
