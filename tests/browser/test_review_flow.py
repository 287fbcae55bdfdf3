"""The production line in a real browser: reporter writes, 三审 approves, the public sees it."""

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from rongmei.newsroom.models import StoryPage
from rongmei.review.models import ReviewEvent
from rongmei.review.services import ensure_review_workflow
from rongmei.testing import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "博山区举办首届蓝莓采摘节"
BODY = "本报讯 11月26日，博山区首届蓝莓采摘节在池上镇开幕，吸引游客三万余人次。"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def open_footer_menu(page):
    page.click("footer .w-dropdown__toggle")


def message_text(page):
    """The admin's messages after a navigation (what the person reads at the top of the page)."""
    return page.inner_text(".messages")


def approve_as(new_page, base_url, username, story, opinion, level, says):
    page = new_page()
    log_in(page, base_url, username)
    # The dashboard's "waiting for me" panel names the story.
    assert HEADLINE in page.content()
    page.goto(f"{base_url}/admin/pages/{story.pk}/edit/")
    open_footer_menu(page)
    page.click("[data-workflow-action-name=approve]")
    page.fill("textarea[name=comment]", opinion)
    with page.expect_navigation():
        page.click(".modal button[type=submit]")
    # The decision is recorded with its level and opinion before the next person looks.
    assert ReviewEvent.objects.filter(
        story=story, decision="approve", level=level, actor__username=username, opinion=opinion
    ).exists(), page.content()
    # The reviewer reads what happened and what comes next, not Wagtail's "页面'…'已被更新。"
    said = message_text(page)
    assert says in said, said
    assert "已被更新" not in said
    return page


def test_reporter_to_three_reviews_to_the_public_site(newsroom, live_server, new_page, settings):
    # Autosave would race the test's clicks (it turns the create form into the edit form mid-flight);
    # a person's pauses hide that race, a script's speed does not.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    ensure_review_workflow(newsroom.home)
    base_url = live_server.url

    # 1. The reporter writes the story and submits it to 三审.
    page = new_page()
    log_in(page, base_url, "reporter")
    page.goto(f"{base_url}/admin/pages/add/newsroom/storypage/{newsroom.section.pk}/")
    page.fill("#id_title", HEADLINE)
    page.fill("#id_lead", "蓝莓采摘节带动乡村旅游。")
    page.click(".public-DraftEditor-content")
    page.keyboard.type(BODY)
    # Draftail copies its content into the hidden form field a moment after typing. (A locator
    # assertion, not wait_for_function: that evaluates a string, which the CSP forbids.)
    expect(page.locator("input[name=body]")).to_have_value(re.compile("池上镇"))
    open_footer_menu(page)
    with page.expect_navigation():
        page.click("button[name=action-submit]")
    # Back on the section's page listing, told which level has it and who decides it.
    assert page.url.endswith(f"/admin/pages/{newsroom.section.pk}/"), page.url
    assert "已提交初审（李初审等 2 人）" in message_text(page)
    story = StoryPage.objects.get(title=HEADLINE)
    assert story.live is False
    assert story.current_workflow_state is not None

    # 2. The three levels approve, each a different person (with autosave on, as in production).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 500
    approve_as(new_page, base_url, "editor", story, "初审通过，数据已核实", 1, "已通过初审，转复审（周复审）")
    story.refresh_from_db()
    assert not story.live
    approve_as(new_page, base_url, "director", story, "复审同意", 2, "已通过复审，转终审（陈终审）")
    story.refresh_from_db()
    assert not story.live
    approve_as(new_page, base_url, "chief", story, "同意签发", 3, "已终审通过，已发布")
    story.refresh_from_db()
    assert story.live

    # 3. The public finds it on the home page, its section page, in search and in RSS.
    visitor = new_page()
    visitor.goto(f"{base_url}/")
    assert HEADLINE in visitor.content()
    visitor.goto(f"{base_url}{newsroom.section.url}")
    assert HEADLINE in visitor.content()
    # Wait for the article to load: content() during the navigation reads an empty document.
    with visitor.expect_navigation():
        visitor.click(f"text={HEADLINE}")
    visitor.wait_for_load_state()
    assert "博山区首届蓝莓采摘节在池上镇开幕" in visitor.content()
    visitor.goto(f"{base_url}/search/?q=蓝莓")
    assert HEADLINE in visitor.inner_text("main")
    response = visitor.request.get(f"{base_url}/feeds/latest.xml")
    assert response.ok
    titles = [item.findtext("title") for item in ET.fromstring(response.body()).iter("item")]
    assert HEADLINE in titles
