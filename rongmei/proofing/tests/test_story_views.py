"""The 审校 screens: a story's findings in place, decisions from the page, the report, the gate's modal."""

import json

import pytest
from django.urls import reverse

from rongmei.proofing import story_checks
from rongmei.proofing.engine import findings as f
from rongmei.proofing.models import ProofDecision, ProofFinding
from rongmei.proofing.tests.factories import PLANTED_BODY
from rongmei.review import services as review_services
from rongmei.review.models import APPROVE_OVER_PROOFING, ReviewEvent
from rongmei.review.tests.factories import assert_sent_to_the_dashboard, submitted_story
from rongmei.testing import fresh, login


@pytest.fixture
def planted(review, banned_list):
    return submitted_story(review, title="项目建设提速", body=PLANTED_BODY)


def test_first_reviewer_sees_the_three_planted_errors_in_place(client, review, planted):
    login(client, review.editor)
    response = client.get(reverse("proofing_story", args=[planted.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    check = story_checks.latest_check(fresh(planted))
    for category, text in ((f.MISSPELLING, "再接再励"), (f.BANNED, "内部绝密"), (f.PUNCTUATION, "“")):
        finding = check.findings.get(category=category, flagged_text=text)
        # highlighted in the text, and listed beside it
        assert f'id="mark-{finding.pk}" class="proof-mark proof-mark--{finding.severity}"' in page
        assert f">{text}</a>" in page
        assert f'id="finding-{finding.pk}"' in page
    assert "再接再厉" in page  # the one-click suggestion
    assert 'id="proofing-summary"' in page and "help-critical" in page


def test_accept_button_replaces_the_text(client, review, planted):
    login(client, review.editor)
    finding = story_checks.latest_check(fresh(planted)).findings.get(flagged_text="再接再励")
    url = reverse("proofing_story", args=[planted.pk])
    response = client.post(url, {"action": "accept", "finding": finding.pk})
    assert response.status_code == 302 and response.url == url
    assert "再接再厉" in fresh(planted).get_latest_revision_as_object().body
    page = client.get(url).content.decode()
    assert "再接再励" in page  # in the check report's decisions, as “old” → “new”
    assert 'class="proof-decision proof-decision--accepted"' in page


def test_not_an_error_without_a_reason_keeps_the_form_and_says_why(client, review, planted):
    login(client, review.editor)
    finding = story_checks.latest_check(fresh(planted)).findings.get(flagged_text="再接再励")
    url = reverse("proofing_story", args=[planted.pk])
    response = client.post(url, {"action": "not_error", "finding": finding.pk, "reason": " "})
    assert response.status_code == 200
    assert "error-message" in response.content.decode()
    assert not ProofDecision.objects.exists()
    response = client.post(url, {"action": "not_error", "finding": finding.pk, "reason": "引语照录"})
    assert response.status_code == 302
    assert ProofFinding.objects.get(pk=finding.pk).status == ProofFinding.Status.DISMISSED


def test_a_stale_finding_gets_a_message_not_an_error_page(client, review, planted):
    login(client, review.editor)
    finding = story_checks.latest_check(fresh(planted)).findings.get(flagged_text="再接再励")
    page = fresh(planted).get_latest_revision_as_object()
    page.body = "<p>全文重写。</p>"
    page.save_revision(user=review.editor)
    url = reverse("proofing_story", args=[planted.pk])
    response = client.post(url, {"action": "accept", "finding": finding.pk}, follow=True)
    assert response.status_code == 200
    assert "全文重写" in response.content.decode()
    assert "全文重写" in fresh(planted).get_latest_revision_as_object().body


def test_people_outside_the_story_and_review_cannot_open_it(client, review, planted):
    from rongmei.organisation import roles
    from rongmei.testing import make_user

    login(client, make_user("reporter2", roles.REPORTER))  # another reporter's story
    assert_sent_to_the_dashboard(client.get(reverse("proofing_story", args=[planted.pk])))


def test_editor_shows_the_proofing_panel(client, review, planted):
    login(client, review.editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[planted.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="proofing-panel"' in page and "内部绝密" in page
    assert reverse("proofing_story", args=[planted.pk]) in page


def test_final_level_approves_over_blocks_only_with_a_reason(client, review, planted):
    review_services.approve(fresh(planted), acting_user=review.editor)
    review_services.approve(fresh(planted), acting_user=review.director)
    login(client, review.chief)
    task_state = fresh(planted).current_workflow_task_state
    plain = reverse("wagtailadmin_pages:workflow_action", args=[planted.pk, "approve", task_state.pk])
    assert_sent_to_the_dashboard(client.post(plain, {"comment": "同意"}))  # not offered while blocked
    assert not fresh(planted).live
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[planted.pk, APPROVE_OVER_PROOFING, task_state.pk]
    )
    modal = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
    assert json.loads(modal.content)["step"] == "action"
    assert "override_reason" in json.loads(modal.content)["html"]
    response = client.post(
        url, {"comment": "同意", "override_reason": ""}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert "override_reason" in json.loads(response.content)["html"]  # the form again, with the error
    assert not fresh(planted).live
    response = client.post(url, {"comment": "同意", "override_reason": "会议文件原文"})
    assert response.status_code == 302
    assert fresh(planted).live
    event = ReviewEvent.objects.get(decision=ReviewEvent.Decision.PROOF_OVERRIDE)
    assert event.opinion == "会议文件原文"
    history = client.get(reverse("review_history", args=[planted.pk])).content.decode()
    assert "会议文件原文" in history


def test_report_counts_and_downloads(client, review, planted):
    login(client, review.reporter)
    assert_sent_to_the_dashboard(client.get(reverse("proofing_report")))
    login(client, review.chief)
    response = client.get(reverse("proofing_report"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="proofing-report-categories"' in page and "王记者" in page
    csv_response = client.get(reverse("proofing_report"), {"format": "csv"})
    text = csv_response.content.decode("utf-8-sig")
    assert "banned" in text and "王记者" in text
    bad = client.get(reverse("proofing_report"), {"month": "2026-13"})
    assert bad.status_code == 200 and "error-message" in bad.content.decode()
