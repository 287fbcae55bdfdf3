"""Uploaded files on the site's origin: only image renditions are public, documents download.

The probe: a reporter uploaded ``proof.html`` as a document and ``/media/documents/proof.html``
answered 200 text/html inline, without login, so its script ran as the site.
"""

import json
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as WebClient
from django.urls import reverse
from wagtail.documents.models import Document

from rongmei.media.models import NewsImage
from rongmei.testing import login

from .helpers import small_png

pytestmark = pytest.mark.django_db

SCRIPT_PAGE = b"<!doctype html><title>proof</title><script>document.title = 'pwned'</script>"
SCRIPT_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'


@pytest.fixture
def reporter_client(newsroom):
    return login(WebClient(), newsroom.reporter, language="en")


def put_in_media(name: str, content: bytes) -> Path:
    """A file already in MEDIA_ROOT, e.g. uploaded before the refusals existed."""
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


# --- uploads -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, content",
    [
        ("proof.html", SCRIPT_PAGE),
        ("proof.svg", SCRIPT_SVG),
        ("proof.js", b"alert(1)"),
        ("proof.HTM", SCRIPT_PAGE),
    ],
)
def test_web_pages_and_scripts_cannot_be_uploaded_as_documents(reporter_client, name, content):
    response = reporter_client.post(
        reverse("wagtaildocs:add"), {"title": "proof", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1, errors  # one clear reason, not the same refusal twice
    assert "cannot be uploaded as documents" in errors[0] and "PDF" in errors[0]
    assert not Document.objects.exists()


def test_multiple_document_upload_refuses_a_web_page(reporter_client):
    response = reporter_client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("proof.html", SCRIPT_PAGE)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    answer = json.loads(response.content)
    assert answer["success"] is False and "cannot be uploaded as documents" in answer["error_message"]
    assert not Document.objects.exists()


def test_other_unknown_types_are_refused_with_the_allowed_list(reporter_client):
    response = reporter_client.post(
        reverse("wagtaildocs:add"), {"title": "x", "file": SimpleUploadedFile("tool.dll", b"MZ")}
    )
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and "pdf" in errors[0] and "docx" in errors[0], errors
    assert not Document.objects.exists()


def test_a_pdf_uploads_and_downloads_only_through_the_checked_view(reporter_client):
    response = reporter_client.post(
        reverse("wagtaildocs:add"),
        {"title": "通报", "file": SimpleUploadedFile("notice.pdf", b"%PDF-1.4 test")},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.url == reverse("wagtaildocs_serve", args=[document.pk, "notice.pdf"])

    anonymous = WebClient()
    served = anonymous.get(document.url)
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment")  # PDFs too: never in place
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'"
    # The same file by its storage path is not served at all.
    assert anonymous.get(settings.MEDIA_URL + document.file.name).status_code == 404


# --- what the /media/ route serves -------------------------------------------------------------
def test_documents_are_not_served_from_media(newsroom):
    put_in_media("documents/proof.html", SCRIPT_PAGE)
    put_in_media("documents/proof.svg", SCRIPT_SVG)
    client = WebClient()
    for name in ("documents/proof.html", "documents/proof.svg"):
        assert client.get(settings.MEDIA_URL + name).status_code == 404, name


def test_a_stored_html_document_downloads_as_an_attachment(newsroom):
    """A document stored before the upload refusal (or by code) still never opens in place."""
    document = Document(title="proof")
    document.file.save("proof.html", ContentFile(SCRIPT_PAGE), save=False)
    document.save()
    served = WebClient().get(document.url)
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in served["Content-Security-Policy"]


def test_originals_and_other_files_are_not_served(newsroom):
    image = NewsImage.objects.create(title="图", file=ImageFile(BytesIO(small_png()), name="photo.png"))
    assert image.file.name.startswith("original_images/")
    put_in_media("images/evil.svg", SCRIPT_SVG)
    put_in_media("images/evil.html", SCRIPT_PAGE)
    put_in_media("monitoring/reports/2026/12/report-1-daily-20261205.pdf", b"%PDF-1.4")
    client = WebClient()
    for name in (
        image.file.name,
        "images/evil.svg",
        "images/evil.html",
        "monitoring/reports/2026/12/report-1-daily-20261205.pdf",
        "images/../original_images/photo.png",
        "images/%2e%2e/original_images/photo.png",
    ):
        assert client.get(settings.MEDIA_URL + name).status_code == 404, name


def test_renditions_are_served_with_nosniff(newsroom):
    image = NewsImage.objects.create(title="图", file=ImageFile(BytesIO(small_png()), name="photo.png"))
    rendition = image.get_rendition("fill-20x20")
    assert rendition.url.startswith(settings.MEDIA_URL + "images/")
    served = WebClient().get(rendition.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")

    webp = WebClient().get(image.get_rendition("fill-20x20|format-webp").url)
    assert webp.status_code == 200 and webp["Content-Type"] == "image/webp"


def test_renditions_show_on_the_site_and_in_the_admin(newsroom):
    image = NewsImage.objects.create(
        title="封面", file=ImageFile(BytesIO(small_png(800, 600)), name="cover.png")
    )
    story = newsroom.add_story(title="有图的稿件", cover_image=image, publish=True)
    page = WebClient().get(story.url).content.decode()
    rendition_urls = [
        part.split('"')[0] for part in page.split('src="')[1:] if part.startswith(settings.MEDIA_URL)
    ]
    assert rendition_urls, "the story page shows its cover image"
    for url in rendition_urls:
        assert WebClient().get(url).status_code == 200, url

    admin = WebClient()
    admin.force_login(newsroom.reporter)
    listing = admin.get(reverse("wagtailimages:index")).content.decode()
    thumbs = [
        part.split('"')[0] for part in listing.split('src="')[1:] if part.startswith(settings.MEDIA_URL)
    ]
    assert thumbs and all(admin.get(url).status_code == 200 for url in thumbs)
