"""Uploaded files never run as the site (issue 8, point 1), in a real browser.

The probe: a reporter uploaded ``proof.html`` (a script) as a document; /media/documents/proof.html
opened in place on the site's origin and its script ran there. Here the script writes a mark into
the origin's localStorage; afterwards a page of the site must not find it.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from .test_review_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARK = "localStorage.setItem('pwned', location.pathname)"
SCRIPT_PAGE = f"<!doctype html><title>proof</title><script>{MARK}</script>".encode()
SCRIPT_SVG = f'<svg xmlns="http://www.w3.org/2000/svg"><script>{MARK}</script></svg>'.encode()


def mark_on_origin(page, base_url):
    page.goto(f"{base_url}/")
    return page.evaluate("localStorage.getItem('pwned')")


@pytest.fixture
def media_through_urlconf(monkeypatch):
    """Django's live test server answers /media/ itself from MEDIA_ROOT, before our URLconf; the
    embedded server (gunicorn) has no such shortcut, so it is switched off here."""
    from django.test import testcases

    monkeypatch.setattr(testcases._MediaFilesHandler, "_should_handle", lambda self, path: False)


def test_an_uploaded_html_document_does_not_run_on_the_site(newsroom, live_server, new_page, media_through_urlconf):
    base_url = live_server.url

    # The reporter tries the probe's upload.
    page = new_page()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
    log_in(page, base_url, "reporter")
    page.goto(f"{base_url}/admin/documents/add/")
    page.fill("input[name=title]", "proof")
    page.set_input_files(
        "input[type=file][name=file]", {"name": "proof.html", "mimeType": "text/html", "buffer": SCRIPT_PAGE}
    )
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    upload_answer = page.content()
    uploaded = Document.objects.count()

    # Files stored before the refusal existed (a document, an SVG among the images' originals).
    legacy = Document(title="proof")
    legacy.file.save("proof.html", ContentFile(SCRIPT_PAGE), save=False)
    legacy.save()
    for name, content in (("original_images/proof.svg", SCRIPT_SVG), ("images/proof.svg", SCRIPT_SVG)):
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    visitor = new_page()
    statuses = {}
    for name in ("documents/proof.html", legacy.file.name, "original_images/proof.svg", "images/proof.svg"):
        statuses[name] = visitor.goto(f"{base_url}{settings.MEDIA_URL}{name}").status

    # Wagtail's document view hands it over as a download, never as a page of the site.
    with visitor.expect_download() as download:
        visitor.evaluate("url => { location.href = url }", f"{base_url}{legacy.url}")
    assert download.value.suggested_filename == legacy.filename

    # No script ran on the site's origin ...
    assert mark_on_origin(visitor, base_url) is None
    assert re.search(r"/$", visitor.url)
    # ... because /media/ serves none of these files, and the upload itself was refused.
    assert set(statuses.values()) == {404}, statuses
    assert "cannot be uploaded as documents" in upload_answer and uploaded == 0
