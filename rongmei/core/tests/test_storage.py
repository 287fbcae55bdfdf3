"""The private storage: outside MEDIA_ROOT, no URL, handed out as a download, files moved into it."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from rongmei.core.storage import (
    PrivateFileSystemStorage,
    move_to_private,
    private_file_response,
    private_storage,
)


@pytest.fixture
def roots(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")
    return tmp_path


def test_private_storage_lives_in_private_root_and_has_no_url(roots, settings):
    storage = private_storage()
    assert isinstance(storage, PrivateFileSystemStorage)
    name = storage.save("secret/a.pdf", ContentFile(b"%PDF"))
    assert Path(storage.path(name)).resolve().parent == (roots / "private" / "secret").resolve()
    with pytest.raises(NotImplementedError):
        storage.url(name)
    assert storage.base_url is None
    # Not readable by other users of the machine, the web server's included.
    assert Path(storage.path(name)).stat().st_mode & 0o007 == 0


@pytest.mark.parametrize("inside", ["media", "media/private"])
def test_private_storage_refuses_to_live_inside_media_root(roots, settings, inside):
    storage = PrivateFileSystemStorage(location=str(roots / inside))
    with pytest.raises(ImproperlyConfigured, match="inside MEDIA_ROOT"):
        storage.save("a.pdf", ContentFile(b"x"))


def test_private_file_response_is_a_download(roots):
    class Holder:
        storage = private_storage()
        name = private_storage().save("r.pdf", ContentFile(b"%PDF-1.7"))

    response = private_file_response(Holder, "城东区-daily.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"%PDF-1.7"


def test_move_to_private_moves_once_and_keeps_names(roots):
    public = FileSystemStorage(location=str(roots / "media"))
    public.save("monitoring/a.pdf", ContentFile(b"A"))
    public.save("monitoring/b.pdf", ContentFile(b"B"))
    private_storage().save("monitoring/b.pdf", ContentFile(b"other file of the same name"))

    moved = move_to_private(["monitoring/a.pdf", "monitoring/b.pdf", "monitoring/gone.pdf"], source=public)

    assert moved["monitoring/a.pdf"] == "monitoring/a.pdf"
    assert moved["monitoring/b.pdf"] != "monitoring/b.pdf"  # the existing different file is kept
    assert "monitoring/gone.pdf" not in moved
    assert not public.exists("monitoring/a.pdf") and not public.exists("monitoring/b.pdf")
    assert private_storage().open(moved["monitoring/b.pdf"]).read() == b"B"
    assert move_to_private(["monitoring/a.pdf"], source=public) == {}  # a second run finds nothing
