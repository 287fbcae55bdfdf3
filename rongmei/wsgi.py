import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongmei.settings")

django_application = get_wsgi_application()

from rongmei.media.static_media import RenditionFiles  # noqa: E402 (needs the settings)

# Image renditions (MEDIA_URL + "images/…") straight from disk while SERVE_MEDIA is on, before any
# Django middleware or view; everything else goes to Django (decision 0028).
application = RenditionFiles(django_application)
