"""Private files: stored outside MEDIA_ROOT, with no URL, handed out only by views that check a permission.

Anything a reader of the public site must not fetch (clients' 舆情 reports, tips' attachments, 内参)
goes here, never in MEDIA_ROOT: whatever is under MEDIA_ROOT may be served by the web server.

- a model field: ``models.FileField(storage=private_storage, upload_to=...)``;
- a view, after its permission check: ``return private_file_response(obj.field, "name.pdf")``;
- a data migration moving files that used to be public: ``move_to_private(names)``.

See docs/deployment.md, "Uploaded files".
"""

import mimetypes
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.http import FileResponse
from django.utils.functional import cached_property


class CompleteWrites:
    """Storage mixin: a file is on disk whole or not at all. Django's FileSystemStorage leaves the
    part it wrote when the disk fills up (ENOSPC) or the write fails otherwise; a later reader
    (a rendition served for good, a tip's attachment) would get a cut file. Remove it and raise."""

    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            if not existed:
                try:
                    os.remove(full_path)
                except OSError:
                    pass
            raise


class LocalStorage(CompleteWrites, FileSystemStorage):
    """MEDIA_ROOT on local disk (the default storage), writing whole files only."""


class PrivateFileSystemStorage(CompleteWrites, FileSystemStorage):
    """A directory of files that have no URL; ``location`` defaults to ``settings.PRIVATE_ROOT``.

    It refuses to live inside MEDIA_ROOT (the web server serves that) and to make a URL, so a
    template cannot link a private file by mistake.
    """

    def __init__(self, location=None, **kwargs):
        kwargs.pop("base_url", None)
        # Not readable by other users of the machine (the web server's user included).
        kwargs.setdefault("file_permissions_mode", 0o640)
        kwargs.setdefault("directory_permissions_mode", 0o750)
        super().__init__(location=location, **kwargs)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("PRIVATE_ROOT", "MEDIA_ROOT"):
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    @cached_property
    def base_location(self):
        location = Path(self._value_or_setting(self._location, settings.PRIVATE_ROOT)).resolve()
        media_root = Path(settings.MEDIA_ROOT).resolve()
        if location == media_root or media_root in location.parents:
            raise ImproperlyConfigured(
                f"PRIVATE_ROOT ({location}) is inside MEDIA_ROOT ({media_root}), whose files the web "
                "server may serve to anyone. Put private files in a directory of their own."
            )
        return str(location)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise NotImplementedError(
            "Private files have no URL; serve them from a view that checks the permission "
            "(rongmei.core.storage.private_file_response)."
        )


def private_storage() -> Storage:
    """The private storage (``STORAGES["private"]``); a callable, so FileFields and migrations name it."""
    return storages["private"]


def private_file_response(field_file, filename: str, content_type: str | None = None) -> FileResponse:
    """Stream a private file as a download. Call it only after checking the person's permission.

    Raises FileNotFoundError when the file is gone. The answer is never stored by a shared cache,
    never opened in place, and never content-sniffed by the browser.
    """
    handle = field_file.storage.open(field_file.name, "rb")
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def move_to_private(names, source: Storage | None = None, target: Storage | None = None) -> dict[str, str]:
    """Move the named files from ``source`` (default storage) to the private storage.

    Returns ``{old name: new name}`` for each file moved (the name changes only if the target
    already holds a different file of that name); a name missing from ``source`` is skipped, so
    running it twice is harmless. For data migrations of fields that become private.
    """
    source = source or default_storage
    target = target or private_storage()
    moved = {}
    for name in names:
        if not name or not source.exists(name):
            continue
        if target.exists(name) and target.size(name) == source.size(name):
            # Copied by an earlier run that stopped before deleting the public copy.
            source.delete(name)
            moved[name] = name
            continue
        with source.open(name, "rb") as handle:
            new_name = target.save(name, File(handle, name=name))
        source.delete(name)
        moved[name] = new_name
    return moved
