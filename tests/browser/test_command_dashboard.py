"""指挥调度 on a wall screen: the director opens the dashboard at 1920×1080; a story is submitted
meanwhile and, at the next poll, the 初审 figure changes without a reload; the full-screen view
covers the admin's menu; the panels stand in one column on a phone."""

import re

import pytest
from playwright.sync_api import expect

from rongmei.testing import TEST_PASSWORD, fresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_the_first_review_figure_changes_at_the_next_poll(review, live_server, browser, settings):
    from rongmei.review import services

    settings.COMMAND_DASHBOARD_POLL_SECONDS = 1
    base_url = live_server.url
    waiting = review.add_story(title="早上送审的稿件")
    services.submit_for_review(fresh(waiting), acting_user=review.reporter)

    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base_url, "director")
    page.goto(f"{base_url}/admin/command/")
    first_level = page.locator("#command-review li.cmd-level").first
    expect(first_level.locator(".cmd-big")).to_have_text("1")
    expect(first_level).to_contain_text("早上送审的稿件")
    # Wide screen: the panels side by side.
    boxes = [page.locator(f"#{name}").bounding_box() for name in ("command-review", "command-overdue")]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]

    # Polls while nothing changes are answered 304 and leave the panels as they are.
    marker = page.evaluate(
        "() => { const el = document.getElementById('command-review'); el.dataset.seen = 'yes'; return 1; }"
    )
    assert marker == 1
    with page.expect_response(lambda r: r.url.endswith("/admin/command/panels/") and r.status == 304):
        pass
    assert page.locator("#command-review[data-seen=yes]").count() == 1

    # A story is submitted meanwhile: the next poll brings 2 without a reload.
    story = review.add_story(title="刚刚送审的稿件")
    services.submit_for_review(fresh(story), acting_user=review.reporter)
    expect(first_level.locator(".cmd-big")).to_have_text("2", timeout=10_000)
    assert page.locator("#command-review[data-seen=yes]").count() == 0  # the panels were replaced
    assert page.url.endswith("/admin/command/")
    expect(page.locator("#command-updated")).to_have_text(re.compile(r"\d\d:\d\d$"))
    expect(page.locator("#command-stale")).to_be_hidden()

    # Full screen: the dashboard covers the admin's menu, in large type.
    page.click("#command-wall-toggle")
    dashboard = page.locator("#command-dashboard")
    expect(dashboard).to_have_class(re.compile(r"cmd--wall"))
    box = dashboard.bounding_box()
    assert (box["x"], box["y"], box["width"]) == (0, 0, 1920)
    page.click("#command-wall-toggle")
    expect(dashboard).not_to_have_class(re.compile(r"cmd--wall"))

    # When the server cannot be reached the page says so and keeps the figures.
    page.route("**/admin/command/panels/", lambda route: route.abort())
    expect(page.locator("#command-stale")).to_be_visible(timeout=10_000)
    expect(first_level.locator(".cmd-big")).to_have_text("2")
    page.unroute("**/admin/command/panels/")
    expect(page.locator("#command-stale")).to_be_hidden(timeout=10_000)
    assert errors == []
    context.close()


def test_one_column_on_a_phone(review, live_server, browser):
    base_url = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, base_url, "chief")
    page.goto(f"{base_url}/admin/command/")
    review_box = page.locator("#command-review").bounding_box()
    overdue_box = page.locator("#command-overdue").bounding_box()
    assert overdue_box["y"] > review_box["y"]
    assert abs(overdue_box["x"] - review_box["x"]) < 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
