import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rongmei.planning import ics, services
from rongmei.planning.models import Assignment, PlannedEvent, Topic, TopicEvent
from rongmei.testing import fresh, login

pytestmark = pytest.mark.django_db

State = Topic.State


def _client(client, user):
    return login(client, user, language="en")


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_every_screen_reads_for_every_newsroom_role(client, world):
    assignment = world.assigned()
    event = services.save_event(world.director, title="发布会", starts_at=timezone.now())
    urls = [
        reverse("planning_board"),
        reverse("planning_board") + "?span=week",
        reverse("planning_topic", args=[assignment.topic_id]),
        reverse("planning_my_assignments"),
        reverse("planning_assignments") + "?overdue=1",
        reverse("planning_calendar"),
        reverse("planning_propose"),
    ]
    rows_before = (Topic.objects.count(), TopicEvent.objects.count(), Assignment.objects.count())
    for who in ("reporter", "editor", "director", "chief", "newmedia"):
        client.logout()
        _client(client, getattr(world, who))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
    client.logout()
    _client(client, world.editor)
    for url in (reverse("planning_event_edit", args=[event.pk]), reverse("planning_calendar_import")):
        assert client.get(url).status_code == 200
    assert (Topic.objects.count(), TopicEvent.objects.count(), Assignment.objects.count()) == rows_before


def test_an_analyst_is_sent_back_with_the_reason(client, world):
    topic = world.topic()
    _client(client, world.analyst)
    for url, reason in (
        (reverse("planning_board"), "only for newsroom staff"),
        (reverse("planning_topic", args=[topic.pk]), "only for newsroom staff"),
        (reverse("planning_propose"), "may propose topics"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert any(reason in m for m in _messages(response)), (url, _messages(response))


def test_a_reporter_may_not_edit_the_calendar(client, world):
    _client(client, world.reporter)
    response = client.get(reverse("planning_calendar_import"))
    assert response.status_code == 302
    assert any("may change the events calendar" in m for m in _messages(response)), _messages(response)


def test_the_board_shows_decide_buttons_only_to_deciders(client, world):
    topic = world.topic()
    _client(client, world.reporter)
    page = client.get(reverse("planning_board")).content.decode()
    assert topic.title in page
    assert 'value="approved"' not in page
    client.logout()
    _client(client, world.director)
    page = client.get(reverse("planning_board")).content.decode()
    assert 'value="approved"' in page


def test_board_filters(client, world):
    mine = world.topic(title="政治新闻")
    other = world.topic(title="经济新闻", department=world.economy, by=world.chief)
    _client(client, world.director)
    page = client.get(reverse("planning_board"), {"department": world.economy.pk}).content.decode()
    assert other.title in page and mine.title not in page
    page = client.get(reverse("planning_board"), {"person": world.reporter.pk}).content.decode()
    assert mine.title in page and other.title not in page


def test_board_queries_are_bounded(client, world):
    _client(client, world.director)
    world.assigned()
    client.get(reverse("planning_board"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("planning_board"))
    for n in range(8):
        topic = world.approved(title=f"选题{n}", region=None)
        services.assign(
            world.director, topic, format="text", assignee=world.reporter, deadline=world.tomorrow()
        )
        world.topic(title=f"待审{n}", by=world.editor)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("planning_board"))
    assert response.status_code == 200
    assert len(many) <= len(few) + 2, [q["sql"] for q in many.captured_queries]


def test_one_click_approve_and_decline_needs_a_comment(client, world):
    topic = world.topic()
    _client(client, world.director)
    board = reverse("planning_board")
    response = client.post(
        reverse("planning_topic_move", args=[topic.pk]), {"state": "declined", "next": board}
    )
    assert response.status_code == 302 and response["Location"] == board
    assert any("needs a comment" in m for m in _messages(response))
    assert fresh(topic).state == State.PROPOSED
    client.post(reverse("planning_topic_move", args=[topic.pk]), {"state": "approved"})
    assert fresh(topic).state == State.APPROVED


def test_a_get_on_an_act_does_nothing(client, world):
    topic = world.topic()
    _client(client, world.director)
    assert client.get(reverse("planning_topic_move", args=[topic.pk]) + "?state=approved").status_code == 405
    assert fresh(topic).state == State.PROPOSED


def test_a_reporter_cannot_forge_a_decision(client, world):
    topic = world.topic()
    _client(client, world.reporter)
    response = client.post(reverse("planning_topic_move", args=[topic.pk]), {"state": "approved"})
    assert response.status_code == 302
    assert any("director" in m for m in _messages(response))
    assert fresh(topic).state == State.PROPOSED


def test_propose_form_keeps_the_input_on_error(client, world):
    _client(client, world.reporter)
    response = client.post(
        reverse("planning_propose"), {"title": "", "angle": "保留的角度", "formats": ["text"]}
    )
    assert response.status_code == 200
    assert "保留的角度" in response.content.decode()
    assert not Topic.objects.exists()
    response = client.post(
        reverse("planning_propose"),
        {"title": "城北菜市场改造", "angle": "摊位费", "formats": ["text", "video"], "deadline": ""},
    )
    topic = Topic.objects.get()
    assert response["Location"] == reverse("planning_topic", args=[topic.pk])
    assert topic.planned_formats == ["text", "video"] and topic.department == world.politics


def test_decide_and_assign_forms(client, world):
    topic = world.topic()
    _client(client, world.director)
    url = reverse("planning_topic_decide", args=[topic.pk])
    response = client.post(url, {"decision": "decline", "comment": ""})
    assert response.status_code == 200 and "needs a comment" in response.content.decode()
    client.post(url, {"decision": "approve"})
    assert fresh(topic).state == State.APPROVED
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    response = client.post(
        reverse("planning_topic_assign", args=[topic.pk]),
        {"format": "photo", "assignee": world.reporter.pk, "deadline": deadline, "note": "带无人机"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.format, assignment.assignee, assignment.note) == ("photo", world.reporter, "带无人机")


def test_my_assignments_show_overdue_in_red(client, world):
    assignment = world.assigned()
    Assignment.objects.filter(pk=assignment.pk).update(deadline=timezone.now() - datetime.timedelta(hours=5))
    _client(client, world.reporter)
    page = client.get(reverse("planning_my_assignments")).content.decode()
    assert 'class="planning-overdue"' in page
    assert "overdue by 5" in page
    page = client.get(reverse("planning_assignments"), {"overdue": "1"}).content.decode()
    assert assignment.topic.title in page


def test_start_writing_opens_the_page_editor(client, world):
    assignment = world.assigned()
    _client(client, world.reporter)
    response = client.post(reverse("planning_assignment_write", args=[assignment.pk]))
    story = fresh(assignment).story
    assert story is not None
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert client.get(response["Location"]).status_code == 200


def test_assignment_acts(client, world):
    assignment = world.assigned()
    _client(client, world.reporter)
    client.post(reverse("planning_assignment_act", args=[assignment.pk, "accept"]))
    assert fresh(assignment).state == Assignment.State.ACCEPTED
    response = client.post(reverse("planning_assignment_act", args=[assignment.pk, "file"]))
    assert any("Start the story first" in m for m in _messages(response))
    response = client.post(reverse("planning_assignment_act", args=[assignment.pk, "cancel"]))
    assert response.status_code == 302
    assert any("director" in m for m in _messages(response))
    assert fresh(assignment).state == Assignment.State.ACCEPTED


def test_ics_export_and_import_screens(client, world):
    services.save_event(
        world.director,
        title="城南灯会",
        starts_at=timezone.make_aware(datetime.datetime(2026, 12, 10, 19)),
    )
    _client(client, world.director)
    response = client.get(reverse("planning_calendar_export"), {"start": "2026-12-07", "end": "2026-12-13"})
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    assert "城南灯会".encode() in data
    response = client.get(reverse("planning_calendar_export"), {"start": "2026-12-13", "end": "2026-12-07"})
    assert response.status_code == 302
    assert any("before the start" in m for m in _messages(response))

    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("bad.ics", b"BEGIN:VCALENDAR\r\nthis is broken", content_type="text/calendar")
    response = client.post(reverse("planning_calendar_import"), {"file": bad})
    assert response.status_code == 200
    assert "nothing was imported" in response.content.decode()
    PlannedEvent.objects.update(title="改过的标题")
    good = SimpleUploadedFile("good.ics", data, content_type="text/calendar")
    response = client.post(reverse("planning_calendar_import"), {"file": good})
    assert response.status_code == 302
    assert any("0 events added, 1 updated" in m for m in _messages(response))
    assert PlannedEvent.objects.get().title == "城南灯会"
    assert ics.parse_calendar(data)[0]["title"] == "城南灯会"


def test_event_form(client, world):
    _client(client, world.editor)
    response = client.post(
        reverse("planning_event_add"),
        {"title": "区两会开幕", "starts_at": "2026-12-09 09:00", "ends_at": "2026-12-09 08:00"},
    )
    assert response.status_code == 200 and not PlannedEvent.objects.exists()
    response = client.post(
        reverse("planning_event_add"),
        {"title": "区两会开幕", "starts_at": "2026-12-09 09:00", "place": "区会议中心"},
    )
    assert response.status_code == 302
    assert PlannedEvent.objects.get().place == "区会议中心"


def test_the_dashboard_lists_my_open_assignments(client, world):
    assignment = world.assigned()
    _client(client, world.reporter)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'data-assignment="{assignment.pk}"' in page
    client.logout()
    _client(client, world.editor)
    assert 'id="planning-my-assignments"' not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_revise_and_resubmit_screen(client, world):
    topic = world.topic()
    services.decide_topic(world.director, topic, services.REQUEST_CHANGES, "补充采访对象")
    _client(client, world.reporter)
    url = reverse("planning_topic_edit", args=[topic.pk])
    page = client.get(url).content.decode()
    assert "补充采访对象" in page
    response = client.post(url, {"title": topic.title, "sources": "社区居委会", "formats": ["text"]})
    assert response.status_code == 302
    topic = fresh(topic)
    assert (topic.state, topic.sources) == (State.PROPOSED, "社区居委会")
