"""The print edition's rules: planning, placing reviewed stories only, the page states and the lock."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from rongmei.distribution.models import Channel, StoryChannelStatus
from rongmei.newsroom import services as newsroom_services
from rongmei.newsroom.tests.factories import approve_all
from rongmei.printing import queries, services
from rongmei.printing.models import PagePlacement, PrintIssue, PrintPage
from rongmei.printing.services import PrintError, PrintPermissionDenied
from rongmei.review import services as review_services
from rongmei.testing import fresh

S = PrintPage.State


def test_an_issue_is_planned_with_its_pages_in_galley_proof(paper, issue):
    pages = list(issue.pages.order_by("number"))
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert [p.name for p in pages] == ["要闻", "时政", "社会", "副刊"]
    assert {p.state for p in pages} == {S.GALLEY}
    assert ModelLogEntry.objects.filter(
        action="rongmei.printing.create_issue", object_id=str(issue.pk)
    ).exists()
    # Planning the first issue gives the paper its distribution channel.
    assert Channel.objects.filter(kind="print").count() == 1


def test_one_issue_per_outlet_and_date_and_a_sane_page_count(paper, issue):
    with pytest.raises(PrintError, match="already has an issue") as refused:
        services.create_issue(paper.outlet, issue.issue_date, 8, acting_user=paper.chief)
    assert refused.value.field == "issue_date"
    for count in (0, 65, "四"):
        with pytest.raises(PrintError) as refused:
            services.create_issue(
                paper.outlet, issue.issue_date + datetime.timedelta(days=1), count, acting_user=paper.chief
            )
        assert refused.value.field == "page_count"
    assert PrintIssue.objects.count() == 1


def test_a_reporter_may_not_plan(paper):
    with pytest.raises(PermissionDenied, match="may not plan"):
        services.create_issue(paper.outlet, timezone.localdate(), 4, acting_user=paper.reporter)


def test_a_reviewed_story_is_placed_with_its_print_version_defaults(paper, issue, approved_story):
    placement = services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    assert placement.page.number == 1 and placement.order == 1
    # No print version written: the target is the story's own length (lead + body, no whitespace).
    assert placement.target_length == len("某地新建学校三所。明年秋季开学。")
    view = queries.view_placement(placement)
    assert view.headline == "我市新建三所学校"
    assert view.check.verdict == "fits"
    second = services.place_story(
        issue, 1, _another(paper), acting_user=paper.editor, target_length=800, headline="短标题", note="配图"
    )
    assert second.order == 2
    assert queries.view_placement(second).headline == "短标题"
    assert PageLogEntry.objects.filter(action="rongmei.printing.place", page_id=approved_story.pk).exists()
    assert ModelLogEntry.objects.filter(action="rongmei.printing.place").count() == 2


def _another(paper, title="另一篇"):
    from rongmei.testing import publish_outside_review

    story = paper.add_story(title=title, body="<p>正文内容。</p>")
    publish_outside_review(story.get_latest_revision(), user=paper.chief)
    return fresh(story)


def test_the_target_length_comes_from_the_editors_print_version(paper, issue, print_story):
    placement = services.place_story(issue, 2, print_story, acting_user=paper.editor)
    assert placement.target_length == 1200
    assert queries.view_placement(placement).headline == "报纸标题"


def test_a_draft_or_a_story_in_review_is_refused(paper, issue, on_commit):
    draft = paper.add_story(title="草稿")
    with pytest.raises(PrintError, match="三审") as refused:
        services.place_story(issue, 1, draft, acting_user=paper.editor)
    assert refused.value.field == "story"
    with on_commit():
        review_services.submit_for_review(fresh(draft), acting_user=paper.reporter)
    review_services.approve(fresh(draft), acting_user=paper.editor)
    with pytest.raises(PrintError, match="not been approved for publication"):
        services.place_story(issue, 1, fresh(draft), acting_user=paper.editor)
    assert not PagePlacement.objects.exists()


def test_a_live_story_with_a_draft_change_prints_its_approved_text(paper, issue, approved_story):
    approved_story.title = "未审的新标题"
    approved_story.body = "<p>未经审核的文字。</p>"
    approved_story.save_revision(user=paper.reporter)
    placement = services.place_story(issue, 1, fresh(approved_story), acting_user=paper.editor)
    view = queries.view_placement(placement)
    assert view.headline == "我市新建三所学校"
    assert "未经审核" not in view.text.body_text


def test_a_scheduled_story_can_be_placed(paper, issue, pass_review):
    story = paper.add_story(title="明早发布", embargo_until=timezone.now() + datetime.timedelta(hours=10))
    story.save_revision(user=paper.reporter)
    story = pass_review(story)
    assert not story.live
    placement = services.place_story(issue, 1, story, acting_user=paper.editor)
    assert placement.pk


def test_a_story_is_printed_once_per_issue(paper, issue, approved_story):
    services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    with pytest.raises(PrintError, match="already on Page 1") as refused:
        services.place_story(issue, 3, approved_story, acting_user=paper.editor)
    assert refused.value.field == "story"
    # Another day's issue may print it again.
    other = services.create_issue(
        paper.outlet, issue.issue_date + datetime.timedelta(days=1), 2, acting_user=paper.editor
    )
    assert services.place_story(other, 2, approved_story, acting_user=paper.editor).pk


def test_a_page_number_outside_the_issue_is_refused_clearly(paper, issue, approved_story):
    with pytest.raises(PrintError, match="There is no page 9: this issue has pages 1 to 4") as refused:
        services.place_story(issue, 9, approved_story, acting_user=paper.editor)
    assert refused.value.field == "page"
    placement = services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    with pytest.raises(PrintError, match="There is no page 0"):
        services.move_placement(placement, acting_user=paper.editor, page_number=0)
    with pytest.raises(PrintError, match="target length"):
        services.update_placement(placement, acting_user=paper.editor, target_length=0)


def test_move_and_remove(paper, issue, approved_story):
    placement = services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    moved = services.move_placement(placement, acting_user=paper.editor, page_number=3, order=2)
    assert (moved.page.number, moved.order) == (3, 2)
    services.remove_placement(moved, acting_user=paper.editor)
    assert not PagePlacement.objects.exists()
    assert services.place_story(issue, 2, approved_story, acting_user=paper.editor).pk


def test_the_page_goes_galley_page_proof_signed_off_by_the_right_roles(paper, issue, approved_story):
    services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    page = issue.pages.get(number=1)
    with pytest.raises(PermissionDenied, match="layout editors"):
        services.mark_page_proof(page, acting_user=paper.reporter)
    with pytest.raises(PrintError, match="still 小样"):
        services.sign_off(page, acting_user=paper.director)
    page = services.mark_page_proof(page, acting_user=paper.editor)
    assert page.state == S.PAGE_PROOF and page.page_proof_by == paper.editor
    # The first-level editor lays out pages but does not sign them off: the reason says who does.
    with pytest.raises(PrintPermissionDenied, match="duty editor") as refused:
        services.sign_off(page, acting_user=paper.editor)
    assert "复审主任" in refused.value.message
    page = services.sign_off(page, acting_user=paper.director)
    assert page.state == S.SIGNED_OFF and page.signed_off_by == paper.director and page.signed_off_at
    assert ModelLogEntry.objects.filter(action="rongmei.printing.sign_off", object_id=str(page.pk)).exists()
    # The chief editor may sign off too (another page), the administrator may not.
    page2 = services.mark_page_proof(issue.pages.get(number=2), acting_user=paper.editor)
    with pytest.raises(PermissionDenied):
        services.sign_off(page2, acting_user=_admin_without_superuser(paper))
    assert services.sign_off(page2, acting_user=paper.chief).state == S.SIGNED_OFF


def _admin_without_superuser(paper):
    from rongmei.organisation import roles
    from rongmei.testing import make_user

    return make_user("sysadmin", roles.ADMIN)


def test_sign_off_locks_the_page_until_reopened_with_a_reason(paper, issue, approved_story):
    placement = services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    page = services.mark_page_proof(issue.pages.get(number=1), acting_user=paper.editor)
    services.sign_off(page, acting_user=paper.director)
    other = _another(paper)
    for act in (
        lambda: services.place_story(issue, 1, other, acting_user=paper.chief),
        lambda: services.move_placement(placement, acting_user=paper.chief, page_number=2),
        lambda: services.remove_placement(placement, acting_user=paper.chief),
        lambda: services.update_placement(placement, acting_user=paper.chief, target_length=10),
        lambda: services.rename_page(page, "改名", acting_user=paper.chief),
        lambda: services.back_to_galley(page, acting_user=paper.chief),
    ):
        with pytest.raises(PrintError, match="signed off by 周复审|not 大样"):
            act()
    assert PagePlacement.objects.get(pk=placement.pk).page_id == page.pk
    with pytest.raises(PermissionDenied):
        services.reopen(page, acting_user=paper.editor, reason="改标题")
    with pytest.raises(PrintError, match="Say why") as refused:
        services.reopen(page, acting_user=paper.chief, reason="  ")
    assert refused.value.field == "reason"
    page = services.reopen(page, acting_user=paper.chief, reason="头条标题有误")
    assert page.state == S.PAGE_PROOF and page.signed_off_by is None
    assert page.reopen_reason == "头条标题有误" and page.reopened_by == paper.chief
    entry = ModelLogEntry.objects.get(action="rongmei.printing.reopen", object_id=str(page.pk))
    assert entry.data["reason"] == "头条标题有误" and entry.data["signed_off_by"] == "周复审"
    assert services.rename_page(page, "要闻·改", acting_user=paper.editor).name == "要闻·改"


def test_a_retracted_story_blocks_sign_off(paper, issue, approved_story, on_commit):
    services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    page = services.mark_page_proof(issue.pages.get(number=1), acting_user=paper.editor)
    with on_commit():
        newsroom_services.retract(fresh(approved_story), acting_user=paper.reporter, reason="事实有误")
    approve_all(paper, approved_story, on_commit)
    assert fresh(approved_story).is_retracted
    with pytest.raises(PrintError, match="no longer approved"):
        services.sign_off(page, acting_user=paper.director)
    view = queries.view_placement(PagePlacement.objects.get())
    assert "retracted" in view.problem
    with pytest.raises(PrintError, match="retracted"):
        services.place_story(issue, 2, fresh(approved_story), acting_user=paper.editor)


def test_shrinking_an_issue_keeps_pages_with_stories(paper, issue, approved_story):
    services.place_story(issue, 4, approved_story, acting_user=paper.editor)
    with pytest.raises(PrintError, match="Page 4"):
        services.set_page_count(issue, 2, acting_user=paper.editor)
    assert fresh_issue(issue).pages.count() == 4
    services.set_page_count(issue, 6, acting_user=paper.editor)
    assert list(fresh_issue(issue).pages.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    services.set_page_count(issue, 4, acting_user=paper.editor)
    assert fresh_issue(issue).page_count == 4


def fresh_issue(issue):
    return PrintIssue.objects.get(pk=issue.pk)


def test_length_check_says_over_under_or_fits():
    check = queries.LengthCheck
    assert check(1100, 1000).verdict == "over" and "100" in check(1100, 1000).message
    assert check(850, 1000).verdict == "under" and "150" in check(850, 1000).message
    assert check(950, 1000).verdict == "fits"
    assert check(1000, 1000).verdict == "fits"


def test_the_print_status_follows_the_page(paper, issue, print_story):
    """Published when its page is signed off (page and signer named); waiting again after reopening."""
    status = StoryChannelStatus.objects.get(story=print_story, channel__kind="print")
    assert status.state == StoryChannelStatus.State.NEEDS_MANUAL
    assert status.note == "Awaiting placement on a page plan."
    services.place_story(issue, 3, print_story, acting_user=paper.editor)
    status.refresh_from_db()
    assert status.state == StoryChannelStatus.State.NEEDS_MANUAL
    assert "Page 3" in status.note and "awaiting sign-off" in status.note
    page = services.mark_page_proof(issue.pages.get(number=3), acting_user=paper.editor)
    services.sign_off(page, acting_user=paper.director)
    status.refresh_from_db()
    assert status.state == StoryChannelStatus.State.PUBLISHED
    assert "Page 3" in status.note and "周复审" in status.note
    assert status.published_at is not None and status.remote_id.startswith("print:")
    services.reopen(page, acting_user=paper.director, reason="换稿")
    status.refresh_from_db()
    assert status.state == StoryChannelStatus.State.NEEDS_MANUAL


def test_a_story_not_chosen_for_print_gets_a_status_when_printed(paper, approved_story):
    assert not StoryChannelStatus.objects.filter(story=approved_story, channel__kind="print").exists()
    issue = services.create_issue(paper.outlet, timezone.localdate(), 2, acting_user=paper.editor)
    services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    assert not StoryChannelStatus.objects.filter(story=approved_story, channel__kind="print").exists()
    page = services.mark_page_proof(issue.pages.get(number=1), acting_user=paper.editor)
    services.sign_off(page, acting_user=paper.chief)
    status = StoryChannelStatus.objects.get(story=approved_story, channel__kind="print")
    assert status.state == StoryChannelStatus.State.PUBLISHED and "陈终审" in status.note
