"""The embedded server's /media/ route: image renditions only.

MEDIA_ROOT also holds uploaded originals (``original_images/``), documents (``documents/``) and
Wagtail's pending uploads; none of them may be fetched by URL. Documents go through Wagtail's
checked view (/documents/<id>/<name>), originals only through renditions. The production web
server follows the same rule (docs/deployment.md, "Uploaded files").
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

PUBLIC_FOLDER = "images/"
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


def is_public_media(path: str) -> bool:
    """Whether a path under MEDIA_ROOT (as in the URL) is an image rendition anyone may fetch."""
    normalized = posixpath.normpath(path).lstrip("/")
    return (
        normalized.startswith(PUBLIC_FOLDER)
        and ".." not in normalized.split("/")
        and posixpath.splitext(normalized)[1].lower() in RENDITION_TYPES
    )


@require_safe
def serve_public_media(request, path):
    if not is_public_media(path):
        raise Http404("Not a public file.")
    name = posixpath.normpath(path).lstrip("/")
    response = serve(request, name, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        response["Content-Type"] = RENDITION_TYPES[posixpath.splitext(name)[1].lower()]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
