"""Playwright with Debian's Chromium (never a downloaded browser)."""

import os
import shutil

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
def new_page(browser):
    contexts = []

    def make_page():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make_page
    for context in contexts:
        context.close()
