"""A full disk while uploading: a clear refusal, no partial file, no row.

MEDIA_ROOT and PRIVATE_ROOT live on a 1 MB tmpfs mounted for the test (root may mount; anyone else
gets the tests skipped with the reason); the uploads are bigger than that, so the write fails with
ENOSPC half-way, as on a real full disk. The last test needs no mount: a write that fails mid-file."""

import errno
import io
import os
import subprocess

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from rongmei.core.storage import LocalStorage, PrivateFileSystemStorage
from rongmei.media.models import NewsImage
from rongmei.media.static_media import RenditionStorage
from rongmei.tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db

DISK_BYTES = 1024 * 1024


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def full_disk(tmp_path, settings):
    """A 1 MB filesystem holding MEDIA_ROOT and PRIVATE_ROOT."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the write-failure test below still runs")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode:
        pytest.skip(f"mount is not permitted here ({mounted.stderr.strip()})")
    try:
        settings.MEDIA_ROOT = str(disk / "media")
        settings.PRIVATE_ROOT = str(disk / "private")
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def mp4(size) -> SimpleUploadedFile:
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return SimpleUploadedFile("现场.mp4", head + os.urandom(size - len(head)), content_type="video/mp4")


def small_jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def noisy_png(side=700) -> bytes:
    """An image that does not compress: about 1.5 MB."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def send_tip(client, files):
    data = {"text": "东风路水管爆裂，路面积水很深。", "location": "淄川区", "homepage": "", "files": files}
    return client.post("/tips/", data, REMOTE_ADDR="203.0.113.9")


def test_a_tip_whose_video_does_not_fit_is_refused_and_nothing_is_kept(full_disk, newsroom, client):
    response = send_tip(client, [mp4(int(1.5 * DISK_BYTES))])
    assert response.status_code == 507
    page = response.content.decode()
    assert "服务器的存储空间已满" in page and "这条线索没有保存" in page
    assert "东风路水管爆裂" in page  # the text is kept in the form, to send again
    assert not Tip.objects.exists() and not TipAttachment.objects.exists()
    assert files_under(full_disk) == []


def test_the_files_written_before_the_disk_filled_are_removed_too(full_disk, newsroom, client):
    response = send_tip(client, [small_jpeg(), mp4(int(1.5 * DISK_BYTES))])
    assert response.status_code == 507
    assert not Tip.objects.exists() and not TipAttachment.objects.exists()
    assert files_under(full_disk) == []


def test_an_image_upload_that_does_not_fit_gives_a_clear_page_and_no_image(full_disk, newsroom):
    editor = Client(raise_request_exception=False)
    editor.force_login(newsroom.admin)
    before = NewsImage.objects.count()
    upload = SimpleUploadedFile("大图.png", noisy_png(), content_type="image/png")
    response = editor.post(reverse("wagtailimages:add"), {"title": "工地现场", "file": upload})
    assert response.status_code == 507
    page = response.content.decode()
    assert "服务器的存储空间已满，您的文件没有保存" in page and "Traceback" not in page
    assert NewsImage.objects.count() == before
    assert files_under(full_disk) == []


class FailsHalfWay(File):
    """Content whose second chunk never arrives on disk: the disk filled up."""

    def __init__(self):
        super().__init__(io.BytesIO(b"x" * 100), name="cut.bin")

    def chunks(self, chunk_size=None):
        yield b"the first half was written"
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("storage_class", [LocalStorage, PrivateFileSystemStorage, RenditionStorage])
def test_a_write_that_fails_half_way_leaves_no_file(tmp_path, settings, storage_class):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")
    storage = storage_class()
    with pytest.raises(OSError) as raised:
        storage.save("uploads/cut.bin", FailsHalfWay())
    assert raised.value.errno == errno.ENOSPC
    assert files_under(tmp_path) == []
