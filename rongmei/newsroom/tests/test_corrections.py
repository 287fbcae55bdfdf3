"""Corrections (更正) and retractions (撤稿) pass the review and take effect when published."""

import pytest
from wagtail.models import PageLogEntry

from rongmei.newsroom.models import CorrectionNote, StoryPage
from rongmei.review import queries, services
from rongmei.review.models import ReviewEvent

from .factories import pass_review

D = ReviewEvent.Decision


@pytest.fixture
def live_story(newsroom):
    services.ensure_review_workflow(newsroom.home)
    story = newsroom.add_story(title="原稿", body="<p>某地新建学校三所。</p>")
    pass_review(newsroom, story)
    story = StoryPage.objects.get(pk=story.pk)
    assert story.live
    return story


def edit(story, user, **changes):
    draft = StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


def test_correction_is_logged_when_the_reviewed_edit_is_published(newsroom, live_story):
    draft = edit(live_story, newsroom.reporter, body="<p>某地新建学校两所。</p>")
    draft.corrections.add(CorrectionNote(text="本报道原称新建学校三所，应为两所。"))
    draft.save_revision(user=newsroom.reporter)
    services.submit_for_review(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.reporter)
    services.approve(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.editor)
    # Nothing is corrected on the site before the review ends.
    assert not CorrectionNote.objects.filter(story=live_story).exists()
    assert not PageLogEntry.objects.filter(page=live_story, action="rongmei.story.correct").exists()
    services.approve(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.director)
    services.approve(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.chief)

    story = StoryPage.objects.get(pk=live_story.pk)
    assert story.live and "两所" in story.body
    assert [note.text for note in story.corrections.all()] == ["本报道原称新建学校三所，应为两所。"]
    entry = PageLogEntry.objects.get(page=story, action="rongmei.story.correct")
    assert entry.data["corrections"] == ["本报道原称新建学校三所，应为两所。"]
    assert entry.user == newsroom.chief
    last_two = list(queries.review_history(story))[-2:]
    assert {e.decision for e in last_two} == {D.CORRECT, D.PUBLISH}
    event = next(e for e in last_two if e.decision == D.CORRECT)
    assert (event.opinion, event.actor) == ("本报道原称新建学校三所，应为两所。", newsroom.chief)

    # A later edit that adds no correction note is not a correction.
    draft = edit(story, newsroom.reporter, title="原稿（修订标题）")
    draft.save_revision(user=newsroom.reporter)
    pass_review(newsroom, story)
    assert PageLogEntry.objects.filter(page=story, action="rongmei.story.correct").count() == 1
    assert ReviewEvent.objects.filter(story=story, decision=D.CORRECT).count() == 1
    assert StoryPage.objects.get(pk=story.pk).title == "原稿（修订标题）"


def test_first_publication_is_not_a_correction(newsroom):
    services.ensure_review_workflow(newsroom.home)
    story = newsroom.add_story(title="首发带更正栏")
    draft = edit(story, newsroom.reporter)
    draft.corrections.add(CorrectionNote(text="首发时即附说明"))
    draft.save_revision(user=newsroom.reporter)
    pass_review(newsroom, story)
    assert StoryPage.objects.get(pk=story.pk).live
    assert not PageLogEntry.objects.filter(page=story, action="rongmei.story.correct").exists()


def test_retraction_takes_the_story_off_the_site_once_approved(client, newsroom, live_story):
    url = live_story.get_url()
    draft = edit(
        live_story, newsroom.reporter, is_retracted=True, retraction_reason="当事人信息有误，经核实撤稿。"
    )
    draft.save_revision(user=newsroom.reporter)
    services.submit_for_review(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.reporter)
    services.approve(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.editor)
    services.approve(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.director)
    # Still public until the final approval.
    assert StoryPage.objects.on_site().filter(pk=live_story.pk).exists()
    services.approve(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.chief)

    story = StoryPage.objects.get(pk=live_story.pk)
    assert story.is_retracted and not story.live
    assert not StoryPage.objects.live().filter(pk=story.pk).exists()
    assert not StoryPage.objects.on_site().filter(pk=story.pk).exists()
    assert client.get(url).status_code == 404
    entry = PageLogEntry.objects.get(page=story, action="rongmei.story.retract")
    assert entry.data["reason"] == "当事人信息有误，经核实撤稿。"
    assert entry.user == newsroom.chief
    assert PageLogEntry.objects.filter(page=story, action="wagtail.unpublish").exists()
    history = list(queries.review_history(story))
    assert history[-1].decision == D.RETRACT
    assert history[-1].opinion == "当事人信息有误，经核实撤稿。"
    assert [e.decision for e in history].count(D.PUBLISH) == 1  # the original publication only


def test_rejected_retraction_leaves_the_story_online(newsroom, live_story):
    draft = edit(live_story, newsroom.reporter, is_retracted=True, retraction_reason="误报")
    draft.save_revision(user=newsroom.reporter)
    services.submit_for_review(StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.reporter)
    services.reject(
        StoryPage.objects.get(pk=live_story.pk), acting_user=newsroom.editor, opinion="不需撤稿，发更正即可"
    )
    story = StoryPage.objects.get(pk=live_story.pk)
    assert story.live and not story.is_retracted
    assert not PageLogEntry.objects.filter(page=story, action="rongmei.story.retract").exists()
