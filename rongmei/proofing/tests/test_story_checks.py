"""Proofreading in the newsroom's workflow: checks on save and review, decisions, the 终审 gate."""

import pytest
from django.utils import timezone
from wagtail.models import TaskState

from rongmei.newsroom.models import StoryPage
from rongmei.proofing import story_checks
from rongmei.proofing.engine import findings as f
from rongmei.proofing.models import ProofCheck, ProofDecision, ProofFinding, Term
from rongmei.proofing.story_text import ReplacementError, RichTextMap, StoryText, replace_in_field
from rongmei.proofing.tests.factories import PLANTED_BODY
from rongmei.review import services as review_services
from rongmei.review.models import APPROVE_OVER_PROOFING, ReviewEvent
from rongmei.review.tests.factories import story_at_final_level, submitted_story
from rongmei.testing import fresh


def open_findings(check):
    return {(x.category, x.flagged_text) for x in check.findings.filter(status=ProofFinding.Status.OPEN)}


# --- text of a story --------------------------------------------------------------------------
def test_rich_text_maps_plain_text_back_to_the_source():
    source = (
        '<p>他说&amp;再接再励</p><h2>小标题</h2><p>第二段<b>加粗</b>文字</p><embed embedtype="image" id="1"/>'
    )
    mapping = RichTextMap.from_html(source)
    assert mapping.text == "他说&再接再励\n小标题\n第二段加粗文字"
    start = mapping.text.index("再接再励")
    span = mapping.source_span(start, start + 4)
    assert source[span[0] : span[1]] == "再接再励"
    amp = mapping.text.index("&")
    assert source[slice(*mapping.source_span(amp, amp + 1))] == "&amp;"
    crossing = mapping.text.index("段加")
    assert mapping.source_span(crossing, crossing + 2) is None  # the <b> tag lies inside
    assert mapping.source_span(mapping.text.index("题\n"), mapping.text.index("题\n") + 2) is None


def test_replacing_in_rich_text_keeps_markup_and_escapes():
    source = "<p>按装<b>设备</b>&lt;一&gt;</p>"
    assert (
        replace_in_field(source, "body", 0, 2, "按装", "安装<新>")
        == "<p>安装&lt;新&gt;<b>设备</b>&lt;一&gt;</p>"
    )
    with pytest.raises(ReplacementError):
        replace_in_field(source, "body", 0, 2, "安装", "安装")  # the text is no longer what was flagged
    assert replace_in_field("迫不急待", "title", 0, 4, "迫不急待", "迫不及待") == "迫不及待"


def test_story_text_joins_fields_and_locates_findings():
    text = StoryText.from_values({"title": "标题", "lead": "", "body": "<p>正文一</p><p>正文二</p>"})
    assert text.text == "标题\n\n正文一\n正文二"
    assert text.locate(text.text.index("正文二"), text.text.index("正文二") + 3) == ("body", 4, 7)
    assert text.locate(0, 2) == ("title", 0, 2)


# --- checks on save and on submission -----------------------------------------------------------
def test_saving_a_story_checks_it_and_finds_the_planted_errors(newsroom, banned_list):
    story = newsroom.add_story(title="项目建设提速", body=PLANTED_BODY)
    check = story_checks.latest_check(story)
    assert check is not None and check.trigger == ProofCheck.Trigger.SAVE
    assert check.revision_id == fresh(story).latest_revision_id
    found = {(x.category, x.flagged_text, x.severity, x.suggestion) for x in check.findings.all()}
    assert (f.MISSPELLING, "再接再励", f.WARN, "再接再厉") in found
    assert (f.BANNED, "内部绝密", f.BLOCK, "") in found
    assert any(category == f.PUNCTUATION and text == "“" for category, text, *_ in found)
    assert check.block_count == 1
    misspelling = check.findings.get(flagged_text="再接再励")
    assert misspelling.field == "body"
    body_text = StoryText.from_page(story).fields[-1][2]
    assert body_text[misspelling.start : misspelling.end] == "再接再励"


def test_a_clean_story_has_no_findings(newsroom):
    story = newsroom.add_story(title="全市推进项目建设", body="<p>全市干部再接再厉，推进项目建设。</p>")
    check = story_checks.latest_check(story)
    assert list(check.findings.all()) == []
    assert (check.block_count, check.warn_count, check.info_count) == (0, 0, 0)


def test_advertising_law_terms_only_count_in_advertorials(newsroom):
    body = "<p>该产品是国家级最佳品牌。</p>"
    news = newsroom.add_story(title="新闻", body=body)
    assert not story_checks.latest_check(news).findings.filter(category=f.ADLAW).exists()
    advert = newsroom.add_story(title="软文", body=body, story_type="advertorial")
    assert story_checks.latest_check(advert).findings.filter(category=f.ADLAW).exists()


def test_long_stories_are_checked_on_the_worker(newsroom, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(story_checks, "BACKGROUND_CHECK_CHARS", 10)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        story = newsroom.add_story(title="长稿", body="<p>" + "全市干部再接再励。" * 5 + "</p>")
    assert story_checks.latest_check(story) is None  # nothing ran inside the save
    assert len(callbacks) == 1
    callbacks[0]()  # the enqueue; the test task backend runs it at once
    check = story_checks.latest_check(story)
    assert check.trigger == ProofCheck.Trigger.SAVE
    assert check.findings.filter(flagged_text="再接再励").count() == 5


def test_a_one_megabyte_story_is_saved_at_once_and_checked_on_the_worker(
    newsroom, django_capture_on_commit_callbacks
):
    paragraph = "全市干部再接再励。" + "推进项目建设，确保各项任务按期完成。" * 50
    body = "".join(f"<p>{paragraph}</p>" for _ in range(1_000_000 // len(paragraph)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        story = newsroom.add_story(title="长篇", body=body)
    assert fresh(story).get_latest_revision_as_object().body == body  # nothing lost
    assert story_checks.latest_check(story) is None
    for callback in callbacks:
        callback()
    check = story_checks.latest_check(story)
    assert check.text_length > 1_000_000
    assert check.warn_count == check.findings.filter(flagged_text="再接再励").count() > 1000


def test_the_worker_task_skips_a_deleted_revision(newsroom):
    from rongmei.proofing.tasks import check_revision_task

    assert check_revision_task.call(999999, "save") is None


def test_submission_and_each_review_step_have_a_check(review):
    story = review.add_story(title="送审稿", body="<p>全市干部再接再励。</p>")
    review_state = review_services.submit_for_review(fresh(story), acting_user=review.reporter)
    triggers = list(ProofCheck.objects.filter(story=story).values_list("trigger", flat=True))
    assert ProofCheck.Trigger.SUBMIT in triggers
    submitted = ProofCheck.objects.get(story=story, trigger=ProofCheck.Trigger.SUBMIT)
    assert submitted.requested_by == review.reporter
    assert open_findings(submitted) == {(f.MISSPELLING, "再接再励")}
    assert review_state.status == "in_progress"


def test_lists_changed_since_the_check_means_a_new_check(newsroom, banned_list):
    story = newsroom.add_story(title="标题", body="<p>这是新词违规样本。</p>")
    first = story_checks.current_check(story)
    assert not first.findings.exists()
    Term.objects.create(word_list=banned_list, term="新词违规")
    second = story_checks.current_check(story)
    assert second.pk != first.pk
    assert open_findings(second) == {(f.BANNED, "新词违规")}
    assert story_checks.current_check(story).pk == second.pk  # nothing changed: reused


# --- decisions --------------------------------------------------------------------------------
def test_not_an_error_needs_a_reason_and_is_remembered_for_the_story(newsroom):
    story = newsroom.add_story(title="标题", body="<p>全市干部再接再励。</p>")
    finding = story_checks.latest_check(story).findings.get(flagged_text="再接再励")
    with pytest.raises(story_checks.ProofingError) as error:
        story_checks.mark_not_an_error(finding, acting_user=newsroom.editor, reason="  ")
    assert error.value.code == "reason_required"
    story_checks.mark_not_an_error(finding, acting_user=newsroom.editor, reason="引用原文，保留原样")
    assert story_checks.latest_check(story).block_count == 0
    assert story_checks.latest_check(story).warn_count == 0
    # The reporter edits another paragraph: the decision still holds in the new revision.
    page = fresh(story).get_latest_revision_as_object()
    page.body = "<p>全市干部再接再励。</p><p>新增一段。</p>"
    page.save_revision(user=newsroom.reporter)
    later = story_checks.latest_check(fresh(story))
    assert later.pk != finding.check_run_id
    assert later.findings.get(flagged_text="再接再励").status == ProofFinding.Status.DISMISSED
    decision = ProofDecision.objects.get(story=story, kind=ProofDecision.Kind.NOT_AN_ERROR)
    assert (decision.decided_by, decision.reason) == (newsroom.editor, "引用原文，保留原样")
    # Another story with the same words is not affected.
    other = newsroom.add_story(title="另一篇", body="<p>全市干部再接再励。</p>")
    assert story_checks.latest_check(other).findings.get().status == ProofFinding.Status.OPEN


def test_reopening_a_finding_counts_it_again(review, banned_list):
    story = submitted_story(review, title="标题", body="<p>严防内部绝密外泄。</p>")
    finding = story_checks.latest_check(story).findings.get(category=f.BANNED)
    story_checks.mark_not_an_error(finding, acting_user=review.editor, reason="会议名称的一部分")
    assert story_checks.latest_check(story).block_count == 0
    story_checks.reopen_finding(finding, acting_user=review.editor)
    assert story_checks.latest_check(story).block_count == 1
    assert story_checks.run_check(fresh(story), trigger="manual").block_count == 1


def test_accepting_a_suggestion_saves_a_revision_and_rechecks(newsroom):
    story = newsroom.add_story(title="标题", body="<p>全市干部<b>奋力</b>再接再励。</p>")
    finding = story_checks.latest_check(story).findings.get(flagged_text="再接再励")
    check = story_checks.accept_suggestion(finding, acting_user=newsroom.editor)
    story = fresh(story)
    latest = story.get_latest_revision_as_object()
    assert latest.body == "<p>全市干部<b>奋力</b>再接再厉。</p>"
    assert story.latest_revision.user == newsroom.editor
    assert check.revision_id == story.latest_revision_id
    assert not check.findings.filter(flagged_text="再接再励").exists()
    decision = ProofDecision.objects.get(kind=ProofDecision.Kind.ACCEPTED)
    assert (decision.flagged_text, decision.replacement) == ("再接再励", "再接再厉")
    # The old finding is stale now: accepting it again would edit text that is no longer there.
    with pytest.raises(story_checks.ProofingError) as error:
        story_checks.accept_suggestion(finding, acting_user=newsroom.editor)
    assert error.value.code == "stale"


def test_accepting_in_the_headline_changes_the_draft_title(newsroom):
    story = newsroom.add_story(title="工程按装完毕", body="<p>正文。</p>")
    finding = story_checks.latest_check(story).findings.get(flagged_text="按装")
    story_checks.accept_suggestion(finding, acting_user=newsroom.editor)
    story = fresh(story)
    assert story.draft_title == "工程安装完毕"
    assert story.get_latest_revision_as_object().title == "工程安装完毕"


def test_nobody_accepts_a_suggestion_in_a_story_locked_by_someone_else(newsroom):
    story = newsroom.add_story(title="标题", body="<p>全市干部再接再励。</p>")
    StoryPage.objects.filter(pk=story.pk).update(
        locked=True, locked_by=newsroom.director, locked_at=timezone.now()
    )
    finding = story_checks.latest_check(story).findings.get()
    with pytest.raises(story_checks.ProofingError) as error:
        story_checks.accept_suggestion(finding, acting_user=newsroom.editor)
    assert error.value.code == "forbidden"
    assert fresh(story).get_latest_revision_as_object().body == "<p>全市干部再接再励。</p>"


# --- the 终审 gate ----------------------------------------------------------------------------
@pytest.fixture
def at_final_level(review, banned_list):
    """A story with a banned word, approved at 初审 and 复审 (the gate is the final level's)."""
    return story_at_final_level(review, title="终审稿", body=PLANTED_BODY)


def test_final_review_cannot_approve_over_an_open_block(review, at_final_level):
    story = at_final_level
    with pytest.raises(review_services.ReviewError) as error:
        review_services.approve(fresh(story), acting_user=review.chief, opinion="同意发布")
    assert error.value.code == "proofing_blocked"
    assert "内部绝密" in str(error.value)
    story = fresh(story)
    assert not story.live
    assert story.current_workflow_task.name == "终审"
    assert not ReviewEvent.objects.filter(story=story, level=3).exists()
    task = story.current_workflow_task.specific
    actions = [name for name, _label, _modal in task.get_actions(story, review.chief)]
    assert actions == ["reject", APPROVE_OVER_PROOFING]


def test_an_override_with_a_reason_publishes_and_is_in_the_review_history(review, at_final_level):
    story = at_final_level
    review_services.approve(
        fresh(story), acting_user=review.chief, opinion="同意", override_reason="专有名词，经核实无误"
    )
    story = fresh(story)
    assert story.live
    override = ReviewEvent.objects.get(story=story, decision=ReviewEvent.Decision.PROOF_OVERRIDE)
    assert (override.actor, override.level, override.opinion) == (review.chief, 3, "专有名词，经核实无误")
    decisions = [e.decision for e in ReviewEvent.objects.filter(story=story)]
    assert decisions[-3:] == [ReviewEvent.Decision.PROOF_OVERRIDE, ReviewEvent.Decision.APPROVE, "publish"]
    overridden = ProofDecision.objects.get(story=story, kind=ProofDecision.Kind.OVERRIDDEN)
    assert (overridden.flagged_text, overridden.decided_by) == ("内部绝密", review.chief)


def test_blocks_do_not_stop_the_lower_levels(review, banned_list):
    story = submitted_story(review, title="稿件", body="<p>严防内部绝密外泄。</p>")
    task = fresh(story).current_workflow_task.specific
    assert [name for name, *_ in task.get_actions(fresh(story), review.editor)] == ["reject", "approve"]
    review_services.approve(fresh(story), acting_user=review.editor)
    assert fresh(story).current_workflow_task.name == "复审"


def test_fixing_the_text_clears_the_gate(review, at_final_level):
    story = at_final_level
    page = fresh(story).get_latest_revision_as_object()
    page.body = page.body.replace("内部绝密", "秘密信息")
    page.save_revision(user=review.chief)
    task = fresh(story).current_workflow_task.specific
    assert [name for name, *_ in task.get_actions(fresh(story), review.chief)] == ["reject", "approve"]
    # The chief approves the text as fixed; no reason needed, and no trip back to 初审.
    review_services.approve(fresh(story), acting_user=review.chief)
    story = fresh(story)
    assert story.live and "秘密信息" in story.body
    assert not ReviewEvent.objects.filter(story=story, decision=ReviewEvent.Decision.PROOF_OVERRIDE).exists()


def test_not_an_error_clears_the_gate_without_an_override(review, at_final_level):
    story = at_final_level
    finding = story_checks.current_check(fresh(story)).findings.get(category=f.BANNED)
    story_checks.mark_not_an_error(finding, acting_user=review.chief, reason="会议文件标题，照录")
    review_services.approve(fresh(story), acting_user=review.chief)
    assert fresh(story).live
    assert TaskState.objects.filter(status=TaskState.STATUS_APPROVED, finished_by=review.chief).exists()


# --- the newsroom's report ------------------------------------------------------------------
def test_monthly_report_counts_submitted_copy_per_category_and_reporter(review, banned_list):
    from rongmei.organisation import roles
    from rongmei.testing import make_user

    other = make_user("reporter2", roles.REPORTER, display_name="钱记者")
    first = review.add_story(title="稿一", body="<p>全市干部再接再励，严防内部绝密外泄。</p>")
    second = review.add_story(title="稿二", body="<p>设备按装完毕。</p>", owner=other)
    for story, author in ((first, review.reporter), (second, other)):
        review_services.submit_for_review(fresh(story), acting_user=author)
    # Re-checks of the same copy are not counted again.
    story_checks.run_check(fresh(first), trigger="manual")
    report = story_checks.monthly_report()
    this_month = timezone.localdate().replace(day=1)
    assert report.months[-1] == this_month and len(report.months) == 6
    assert report.by_category[f.MISSPELLING][this_month] == 2
    assert report.by_category[f.BANNED][this_month] == 1
    rows = {name: (counts, total) for _pk, name, counts, total in report.reporters}
    assert rows["王记者"] == ({f.MISSPELLING: 1, f.BANNED: 1}, 2)
    assert rows["钱记者"] == ({f.MISSPELLING: 1}, 1)


# --- checks happen on acts and on the worker, never on a page view ------------------------------------
def test_a_long_submission_is_checked_on_the_worker_as_a_submission(review, monkeypatch, on_commit):
    monkeypatch.setattr(story_checks, "BACKGROUND_CHECK_CHARS", 10)
    with on_commit():
        story = review.add_story(title="长稿", body="<p>" + "全市干部再接再励。" * 5 + "</p>")
        review_services.submit_for_review(fresh(story), acting_user=review.reporter)
    triggers = sorted(ProofCheck.objects.filter(story=story).values_list("trigger", flat=True))
    # The save's check on the worker; the submission's is its own (the monthly report counts it).
    assert triggers == [ProofCheck.Trigger.SAVE, ProofCheck.Trigger.SUBMIT]
    submitted = ProofCheck.objects.get(story=story, trigger=ProofCheck.Trigger.SUBMIT)
    assert submitted.requested_by == review.reporter


def test_the_worker_does_not_check_a_revision_twice(newsroom):
    from rongmei.proofing.tasks import check_revision_task

    story = newsroom.add_story(title="稿件", body="<p>全市干部再接再励。</p>")
    check = story_checks.latest_check(story)
    assert check_revision_task.call(check.revision_id, ProofCheck.Trigger.SAVE) == check.pk
    assert ProofCheck.objects.filter(story=story).count() == 1


def test_changed_word_lists_recheck_the_stories_in_review_on_the_worker(review, banned_list, on_commit):
    in_review = submitted_story(review, title="送审稿", body="<p>这是新词违规样本。</p>")
    draft = review.add_story(title="草稿", body="<p>这是新词违规样本。</p>")
    draft_checks = ProofCheck.objects.filter(story=draft).count()
    with on_commit():
        Term.objects.create(word_list=banned_list, term="新词违规")
    check = story_checks.latest_check(fresh(in_review))
    assert check.trigger == ProofCheck.Trigger.LISTS
    assert open_findings(check) == {(f.BANNED, "新词违规")}
    assert ProofCheck.objects.filter(story=draft).count() == draft_checks  # drafts: on their next save


def test_the_stored_state_says_what_a_page_shows(newsroom, banned_list):
    story = newsroom.add_story(title="标题", body="<p>严防内部绝密外泄。</p>")
    state = story_checks.check_state(fresh(story))
    assert state.current == story_checks.latest_check(story) and not state.pending and not state.lists_changed
    ProofCheck.objects.filter(story=story).delete()
    assert story_checks.check_state(fresh(story)) == story_checks.CheckState(None, True, False)
    story_checks.run_check(fresh(story), trigger="manual")
    Term.objects.create(word_list=banned_list, term="外泄")
    assert story_checks.check_state(fresh(story)).lists_changed
