"""Static files and image renditions are answered from disk with long-lived headers (issue 12).

Static files: the public pages link hashed names (the manifest storage), which WhiteNoise answers
as immutable for years. Renditions: a rendition's file name carries a hash of its bytes, and
``rongmei.wsgi.application`` answers ``/media/images/<name>`` from disk before Django is reached
(no request object, no middleware, no URL resolver, no view); every other path under /media/
still goes to Django, which refuses it.
"""

import hashlib
import re
from io import BytesIO
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings as django_settings
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client as WebClient
from wagtail.images.rect import Rect

from rongmei.media.models import NewsImage, NewsImageRendition

from .helpers import small_png

pytestmark = pytest.mark.django_db

YEAR = "max-age=31536000, public, immutable"


@pytest.fixture
def media(settings, tmp_path):
    """A MEDIA_ROOT (and PRIVATE_ROOT) of this test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = tmp_path / "private"
    # Wagtail caches renditions by image id and filter; ids come back after each test's rollback.
    NewsImageRendition.cache_backend.clear()
    return Path(settings.MEDIA_ROOT)


def wsgi_get(path: str, *, method: str = "GET", **headers):
    """One request to the WSGI application gunicorn runs, as gunicorn makes it (PATH_INFO decoded).

    Returns (status code, headers, body). Django's "close old connections" on request start/end is
    held off, as the test client does, so the test's transaction survives.
    """
    from rongmei import wsgi

    environ = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD=method,
        PATH_INFO=path.encode("utf-8").decode("iso-8859-1"),
        HTTP_HOST="testserver",
        SERVER_NAME="testserver",
    )
    environ.update(headers)
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        iterable = wsgi.application(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


@pytest.fixture
def django_calls(monkeypatch):
    """The paths that reached Django (the application behind the rendition server)."""
    from rongmei import wsgi

    calls = []
    django_app = wsgi.application.application

    def counting(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return django_app(environ, start_response)

    monkeypatch.setattr(wsgi.application, "application", counting)
    return calls


def a_picture(name="photo.png", colour=(200, 30, 30)) -> NewsImage:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return NewsImage.objects.create(title="图", file=ImageFile(buffer, name=name))


# --- static files ------------------------------------------------------------------------------
def test_a_public_page_links_hashed_static_files_cached_for_years(newsroom, settings, tmp_path):
    """As production runs (DEBUG off, the manifest storage, WhiteNoise reading STATIC_ROOT)."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        # The production storage without the gzip/brotli step (14 s here; headers are the same).
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert not hasattr(settings, "WHITENOISE_USE_FINDERS") and not hasattr(settings, "WHITENOISE_AUTOREFRESH")
    call_command("collectstatic", interactive=False, verbosity=0)
    story = newsroom.add_story(title="静态文件", publish=True)

    page = WebClient().get(story.url).content.decode()
    css = re.search(r'href="(/static/website/site\.[0-9a-f]{12}\.css)"', page)
    icon = re.search(r'href="(/static/website/favicon\.[0-9a-f]{12}\.svg)"', page)
    assert css and icon, "the page links hashed names"

    client = WebClient()  # a new client: WhiteNoise reads the new STATIC_ROOT
    for url in (css[1], icon[1]):
        served = client.get(url)
        assert served.status_code == 200, url
        cache_control = served["Cache-Control"]
        assert "immutable" in cache_control and "public" in cache_control
        assert int(re.search(r"max-age=(\d+)", cache_control)[1]) >= 31536000
    # The same file by its plain name may change with the next release: a minute only.
    assert client.get("/static/website/site.css")["Cache-Control"] == "max-age=60, public"


# --- rendition names ---------------------------------------------------------------------------
def test_a_rendition_file_name_carries_the_hash_of_its_bytes(media):
    rendition = a_picture().get_rendition("fill-20x20")
    content = Path(rendition.file.path).read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:16]
    assert re.fullmatch(r"images/photo\.[0-9a-f]{8}\.fill-20x20\.([0-9a-f]{16})\.png", rendition.file.name)
    assert rendition.file.name.endswith(f".{digest}.png")


def test_a_new_picture_under_a_deleted_ones_name_gets_a_new_address(media, on_commit):
    """Without the hash both would be images/photo.<focal key>.fill-20x20.png: readers' caches would
    show the deleted picture for a year."""
    old = a_picture("photo.png", colour=(200, 30, 30))
    old_url, old_original = old.get_rendition("fill-20x20").url, Path(old.file.path)
    with on_commit():
        old.delete()
    assert not old_original.exists()  # the name is free again

    new = a_picture("photo.png", colour=(30, 30, 200))
    assert new.file.name == "original_images/photo.png"
    assert new.get_rendition("fill-20x20").url != old_url


def test_a_moved_focal_point_gives_a_new_address(media):
    image = NewsImage.objects.create(
        title="图", file=ImageFile(BytesIO(small_png(400, 100)), name="wide.png")
    )
    before = image.get_rendition("fill-50x50").url
    image.set_focal_point(Rect(340, 40, 360, 60))  # the editor marks a face on the right
    image.save()
    assert image.get_rendition("fill-50x50").url != before


def test_a_page_makes_its_renditions_once(newsroom, media, settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False  # every request renders the page
    image = a_picture("cover.png")
    story = newsroom.add_story(title="有图", cover_image=image, publish=True)
    WebClient().get(story.url)
    made = set(NewsImageRendition.objects.values_list("file", flat=True))
    files = sorted(p.name for p in (media / "images").iterdir())
    assert made
    for _ in range(2):
        assert WebClient().get(story.url).status_code == 200
    assert set(NewsImageRendition.objects.values_list("file", flat=True)) == made
    assert sorted(p.name for p in (media / "images").iterdir()) == files


# --- serving renditions ------------------------------------------------------------------------
def test_a_rendition_is_answered_from_disk_without_reaching_django(media, django_calls):
    rendition = a_picture().get_rendition("fill-20x20")
    content = Path(rendition.file.path).read_bytes()

    status, headers, body = wsgi_get(rendition.url)
    assert status == 200
    assert body == content
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Length"] == str(len(content))
    assert headers["Cache-Control"] == YEAR
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["ETag"] and headers["Last-Modified"]

    status, again, body = wsgi_get(rendition.url, HTTP_IF_NONE_MATCH=headers["ETag"])
    assert (status, body) == (304, b"")
    assert again["Cache-Control"] == YEAR

    status, _, body = wsgi_get(rendition.url, method="HEAD")
    assert (status, body) == (200, b"")
    assert django_calls == []


def test_a_rendition_made_after_start_is_found_and_webp_has_its_type(media, django_calls):
    wsgi_get("/media/images/nothing-yet.png")  # the server is running before the rendition exists
    django_calls.clear()
    rendition = a_picture().get_rendition("fill-20x20|format-webp")
    status, headers, body = wsgi_get(rendition.url)
    assert status == 200 and headers["Content-Type"] == "image/webp" and body[8:12] == b"WEBP"
    assert django_calls == []


def test_a_rendition_with_an_old_name_is_cached_for_an_hour_only(media, django_calls):
    """Renditions made before their names carried a hash: the name may come back with other bytes."""
    (media / "images").mkdir(parents=True)
    (media / "images" / "old.2e16d0ba.fill-20x20.png").write_bytes(small_png())
    status, headers, _ = wsgi_get("/media/images/old.2e16d0ba.fill-20x20.png")
    assert status == 200 and headers["Cache-Control"] == "max-age=3600, public"
    assert django_calls == []


def test_a_missing_rendition_is_404(media, newsroom, django_calls):
    status, headers, _ = wsgi_get("/media/images/gone.0123456789abcdef.png")
    assert status == 404
    assert not headers["Content-Type"].startswith("image/")


def test_only_renditions_are_answered(media, newsroom, django_calls):
    image = a_picture("photo.png")
    rendition = image.get_rendition("fill-20x20")
    (media / "documents").mkdir()
    (media / "documents" / "proof.png").write_bytes(small_png())
    (media / "images" / "evil.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    (media / "images" / "nested").mkdir()
    (media / "images" / "nested" / "a.png").write_bytes(small_png())
    (media / "images" / ".hidden.png").write_bytes(small_png())
    (media / "images" / "link.png").symlink_to(image.file.path)  # a link out of images/
    private = Path(django_settings.PRIVATE_ROOT)
    private.mkdir(parents=True)
    (private / "secret.png").write_bytes(small_png())

    refused = [
        "/media/" + image.file.name,  # the original
        "/media/documents/proof.png",
        "/media/images/evil.svg",
        "/media/images/nested/a.png",
        "/media/images/.hidden.png",
        "/media/images/link.png",
        "/media/images/../original_images/photo.png",
        "/media/images/%2e%2e/original_images/photo.png",
        "/media/images/..%2foriginal_images%2fphoto.png",
        "/media/images/../../private/secret.png",
        "/media/images//" + rendition.file.name.split("/")[-1],
        "/media/images/" + rendition.file.name.split("/")[-1] + "/",
        "/media/images/" + rendition.file.name.split("/")[-1] + "%00.png",
        "/media//images/" + rendition.file.name.split("/")[-1],
    ]
    from urllib.parse import unquote

    for path in refused:
        status, headers, _ = wsgi_get(unquote(path))  # as gunicorn hands it over: decoded
        assert status == 404, path
    assert not [p for p in django_calls if p.startswith("/media/images/") and p == rendition.url]


def test_behind_a_web_server_serve_media_off_leaves_renditions_to_it(media, newsroom, settings, django_calls):
    rendition = a_picture().get_rendition("fill-20x20")
    settings.SERVE_MEDIA = False
    status, _, _ = wsgi_get(rendition.url)
    assert status == 404
    assert WebClient().get(rendition.url).status_code == 404
    assert len(django_calls) == 1


def test_other_methods_are_refused(media, django_calls):
    rendition = a_picture().get_rendition("fill-20x20")
    status, headers, _ = wsgi_get(rendition.url, method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert django_calls == []


def test_the_django_route_answers_like_the_wsgi_server(media):
    """The test client and any server not using rongmei.wsgi still get the same answer."""
    rendition = a_picture().get_rendition("fill-20x20")
    _, direct, body = wsgi_get(rendition.url)
    served = WebClient().get(rendition.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == body
    for header in ("Content-Type", "Cache-Control", "ETag", "Last-Modified", "X-Content-Type-Options"):
        assert served[header] == direct[header], header
    assert "sandbox" in served["Content-Security-Policy"]


def test_a_file_answered_before_is_looked_at_again(media, newsroom, django_calls):
    """The server remembers what it found, but a deleted file, or one turned into a link, is not answered."""
    image = a_picture("photo.png")
    rendition = image.get_rendition("fill-20x20")
    path = Path(rendition.file.path)
    assert wsgi_get(rendition.url)[0] == 200
    path.unlink()
    path.symlink_to(image.file.path)
    assert wsgi_get(rendition.url)[0] == 404
    path.unlink()
    assert wsgi_get(rendition.url)[0] == 404
    path.write_bytes(small_png(25, 25))
    status, headers, body = wsgi_get(rendition.url)
    assert status == 200 and body == path.read_bytes()


def test_a_rendition_with_a_long_filter_spec_is_served_too(media, django_calls):
    # Wagtail cuts the original's name to keep a rendition's under 60 characters: a long spec (a
    # channel crop with format and quality) leaves no name at all, only ".<focal key>.<spec>"; a name
    # starting with a dot would be a hidden file that nothing serves.
    from rongmei.media.channels import channel_rendition

    rendition = channel_rendition(a_picture(name="ab.png"), "social_card")
    name = rendition.file.name.rsplit("/", 1)[-1]
    assert not name.startswith("."), name
    status, headers, body = wsgi_get(rendition.url)
    assert status == 200 and body == Path(rendition.file.path).read_bytes()
    assert headers["Cache-Control"] == YEAR
    assert django_calls == []
