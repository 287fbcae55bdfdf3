"""The review timeline: one function per kind of event, each row holding what its kind needs, the
history read from the rows (never from Wagtail's log)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from rongmei.review import events, outcomes, services
from rongmei.review.models import EmergencyPublication, ReviewEvent
from rongmei.review.tests.factories import grant_emergency, story_at_final_level, submitted_story
from rongmei.testing import fresh, login

D = ReviewEvent.Decision


def log_entry(event):
    return PageLogEntry.objects.get(data__review_event_id=event.pk)


@pytest.fixture
def submitted(review):
    story = submitted_story(review, title="时间线稿件")
    return fresh(story)


def test_every_kind_has_its_log_action_and_a_function(db):
    assert set(events.KINDS) == set(D)
    assert len({kind.log_action for kind in events.KINDS.values()}) == len(D)


def test_submitted_and_resubmitted_name_the_level_and_the_revision(review, submitted):
    event = ReviewEvent.objects.get(story=submitted, decision=D.SUBMIT)
    assert (event.actor, event.level_name) == (review.reporter, "初审")
    assert event.data == {"revision_id": submitted.latest_revision_id}
    services.reject(submitted, acting_user=review.editor, opinion="补充信源")
    services.submit_for_review(fresh(submitted), acting_user=review.reporter)
    again = ReviewEvent.objects.get(story=submitted, decision=D.RESUBMIT)
    assert (again.actor, again.level) == (review.reporter, 1)
    assert log_entry(again).action == "rongmei.review.resubmit"


def test_approved_and_returned_keep_the_opinion_of_their_level(review, submitted):
    services.approve(submitted, acting_user=review.editor, opinion="事实无误")
    services.reject(fresh(submitted), acting_user=review.director, opinion="标题再改")
    approved = ReviewEvent.objects.get(decision=D.APPROVE)
    returned = ReviewEvent.objects.get(decision=D.REJECT)
    assert (approved.level, approved.opinion, approved.actor) == (1, "事实无误", review.editor)
    assert (returned.level, returned.opinion, returned.actor) == (2, "标题再改", review.director)
    assert returned.data["revision_id"] == returned.task_state.revision_id
    assert log_entry(returned).data["opinion"] == "标题再改"


def test_withdrawn(review, submitted):
    services.withdraw(submitted, acting_user=review.reporter)
    event = ReviewEvent.objects.get(decision=D.WITHDRAW)
    assert (event.actor, event.level_name) == (review.reporter, "初审")


def test_published_after_review(review, submitted):
    for reviewer in (review.editor, review.director, review.chief):
        services.approve(fresh(submitted), acting_user=reviewer)
    event = ReviewEvent.objects.get(decision=D.PUBLISH)
    assert event.workflow_state is not None and event.actor == review.chief
    assert event.data == {"revision_id": fresh(submitted).live_revision_id}
    assert event.details == ""


def test_scheduled_keeps_the_go_live_time_and_the_history_says_it(client, review):
    go_live = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    story = submitted_story(review, title="定时稿件", embargo_until=go_live)
    for reviewer in (review.editor, review.director, review.chief):
        services.approve(fresh(story), acting_user=reviewer)
    event = ReviewEvent.objects.get(story=story, decision=D.SCHEDULE)
    assert events.go_live_at(event) == go_live
    when = outcomes.go_live_text(go_live)
    assert when in event.details
    login(client, review.reporter)
    assert when in client.get(reverse("review_history", args=[story.pk])).content.decode()


def test_the_final_approval_message_reads_the_scheduling_from_the_history(review):
    go_live = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    story = story_at_final_level(review, title="定时稿件", embargo_until=go_live)
    final = services.approve(fresh(story), acting_user=review.chief)
    assert outcomes.go_live_text(go_live) in outcomes.final_approval_message(final)
    # Without the scheduling event, the message cannot say a time (the log is not read).
    ReviewEvent.objects.filter(decision=D.SCHEDULE).delete()
    assert outcomes.go_live_text(go_live) not in outcomes.final_approval_message(final)


def test_findings_overridden_names_the_findings(review, banned_list):
    story = story_at_final_level(review, title="终审稿", body="<p>严防内部绝密外泄。</p>")
    services.approve(fresh(story), acting_user=review.chief, override_reason="会议原文")
    event = ReviewEvent.objects.get(decision=D.PROOF_OVERRIDE)
    assert (event.opinion, event.level) == ("会议原文", 3)
    assert event.data["findings"] == ["内部绝密"] and "emergency" not in event.data
    assert "内部绝密" in event.details


def test_published_without_review_links_the_emergency_publication(review, banned_list):
    story = submitted_story(review, title="突发稿件", body="<p>严防内部绝密外泄。</p>")
    emergency = services.emergency_publish(
        story, acting_user=grant_emergency(review.chief), reason="火情紧急"
    )
    override = ReviewEvent.objects.get(decision=D.OVERRIDE)
    assert override.opinion == "火情紧急"
    assert override.data == {
        "revision_id": emergency.revision_id,
        "emergency_publication_id": emergency.pk,
        "review_stage": "初审",
        "findings": ["内部绝密"],
    }
    assert "初审" in override.details and "内部绝密" in override.details
    passed_over = ReviewEvent.objects.get(decision=D.PROOF_OVERRIDE)
    assert passed_over.data["emergency"] is True and passed_over.data["findings"] == ["内部绝密"]


def test_corrected_retracted_and_unpublished_keep_their_texts(review):
    story = review.add_story(title="已发稿件", publish=True)
    revision = fresh(story).live_revision
    corrected = events.corrected(
        story, actor=review.chief, revision=revision, corrections=["更正一", "更正二"]
    )
    assert corrected.opinion == "更正一\n更正二"
    assert corrected.data == {"revision_id": revision.pk, "corrections": ["更正一", "更正二"]}
    retracted = events.retracted(story, actor=review.chief, revision=revision, reason="严重失实")
    assert (retracted.decision, retracted.opinion, retracted.data["reason"]) == (
        D.RETRACT,
        "严重失实",
        "严重失实",
    )
    unpublished = events.unpublished(story, actor=review.chief, revision=revision, reason="暂时下线")
    assert unpublished.data["reason"] == "暂时下线"
    assert log_entry(unpublished).action == "rongmei.story.unpublish"


def test_events_are_kept_for_stories_only(review):
    assert events.retracted(review.section, actor=review.chief, revision=None, reason="x") is None
    assert not ReviewEvent.objects.exists()


def test_the_migration_gives_old_rows_their_data_back_from_the_log(review, banned_list):
    go_live = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    story = story_at_final_level(
        review, title="旧数据", embargo_until=go_live, body="<p>严防内部绝密外泄。</p>"
    )
    services.approve(fresh(story), acting_user=review.chief, override_reason="原文")
    written = {event.pk: event.data for event in ReviewEvent.objects.all()}
    ReviewEvent.objects.update(data={})  # as the rows were before the column existed
    migration = importlib.import_module("rongmei.review.migrations.0006_event_data")
    migration.backfill_event_data(django_apps, None)
    assert {event.pk: event.data for event in ReviewEvent.objects.all()} == written
    assert events.go_live_at(ReviewEvent.objects.get(decision=D.SCHEDULE)) == go_live


def test_the_migration_recovers_an_emergency_publication(review):
    story = review.add_story(title="突发旧数据")
    emergency = services.emergency_publish(story, acting_user=grant_emergency(review.chief), reason="紧急")
    written = ReviewEvent.objects.get(decision=D.OVERRIDE).data
    ReviewEvent.objects.update(data={})
    importlib.import_module("rongmei.review.migrations.0006_event_data").backfill_event_data(
        django_apps, None
    )
    assert ReviewEvent.objects.get(decision=D.OVERRIDE).data == written
    assert written["emergency_publication_id"] == EmergencyPublication.objects.get().pk == emergency.pk
