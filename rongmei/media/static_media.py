"""Image renditions as static files: named by their bytes, answered from disk (issue 12, decision 0028).

Two parts:

``RenditionStorage``
    Wagtail's rendition storage (``WAGTAILIMAGES_RENDITION_STORAGE``). It adds the first 16 hex
    digits of the SHA-256 of a rendition's bytes to its file name, so one name always means the
    same bytes (``images/photo.2e16d0ba.fill-800x450.3f9c0e1a2b4d5e6f.jpg``). Wagtail's own name
    (original's name, focal point key, filter) comes back with other bytes when a picture is
    deleted and another uploaded under the same name, or a file is replaced; a reader's cache
    would then show the old picture.

``RenditionFiles``
    WSGI middleware around Django (``rongmei/wsgi.py``) that answers ``MEDIA_URL + "images/<name>"``
    from ``MEDIA_ROOT/images/`` (and ``video/<name>``, the video and audio renditions and posters of
    ``rongmei.video``: .mp4, .m4a, .mp3, .jpg) without building a Django request: one ``stat``, then WhiteNoise's
    responder (ETag, Last-Modified, 304, Range, HEAD). A name with the content hash is cached for
    a year (``immutable``); an older name for an hour. Only plain files directly in that folder,
    with a rendition's extension, after resolving links, are answered; everything else (originals,
    documents, other folders, ``..``, missing files) goes on to Django, whose route refuses it
    (``rongmei.media.views``). Files made after the server started are found: nothing is indexed.
"""

import functools
import hashlib
import os
import posixpath
import re
import stat

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from whitenoise.responders import StaticFile
from whitenoise.string_utils import decode_path_info

from rongmei.core.storage import CompleteWrites

FOLDER = "images"
VIDEO_FOLDER = "video"
# What Wagtail writes as renditions (no SVG: it can carry scripts, and we accept no SVG uploads),
# with the type to send: the machine's mimetypes table may lack the newer ones, and nosniff
# forbids the browser to guess.
RENDITION_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
# What rongmei.video writes: MP4s, audio, posters. Originals live elsewhere and are never answered.
VIDEO_TYPES = {
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".jpg": "image/jpeg",
}
FOLDER_TYPES = {FOLDER: RENDITION_TYPES, VIDEO_FOLDER: VIDEO_TYPES}
HASH_DIGITS = 16
YEAR = 365 * 24 * 60 * 60
LONG_CACHE = f"max-age={YEAR}, public, immutable"
# Names from before the hash: a picture deleted and another uploaded under its name gets the same
# rendition name, so a reader may see the old one this long.
SHORT_CACHE = "max-age=3600, public"

# One file directly in the folder: no "/", no NUL or backslash, not hidden, one of its extensions.
_NAMES = {
    FOLDER: re.compile(r"[^/\\\x00.][^/\\\x00]*\.(?:jpe?g|png|gif|webp|avif)", re.IGNORECASE),
    VIDEO_FOLDER: re.compile(r"[^/\\\x00.][^/\\\x00]*\.(?:mp4|m4a|mp3|jpg)", re.IGNORECASE),
}
_NAME = _NAMES[FOLDER]
# The content hash, then optionally the storage's "_abcdefg" (a same-content file already there).
_HASHED = re.compile(rf"\.[0-9a-f]{{{HASH_DIGITS}}}(?:_[A-Za-z0-9]{{7}})?\.[A-Za-z0-9]+\Z")


def content_digest(content) -> str:
    """The first HASH_DIGITS hex digits of the SHA-256 of a file's bytes (read from the start)."""
    digest = hashlib.sha256()
    for chunk in File(content).chunks():  # from the start (File.chunks seeks to 0)
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()[:HASH_DIGITS]


class ContentHashNames:
    """Storage mixin: a saved file's name carries the hash of its bytes (local disk and S3 alike)."""

    # The storage may add "_" + 7 characters when the name is taken (the same bytes under another
    # row); keep room for it so that it never truncates the hash.
    SUFFIX_ROOM = 8

    def save(self, name, content, max_length=None):
        if name is None:
            name = content.name
        stem, extension = posixpath.splitext(name)
        folder, base = posixpath.split(stem)
        if base.startswith("."):
            # Wagtail cuts the original's name to keep a rendition's short; a long filter spec (a
            # channel crop with its format) leaves none: ".<focal key>.<spec>", a hidden file to the
            # server (and to RenditionFiles). Give it a name.
            stem = posixpath.join(folder, "rendition" + base)
        tag = "." + content_digest(content)
        if max_length is not None:
            room = max_length - len(extension) - len(tag) - self.SUFFIX_ROOM
            folder, base = posixpath.split(stem)
            stem = posixpath.join(folder, base[: max(1, room - len(folder) - 1)])
        return super().save(stem + tag + extension, content, max_length=max_length)


class RenditionStorage(ContentHashNames, CompleteWrites, FileSystemStorage):
    """MEDIA_ROOT, with a rendition's content hash in its name (see the module's docstring)."""


def is_content_named(name: str) -> bool:
    """Whether a rendition's file name carries its content hash (so it may be cached for good)."""
    return _HASHED.search(name) is not None


def rendition_headers(url_path: str, types=RENDITION_TYPES) -> list:
    name = url_path.rsplit("/", 1)[-1]
    return [
        ("Content-Type", types[posixpath.splitext(name)[1].lower()]),
        ("Cache-Control", LONG_CACHE if is_content_named(name) else SHORT_CACHE),
        ("X-Content-Type-Options", "nosniff"),
        # Opened directly, it is an image in a sandbox: nothing in it may run or load.
        ("Content-Security-Policy", "default-src 'none'; sandbox"),
    ]


@functools.lru_cache(maxsize=8)
def _real_folder(media_root: str, folder: str = FOLDER) -> str:
    return os.path.realpath(os.path.join(media_root, folder))


# URL path -> (the file's identity when looked up, its StaticFile); checked by one stat per request.
_found: dict = {}
FOUND_MAX = 20_000


def find_rendition(url_path: str):
    """The WhiteNoise ``StaticFile`` for a rendition's URL path (decoded), or None.

    None for anything that is not a plain file directly in MEDIA_ROOT/images/ (or video/) with a
    rendition's extension: a missing file, another folder, ``..``, a link leading elsewhere, a directory.
    A file found before is answered again while ``stat`` shows the same file (inode, size, time);
    a file deleted, replaced or turned into a link is looked up anew.
    """
    folder = url_path[len(settings.MEDIA_URL) :].split("/", 1)[0]
    if not url_path.startswith(settings.MEDIA_URL) or folder not in FOLDER_TYPES:
        return None
    name = url_path[len(settings.MEDIA_URL) + len(folder) + 1 :]
    if not _NAMES[folder].fullmatch(name):
        return None
    path = os.path.join(_real_folder(str(settings.MEDIA_ROOT), folder), name)
    try:
        info = os.stat(path)
        identity = (path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
        known = _found.get(url_path)
        if known is not None and known[0] == identity:
            return known[1]
        # Links are followed only if they stay in the folder (and a link would be odd there anyway).
        if os.path.realpath(path) != path or not stat.S_ISREG(info.st_mode):
            return None
        static_file = StaticFile(path, rendition_headers(url_path, FOLDER_TYPES[folder]))
    except (OSError, ValueError):
        return None
    if len(_found) >= FOUND_MAX:
        _found.clear()
    _found[url_path] = (identity, static_file)
    return static_file


def _is_secure(environ) -> bool:
    header = settings.SECURE_PROXY_SSL_HEADER
    if header:
        name, value = header
        return environ.get(name, "").split(",")[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"


class RenditionFiles:
    """WSGI middleware: renditions from disk, everything else to ``application`` (Django)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        path = decode_path_info(environ.get("PATH_INFO", ""))
        if settings.SERVE_MEDIA and path.startswith(settings.MEDIA_URL):
            static_file = find_rendition(path)
            # Plain http:// with SECURE_SSL_REDIRECT: Django redirects it, as it would a page.
            if static_file is not None and (not settings.SECURE_SSL_REDIRECT or _is_secure(environ)):
                response = static_file.get_response(environ["REQUEST_METHOD"], environ)
                start_response(f"{response.status} {response.status.phrase}", list(response.headers))
                if response.file is None:
                    return []
                return environ.get("wsgi.file_wrapper", _FileWrapper)(response.file)
        return self.application(environ, start_response)


def _FileWrapper(file, block_size=8192):  # noqa: N802 (wsgiref's name)
    from wsgiref.util import FileWrapper

    return FileWrapper(file, block_size)
