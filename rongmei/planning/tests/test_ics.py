import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rongmei.planning import ics, services
from rongmei.planning.models import PlannedEvent

pytestmark = pytest.mark.django_db


def _event(world, **fields):
    start = timezone.make_aware(datetime.datetime(2026, 12, 8, 9, 30))
    values = {
        "title": "全市经济工作会议新闻发布会",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "place": "市政府新闻发布厅",
        "description": "发布全年经济运行情况；需提前半小时入场",
        "organiser": "市政府新闻办",
    }
    values.update(fields)
    return services.save_event(world.director, **values)


def test_round_trip_updates_by_uid(world):
    timed = _event(world)
    all_day = _event(
        world,
        title="城南灯会",
        starts_at=timezone.make_aware(datetime.datetime(2026, 12, 10)),
        ends_at=timezone.make_aware(datetime.datetime(2026, 12, 12)),
        all_day=True,
        organiser="",
    )
    data = ics.export_calendar(PlannedEvent.objects.all())
    assert b"BEGIN:VCALENDAR" in data and timed.uid.encode() in data

    # The same file again changes nothing.
    assert ics.import_calendar(world.director, data) == (0, 0)
    assert PlannedEvent.objects.count() == 2

    # Changed elsewhere and imported again: updated in place, by UID.
    PlannedEvent.objects.filter(pk=timed.pk).update(title="旧标题", place="")
    PlannedEvent.objects.filter(pk=all_day.pk).delete()
    assert ics.import_calendar(world.director, data) == (1, 1)
    timed.refresh_from_db()
    assert (timed.title, timed.place, timed.organiser) == (
        "全市经济工作会议新闻发布会",
        "市政府新闻发布厅",
        "市政府新闻办",
    )
    again = PlannedEvent.objects.get(uid=all_day.uid)
    assert again.all_day and again.title == "城南灯会"
    assert timezone.localtime(again.starts_at).date() == datetime.date(2026, 12, 10)
    assert timezone.localtime(again.ends_at).date() == datetime.date(2026, 12, 12)
    assert again.organiser == ""


def test_import_from_another_calendar(world):
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\n"
        "BEGIN:VEVENT\r\nUID:abc-1@example.org\r\nDTSTAMP:20261201T000000Z\r\n"
        "DTSTART:20261209T020000Z\r\nDURATION:PT90M\r\nSUMMARY:区人大常委会会议\r\n"
        "LOCATION:区政府三楼会议室\r\nORGANIZER;CN=区人大办:mailto:rd@example.org\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()
    assert ics.import_calendar(world.editor, data) == (1, 0)
    event = PlannedEvent.objects.get(uid="abc-1@example.org")
    assert event.ends_at - event.starts_at == datetime.timedelta(minutes=90)
    assert (event.place, event.organiser) == ("区政府三楼会议室", "区人大办")


GOOD = "BEGIN:VEVENT\r\nUID:good@example.org\r\nDTSTART:20261209T020000Z\r\nSUMMARY:好的\r\nEND:VEVENT\r\n"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\nnot a calendar", "not an iCalendar"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events"),
        (
            (
                "BEGIN:VCALENDAR\r\n" + GOOD + "BEGIN:VEVENT\r\nUID:x@example.org\r\nSUMMARY:坏的\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n"
            ).encode(),
            "no valid start",
        ),
        (
            (
                "BEGIN:VCALENDAR\r\n" + GOOD + "BEGIN:VEVENT\r\nDTSTART:20261209T020000Z\r\nSUMMARY:无UID\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n"
            ).encode(),
            "no UID",
        ),
        (
            (
                "BEGIN:VCALENDAR\r\n"
                + GOOD
                + "BEGIN:VEVENT\r\nUID:y@example.org\r\nDTSTART:20261209T020000Z\r\n"
                "DTEND:20261208T020000Z\r\nSUMMARY:倒了\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            ).encode(),
            "ends before it starts",
        ),
        (("BEGIN:VCALENDAR\r\n" + GOOD + GOOD + "END:VCALENDAR\r\n").encode(), "appears twice"),
    ],
)
def test_a_bad_file_imports_nothing(world, data, message):
    with pytest.raises(ValidationError, match=message):
        ics.import_calendar(world.director, data)
    assert not PlannedEvent.objects.exists()


def test_only_calendar_keepers_import(world):
    data = ics.export_calendar([_event(world)])
    with pytest.raises(PermissionDenied):
        ics.import_calendar(world.reporter, data)
