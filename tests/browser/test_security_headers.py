"""The Content-Security-Policy, enforced, breaks nothing (issue 8, point 12).

Chromium loads the admin pages a newsroom uses (dashboard, page explorer, the story editor with its
rich-text editor, inline panels, image chooser and preview, images, reports, 舆情) and the public
site (home, section, story, search; anonymous and with the userbar of a signed-in editor) with the
policy the settings send. Any CSP violation, in the page or its frames, fails the test.
"""

import io
import re

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from .test_review_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any script of the page runs, in every frame.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} in ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class ViolationLog:
    def __init__(self, page):
        self.page = page
        self.found = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: page error {error}"))

    def on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.found.append(f"{self.page.url}: {message.text}")

    def collect(self):
        for frame in self.page.frames:
            try:
                found = frame.evaluate("window.__cspViolations || []")
            except Exception:  # a frame that navigated away meanwhile
                continue
            self.found.extend(f"{frame.url}: {violation}" for violation in found)

    def assert_clean(self):
        self.collect()
        assert not self.found, "CSP violations or page errors:\n" + "\n".join(self.found)

    def visit(self, base_url, path):
        response = self.page.goto(f"{base_url}{path}")
        assert response.status < 400, (path, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy, (path, policy)
        self.page.wait_for_timeout(300)
        self.collect()
        return response


def make_image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), (200, 30, 30)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title="测试图片", file=ImageFile(io.BytesIO(buffer.getvalue()), name="csp-test.png")
    )


def test_admin_pages_run_under_the_enforced_policy(live_server, newsroom, new_page):
    story = newsroom.add_story(title="安全策略测试稿", body="<p>正文<b>加粗</b></p>", publish=True)
    image = make_image()
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    log = ViolationLog(page)
    log_in(page, live_server.url, "admin")
    log.collect()

    for path in [
        "/admin/",
        f"/admin/pages/{newsroom.home.pk}/",
        f"/admin/pages/{newsroom.section.pk}/",
        "/admin/images/",
        f"/admin/images/{image.pk}/",
        "/admin/reports/site-history/",
        "/admin/reports/locked/",
        "/admin/proofing/report/",
        "/admin/monitoring/events/",
        "/admin/monitoring/alerts/",
        "/admin/monitoring/cases/",
        "/admin/monitoring/reports/",
        "/admin/monitoring/health/",
        "/admin/users/",
    ]:
        log.visit(live_server.url, path)

    # The story editor: type in the rich-text editor, add an inline credit, open the image
    # chooser, open the preview.
    log.visit(live_server.url, f"/admin/pages/{story.pk}/edit/")
    log.assert_clean()  # before driving the editor: a blocked script would only show as a timeout
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    page.keyboard.type("新增一句。")
    page.locator("#id_credits-ADD").click()
    page.locator("#id_cover_image-chooser .chooser__choose-button").click()
    page.locator(".modal").get_by_text("测试图片").first.click()
    page.locator(".modal").wait_for(state="hidden")
    preview = page.locator("[data-side-panel-toggle='preview']")
    if preview.count():
        preview.first.click()
        page.frame_locator("iframe").first.locator("body").wait_for()
        page.wait_for_timeout(500)

    # The public site with the editor's userbar.
    log.visit(live_server.url, story.url)
    log.assert_clean()


def test_public_site_runs_under_the_enforced_policy(live_server, newsroom, new_page):
    story = newsroom.add_story(title="公开页面测试稿", body="<p>正文内容</p>", publish=True)
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    log = ViolationLog(page)
    for path in ["/", "/yaowen/", story.url, "/search/?q=正文"]:
        response = log.visit(live_server.url, path)
        # The public site runs no inline script at all.
        assert "'unsafe-inline'" not in re.search(r"script-src[^;]*", response.headers["content-security-policy"])[0]
    log.assert_clean()
