import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongmei.settings")

django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402

from rongmei.media.static_media import RenditionFiles  # noqa: E402 (needs the settings)

# Image renditions (MEDIA_URL + "images/…") straight from disk while SERVE_MEDIA is on, before any
# Django middleware or view; everything else goes to Django (decision 0028).
application = RenditionFiles(django_application)


def freeze_what_is_loaded() -> None:
    """Leave what the web process has loaded (Django, Wagtail, our modules, the URL patterns and
    every view they import: ~240,000 objects that live as long as the process) out of Python's
    garbage collections.

    A full collection walks every tracked object: 100–190 ms in a worker, during which none of its
    threads answers. Under load that happens every few thousand requests, and it was the slowest
    1% of cached pages (p99 100–150 ms against a p50 of 30). Frozen objects are not walked, so a
    collection only sees what requests made since. Garbage left from loading is collected first.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports every view module now, not on a first request)
    gc.collect()
    gc.freeze()


if settings.WEB_GC_FREEZE:
    freeze_what_is_loaded()
