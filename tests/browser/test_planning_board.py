"""策划 in a real browser: a reporter proposes a topic (报题), the director approves it on the
选题会 board and assigns the reporter, who finds it in 我的任务 and starts writing (开始写稿)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rongmei.planning.models import Assignment, Topic
from rongmei.testing import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "张店区老旧小区加装电梯提速"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_propose_approve_assign_and_start_writing(newsroom, live_server, new_page, settings):
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    base_url = live_server.url

    # 1. The reporter proposes the topic.
    page = new_page()
    log_in(page, base_url, "reporter")
    page.goto(f"{base_url}/admin/planning/topics/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_angle", "低层住户意见如何统一，费用怎么分摊。")
    page.check("input[name=formats][value=text]")
    page.check("input[name=formats][value=photo]")
    with page.expect_navigation():
        page.click("#topic-form button[type=submit]")
    topic = Topic.objects.get(title=TITLE)
    assert topic.state == Topic.State.PROPOSED
    assert page.url.endswith(f"/admin/planning/topics/{topic.pk}/")
    # The reporter's board is read-only: no approve button for them.
    page.goto(f"{base_url}/admin/planning/")
    card = page.locator(f"article[data-topic='{topic.pk}']")
    expect(card).to_be_visible()
    expect(card.locator("button[value=approved]")).to_have_count(0)
    page.context.close()

    # 2. The director approves it on the board with one click and assigns the reporter.
    page = new_page()
    log_in(page, base_url, "director")
    page.goto(f"{base_url}/admin/planning/")
    card = page.locator(f"article[data-topic='{topic.pk}']")
    with page.expect_navigation():
        card.locator("button[value=approved]").click()
    expect(page.locator(f"section[data-state=approved] article[data-topic='{topic.pk}']")).to_be_visible()
    assert Topic.objects.get(pk=topic.pk).state == Topic.State.APPROVED

    page.goto(f"{base_url}/admin/planning/topics/{topic.pk}/")
    page.select_option("#assign-form select[name=format]", "text")
    page.select_option("#assign-form select[name=assignee]", str(newsroom.reporter.pk))
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d 18:00")
    # Set without focusing the field: its date picker would open over the form and take the
    # clicks that follow (a timing-dependent failure seen in CI).
    page.eval_on_selector(
        "#assign-form input[name=deadline]", "(input, value) => { input.value = value; }", deadline
    )
    page.fill("#assign-form textarea[name=note]", "采访和平街道两个小区")
    with page.expect_navigation():
        page.click("#assign-form button[type=submit]")
    assignment = Assignment.objects.get(topic=topic)
    assert (assignment.assignee, assignment.state) == (newsroom.reporter, Assignment.State.ASSIGNED)
    expect(page.locator(f"tr[data-assignment='{assignment.pk}']")).to_be_visible()
    page.context.close()

    # 3. The reporter finds it in 我的任务 and starts writing: the page editor opens on the draft.
    page = new_page()
    log_in(page, base_url, "reporter")
    page.goto(f"{base_url}/admin/planning/mine/")
    row = page.locator(f"#my-assignments tr[data-assignment='{assignment.pk}']")
    expect(row).to_contain_text(TITLE)
    with page.expect_navigation():
        row.locator("form[action$='/write/'] button").click()
    assignment.refresh_from_db()
    assert assignment.story is not None
    assert assignment.state == Assignment.State.IN_PROGRESS
    page.wait_for_url(re.compile(rf"/admin/pages/{assignment.story_id}/edit/$"))
    expect(page.locator("#id_title")).to_have_value(TITLE)
    assert assignment.story.owner == newsroom.reporter
