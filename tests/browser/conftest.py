"""Playwright with Debian's Chromium (never a downloaded browser)."""

import os
import shutil
import time

import pytest

CHROMIUM = os.environ.get("RONGMEI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The async-unsafe check trips on Playwright's event loop in the test thread; the ORM calls the
# tests make run before and after the browser steps, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium not found at {CHROMIUM}; `make test` installs it (scripts/install-system-deps.sh)"
            )
        pytest.skip(f"Chromium not found at {CHROMIUM}; run scripts/install-system-deps.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    contexts = []

    def make_page():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make_page
    for context in contexts:
        context.close()
    if "live_server" in request.fixturenames:
        wait_for_requests_in_flight(request.getfixturevalue("live_server"))


def wait_for_requests_in_flight(live_server, seconds=10.0):
    """Let the live server finish the requests a closed page left running before the test's
    database is flushed. A page's own background calls (the page editor's editing-session ping,
    made as it opens) were still writing when TRUNCATE took its locks: PostgreSQL found a deadlock
    and the next test started on an unflushed database (CI, session 17)."""
    server = getattr(getattr(live_server, "thread", None), "httpd", None)
    # socketserver.ThreadingMixIn keeps its request threads (block_on_close, the default).
    threads = list(getattr(server, "_threads", None) or ())
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
