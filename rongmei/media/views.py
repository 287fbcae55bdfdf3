"""The /media/ route: image renditions only, as ``rongmei.wsgi`` answers them before Django.

MEDIA_ROOT also holds uploaded originals (``original_images/``), documents (``documents/``) and
Wagtail's pending uploads; none of them may be fetched by URL. Documents go through Wagtail's
checked view (/documents/<id>/<name>), originals only through renditions. The production web
server follows the same rule (docs/deployment.md, "Uploaded files").

Under gunicorn or runserver ``rongmei.media.static_media.RenditionFiles`` answers renditions
without reaching this view; it sees what that lets through (everything but a rendition on disk,
which it refuses) and requests from servers that do not use ``rongmei.wsgi`` (the test client).
Both give the same answer for a rendition: the same lookup and headers.
"""

from django.conf import settings
from django.http import Http404
from whitenoise.middleware import WhiteNoiseMiddleware

from .static_media import find_rendition


def serve_public_media(request, path):
    static_file = find_rendition(settings.MEDIA_URL + path) if settings.SERVE_MEDIA else None
    if static_file is None:
        raise Http404("Not a public file.")
    return WhiteNoiseMiddleware.serve(static_file, request)
