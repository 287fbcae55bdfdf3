"""审校 in a real browser: the 初审 editor sees the planted errors in place and fixes one with a
click; 终审 cannot approve over the banned word without a written reason."""

import re

import pytest

from rongmei.newsroom.models import StoryPage
from rongmei.proofing.models import Term, WordList
from rongmei.review import services
from rongmei.review.models import ReviewEvent

from .test_review_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "<p>全市干部再接再励，推进项目建设。</p><p>会议强调，严防内部绝密外泄。他说：“要抓紧落实。</p>"


def test_planted_errors_in_place_and_the_final_review_gate(newsroom, live_server, new_page, settings):
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    services.ensure_review_workflow(newsroom.home)
    banned = WordList.objects.create(name="违禁词", category="banned", severity="block")
    Term.objects.create(word_list=banned, term="内部绝密")
    story = newsroom.add_story(title="全市项目建设提速", body=BODY)
    services.submit_for_review(story, acting_user=newsroom.reporter)
    base_url = live_server.url

    # 1. 初审: the three planted problems are highlighted in the text and listed beside it.
    page = new_page()
    log_in(page, base_url, "editor")
    page.goto(f"{base_url}/admin/pages/{story.pk}/edit/")
    panel = page.locator("#proofing-panel")
    assert "内部绝密" in panel.inner_text()
    panel.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/admin/proofing/story/{story.pk}/$"))
    marks = page.locator("#proofing-text .proof-mark")
    flagged = marks.all_inner_texts()
    assert {"再接再励", "内部绝密", "“"} <= set(flagged), flagged
    assert page.locator("#proofing-text .proof-mark--block").inner_text() == "内部绝密"
    page.screenshot(path=str(settings.VAR_DIR / "proofing-editor.png"), full_page=True)

    # One click puts the suggestion in the text as a new revision.
    page.get_by_role("button", name=re.compile("再接再厉")).click()
    page.wait_for_load_state()
    assert "再接再励" not in page.locator("#proofing-text").inner_text()
    assert "再接再厉" in StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object().body
    services.approve(StoryPage.objects.get(pk=story.pk), acting_user=newsroom.editor)
    services.approve(StoryPage.objects.get(pk=story.pk), acting_user=newsroom.director)

    # 2. 终审: the dashboard offers only the approval over the block, which needs a reason.
    chief = new_page()
    log_in(chief, base_url, "chief")
    row = chief.locator(f"tr.review-waiting[data-story-id='{story.pk}']")
    row.locator(".w-dropdown__toggle").click()
    assert row.locator("button", has_text="通过").count() == 1
    row.locator("button", has_text="越过拦截").click()
    modal = chief.locator(".modal")
    modal.locator("textarea[name=comment]").fill("同意")
    modal.locator("button[type=submit]").click()
    # Without a reason the modal stays, with the message.
    modal.locator(".error-message").first.wait_for()
    assert not StoryPage.objects.get(pk=story.pk).live
    modal.locator("textarea[name=override_reason]").fill("会议通报原文，经核实照录")
    with chief.expect_navigation():
        modal.locator("button[type=submit]").click()
    story = StoryPage.objects.get(pk=story.pk)
    assert story.live
    override = ReviewEvent.objects.get(story=story, decision=ReviewEvent.Decision.PROOF_OVERRIDE)
    assert (override.actor.username, override.opinion) == ("chief", "会议通报原文，经核实照录")
    chief.goto(f"{base_url}/admin/review/history/{story.pk}/")
    assert "会议通报原文，经核实照录" in chief.locator("#review-history").inner_text()
