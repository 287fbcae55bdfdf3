"""Story events: one typed event per act on a story's life on the site, sent on commit."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from rongmei.newsroom import services as newsroom_services
from rongmei.newsroom.events import StoryEventKind, subscribe, unsubscribe
from rongmei.newsroom.models import StoryPage
from rongmei.review import queries
from rongmei.review import services as review_services
from rongmei.review.models import ReviewEvent
from rongmei.testing import fresh

from .factories import approve_all, pass_review

K = StoryEventKind
D = ReviewEvent.Decision


class Recorder:
    """A subscriber noting each event and what it could see of the story when it ran."""

    def __init__(self):
        self.seen = []

    def __call__(self, event):
        row = StoryPage.objects.filter(pk=event.story_id).first()
        self.seen.append(
            {
                "event": event,
                "live": bool(row and row.live),
                "on_site": StoryPage.objects.on_site().filter(pk=event.story_id).exists(),
            }
        )

    @property
    def events(self):
        return [entry["event"] for entry in self.seen]

    @property
    def kinds(self):
        return [event.kind for event in self.events]


@pytest.fixture
def recorder():
    recorder = Recorder()
    subscribe(recorder, dispatch_uid="test-story-events-recorder")
    yield recorder
    unsubscribe(dispatch_uid="test-story-events-recorder")


@pytest.fixture
def live_story(review, on_commit):
    story = review.add_story(title="原稿", body="<p>某地新建学校三所。</p>")
    pass_review(review, story, on_commit)
    assert fresh(story).live
    return fresh(story)


def test_full_review_emits_one_went_live_with_the_approved_revision(review, recorder, on_commit):
    story = review.add_story(title="三审发布")
    with on_commit():
        review_services.submit_for_review(story, acting_user=review.reporter)
    for reviewer in (review.editor, review.director):
        with on_commit():
            review_services.approve(fresh(story), acting_user=reviewer)
    assert recorder.events == []  # nothing goes out before the final approval
    with on_commit():
        review_services.approve(fresh(story), acting_user=review.chief)

    story = fresh(story)
    assert recorder.kinds == [K.WENT_LIVE]
    event = recorder.events[0]
    assert event.story_id == story.pk
    assert event.revision_id == story.live_revision_id
    assert review_services.approved_by_review(story, story.live_revision) is not None
    assert event.actor_id == review.chief.pk
    assert event.first_publication
    assert recorder.seen[0]["live"] and recorder.seen[0]["on_site"]


def test_update_without_correction_note_goes_live_again(review, live_story, recorder, on_commit):
    draft = live_story.get_latest_revision_as_object()
    draft.title = "原稿（修订标题）"
    draft.save_revision(user=review.reporter)
    pass_review(review, live_story, on_commit)
    assert recorder.kinds == [K.WENT_LIVE]
    assert not recorder.events[0].first_publication
    assert recorder.events[0].revision_id == fresh(live_story).live_revision_id


def test_correction_through_review_emits_story_corrected_only(review, live_story, recorder, on_commit):
    with on_commit():
        newsroom_services.correct(
            live_story, acting_user=review.reporter, note="本报道原称新建学校三所，应为两所。"
        )
    story = fresh(live_story)
    assert story.current_workflow_task.specific.level == 1
    assert not story.corrections.exists()  # nothing corrected on the site before the review ends
    approve_all(review, story, on_commit)

    story = fresh(story)
    assert [note.text for note in story.corrections.all()] == ["本报道原称新建学校三所，应为两所。"]
    assert recorder.kinds == [K.CORRECTED]
    event = recorder.events[0]
    assert event.corrections == ("本报道原称新建学校三所，应为两所。",)
    assert event.revision_id == story.live_revision_id and event.actor_id == review.chief.pk
    # The review history is as before: the correction and its publication.
    last_two = list(queries.review_history(story))[-2:]
    assert {e.decision for e in last_two} == {D.CORRECT, D.PUBLISH}


def test_retraction_through_review_emits_story_retracted_and_is_never_seen_live(
    client, review, live_story, recorder, on_commit
):
    url = live_story.get_url()
    with on_commit():
        newsroom_services.retract(
            live_story, acting_user=review.reporter, reason="当事人信息有误，经核实撤稿。"
        )
    retracting = fresh(live_story).get_latest_revision()
    for reviewer in (review.editor, review.director):
        with on_commit():
            review_services.approve(fresh(live_story), acting_user=reviewer)
    assert StoryPage.objects.on_site().filter(pk=live_story.pk).exists()  # online until the final approval
    with on_commit():
        review_services.approve(fresh(live_story), acting_user=review.chief)

    story = fresh(live_story)
    assert story.is_retracted and not story.live
    assert not StoryPage.objects.on_site().filter(pk=story.pk).exists()
    assert client.get(url).status_code == 404
    assert recorder.kinds == [K.RETRACTED]  # no went-live, no separate unpublication
    event = recorder.events[0]
    assert event.reason == "当事人信息有误，经核实撤稿。"
    assert event.revision_id == retracting.pk and event.actor_id == review.chief.pk
    assert not any(entry["live"] or entry["on_site"] for entry in recorder.seen)
    history = [e.decision for e in queries.review_history(story)]
    assert history[-1] == D.RETRACT and D.UNPUBLISH not in history
    assert history.count(D.PUBLISH) == 1  # the original publication only


def test_rejected_retraction_emits_nothing(review, live_story, recorder, on_commit):
    with on_commit():
        newsroom_services.retract(live_story, acting_user=review.reporter, reason="误报")
        review_services.reject(fresh(live_story), acting_user=review.editor, opinion="不需撤稿，发更正即可")
    assert recorder.events == []
    assert fresh(live_story).live


def test_correct_and_retract_refuse_what_they_cannot_do(review, live_story, recorder):
    draft = review.add_story(title="草稿")
    with pytest.raises(review_services.ReviewError) as error:
        newsroom_services.retract(draft, acting_user=review.reporter, reason="误报")
    assert error.value.code == "not_live"
    with pytest.raises(review_services.ReviewError) as error:
        newsroom_services.retract(live_story, acting_user=review.reporter, reason="  ")
    assert error.value.code == "reason_required"
    with pytest.raises(review_services.ReviewError) as error:
        newsroom_services.correct(live_story, acting_user=review.reporter, note="")
    assert error.value.code == "note_required"
    newsroom_services.correct(live_story, acting_user=review.reporter, note="更正一")
    revisions = fresh(live_story).revisions.count()
    with pytest.raises(review_services.ReviewError) as error:
        newsroom_services.retract(live_story, acting_user=review.reporter, reason="误报")
    assert error.value.code == "in_review"
    assert fresh(live_story).revisions.count() == revisions  # nothing saved by the refused act


def test_embargoed_story_goes_live_event_only_when_the_scheduler_publishes(review, recorder, on_commit):
    from rongmei.core.tasks import publish_scheduled_pages

    embargo = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    story = review.add_story(title="定时发布", embargo_until=embargo)
    pass_review(review, story, on_commit)
    assert not fresh(story).live
    assert recorder.events == []  # scheduled is not live

    later = embargo + timedelta(minutes=1)
    with on_commit(), mock.patch("django.utils.timezone.now", return_value=later):
        publish_scheduled_pages.enqueue()
    story = fresh(story)
    assert story.live
    assert recorder.kinds == [K.WENT_LIVE]
    assert recorder.events[0].revision_id == story.live_revision_id
    assert recorder.events[0].actor_id is None  # the scheduler


def test_emergency_publication_goes_live(review, recorder, on_commit):
    story = review.add_story(title="突发：暴雨")
    review_services.submit_for_review(story, acting_user=review.reporter)
    review.chief.user_permissions.add(
        Permission.objects.get(content_type__app_label="newsroom", codename="emergency_publish_storypage")
    )
    chief = type(review.chief).objects.get(pk=review.chief.pk)
    with on_commit():
        emergency = review_services.emergency_publish(story, acting_user=chief, reason="暴雨预警，需立即发布")
    assert recorder.kinds == [K.WENT_LIVE]
    assert recorder.events[0].revision_id == emergency.revision_id == fresh(story).live_revision_id
    assert recorder.events[0].actor_id == chief.pk


def test_admin_unpublish_emits_story_unpublished(client, review, live_story, recorder, on_commit):
    client.force_login(review.chief)
    live_revision = live_story.live_revision_id
    with on_commit():
        response = client.post(reverse("wagtailadmin_pages:unpublish", args=[live_story.pk]))
    assert response.status_code == 302
    assert not fresh(live_story).live
    assert recorder.kinds == [K.UNPUBLISHED]
    event = recorder.events[0]
    assert (event.revision_id, event.actor_id, event.deleted) == (live_revision, review.chief.pk, False)
    last = list(queries.review_history(live_story))[-1]
    assert (last.decision, last.actor) == (D.UNPUBLISH, review.chief)


def test_unpublish_service_needs_publish_permission_and_records_the_reason(
    review, live_story, recorder, on_commit
):
    with pytest.raises(review_services.ReviewPermissionDenied):
        newsroom_services.unpublish(live_story, acting_user=review.reporter, reason="发错栏目")
    with pytest.raises(review_services.ReviewError) as error:
        newsroom_services.unpublish(live_story, acting_user=review.chief, reason="")
    assert error.value.code == "reason_required"
    assert fresh(live_story).live and recorder.events == []

    with on_commit():
        newsroom_services.unpublish(live_story, acting_user=review.chief, reason="发错栏目")
    assert not fresh(live_story).live
    assert recorder.kinds == [K.UNPUBLISHED]
    assert recorder.events[0].reason == "发错栏目"
    last = list(queries.review_history(live_story))[-1]
    assert (last.decision, last.opinion, last.actor) == (D.UNPUBLISH, "发错栏目", review.chief)
    assert PageLogEntry.objects.filter(page=live_story, action="rongmei.story.unpublish").exists()


def test_deleting_a_live_story_emits_story_unpublished(review, live_story, recorder, on_commit):
    with on_commit():
        fresh(live_story).delete()
    assert recorder.kinds == [K.UNPUBLISHED]
    assert recorder.events[0].deleted and recorder.events[0].story_id == live_story.pk


def test_rolled_back_publication_emits_nothing(review, recorder, on_commit):
    story = review.add_story(title="回滚")
    with on_commit():
        review_services.submit_for_review(story, acting_user=review.reporter)
        review_services.approve(fresh(story), acting_user=review.editor)
        review_services.approve(fresh(story), acting_user=review.director)
    with on_commit(), pytest.raises(RuntimeError):
        with transaction.atomic():
            review_services.approve(fresh(story), acting_user=review.chief)
            assert fresh(story).live
            raise RuntimeError("something later in the same transaction failed")
    assert not fresh(story).live
    assert recorder.events == []


def test_a_failing_subscriber_does_not_stop_the_others(review, on_commit, caplog):
    def broken(event):
        raise ValueError("subscriber bug")

    # The broken subscriber comes first: the one after it must still get the event.
    subscribe(broken, dispatch_uid="test-story-events-broken")
    recorder = Recorder()
    subscribe(recorder, dispatch_uid="test-story-events-after-broken")
    try:
        story = review.add_story(title="订阅者出错")
        with caplog.at_level(logging.ERROR, logger="rongmei.newsroom.events"):
            pass_review(review, story, on_commit)
    finally:
        unsubscribe(dispatch_uid="test-story-events-broken")
        unsubscribe(dispatch_uid="test-story-events-after-broken")
    assert recorder.kinds == [K.WENT_LIVE]
    assert fresh(story).live
    failures = [record for record in caplog.records if record.name == "rongmei.newsroom.events"]
    assert len(failures) == 1 and isinstance(failures[0].exc_info[1], ValueError)
    assert "story_went_live" in failures[0].getMessage() and "broken" in failures[0].getMessage()


def test_subscription_to_some_kinds(review, live_story, on_commit):
    seen = []
    subscribe(seen.append, kinds=[K.RETRACTED], dispatch_uid="test-story-events-retractions")
    try:
        with on_commit():
            newsroom_services.correct(live_story, acting_user=review.reporter, note="更正")
        approve_all(review, live_story, on_commit)
        assert seen == []
        with on_commit():
            newsroom_services.retract(live_story, acting_user=review.reporter, reason="撤稿")
        approve_all(review, live_story, on_commit)
    finally:
        unsubscribe(dispatch_uid="test-story-events-retractions")
    assert [event.kind for event in seen] == [K.RETRACTED]


def test_an_alias_follows_its_story_without_events_of_its_own(review, live_story, recorder, on_commit):
    # (The go-live gate keeps a new alias of a story a draft; content loaded from elsewhere may have one.)
    with review_services.publishing_outside_review("test: an alias of a live story"):
        alias = fresh(live_story).create_alias(parent=review.other_section, update_slug="alias-of-story")
    assert alias.live
    with on_commit():
        newsroom_services.unpublish(live_story, acting_user=review.chief, reason="发错栏目")
    assert not fresh(alias).live and not fresh(live_story).live
    assert recorder.kinds == [K.UNPUBLISHED]
    assert recorder.events[0].story_id == live_story.pk
    assert not ReviewEvent.objects.filter(story_id=alias.pk).exists()


def test_a_live_alias_follows_its_story_through_correction_and_retraction(
    client, review, live_story, recorder, on_commit
):
    # The alias shows the reviewed live revision of its story, so the go-live gate lets it live,
    # and publishing the story (which updates its aliases) is not refused because of it.
    alias = fresh(live_story).create_alias(parent=review.other_section, update_slug="alias-of-story")
    assert fresh(alias).live
    with on_commit():
        newsroom_services.correct(live_story, acting_user=review.reporter, note="更正说明")
    approve_all(review, live_story, on_commit)
    assert [note.text for note in fresh(alias).corrections.all()] == ["更正说明"]
    with on_commit():
        newsroom_services.retract(live_story, acting_user=review.reporter, reason="误报")
    approve_all(review, live_story, on_commit)
    assert recorder.kinds == [K.CORRECTED, K.RETRACTED]
    assert {event.story_id for event in recorder.events} == {live_story.pk}
    assert not StoryPage.objects.on_site().filter(pk__in=[alias.pk, live_story.pk]).exists()
    assert client.get(fresh(alias).get_url()).status_code == 404


def test_an_alias_of_an_unreviewed_story_stays_a_draft(review):
    draft = review.add_story(title="未审稿")
    alias = draft.create_alias(parent=review.other_section, update_slug="alias-of-draft")
    assert not fresh(alias).live
