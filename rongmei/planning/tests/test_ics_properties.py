"""Property tests (Hypothesis) for the iCalendar (.ics) import: any bytes give events or a
``ValidationError`` with a message (never another exception), and a calendar written by
``icalendar`` comes back with its events' UIDs and titles."""

from datetime import UTC, datetime, timedelta

import icalendar
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongmei.planning.ics import TITLE_MAX, parse_calendar

FAST = settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

ICS_PIECES = st.sampled_from(
    [
        b"BEGIN:VCALENDAR\r\n",
        b"END:VCALENDAR\r\n",
        b"BEGIN:VEVENT\r\n",
        b"END:VEVENT\r\n",
        b"VERSION:2.0\r\n",
        b"UID:a@b\r\n",
        b"UID:\r\n",
        b"SUMMARY:\xe6\xb7\x84\xe5\x8d\x9a\r\n",
        b"DTSTART:20240101T080000Z\r\n",
        b"DTSTART;VALUE=DATE:20240230\r\n",
        b"DTSTART:garbage\r\n",
        b"DTEND:20231231T000000\r\n",
        b"DTSTART;TZID=Asia/Shanghai:20240101T080000\r\n",
        b"DTSTART;TZID=Nowhere/City:20240101T080000\r\n",
        b"DURATION:P1D\r\n",
        b"DURATION:PXD\r\n",
        b"RRULE:FREQ=DAILY;COUNT=3\r\n",
        b"LOCATION:\xe5\xbc\xa0\xe5\xba\x97\r\n",
        b"ORGANIZER;CN=x:mailto:a@b\r\n",
        b"DESCRIPTION:" + b"x" * 50 + b"\r\n",
        b" folded\r\n",
        b"\x00",
        b"\xff",
    ]
)


def _only_validation_errors(data):
    try:
        rows = parse_calendar(data)
    except ValidationError as error:
        assert error.messages and all(message.strip() for message in error.messages)
        return None
    assert isinstance(rows, list)
    return rows


@FAST
@given(st.one_of(st.binary(max_size=300), st.lists(ICS_PIECES, max_size=30).map(b"".join)))
def test_any_file_gives_events_or_a_message(data):
    _only_validation_errors(data)


@FAST
@given(
    st.one_of(
        st.lists(ICS_PIECES, max_size=15).map(
            lambda pieces: (
                b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + b"".join(pieces) + b"END:VEVENT\r\nEND:VCALENDAR\r\n"
            )
        )
    )
)
def test_any_event_inside_a_calendar_gives_a_row_or_a_message(data):
    _only_validation_errors(data)


titles = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40
).filter(str.strip)


@FAST
@given(st.lists(st.tuples(titles, st.integers(0, 10_000)), min_size=1, max_size=5, unique_by=lambda e: e[0]))
def test_a_written_calendar_round_trips_its_events(events):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//fuzz//")
    calendar.add("version", "2.0")
    for number, (title, hours) in enumerate(events):
        event = icalendar.Event()
        event.add("uid", f"event-{number}@fuzz")
        event.add("summary", title)
        start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=1))
        calendar.add_component(event)
    rows = _only_validation_errors(calendar.to_ical())
    assert rows is not None
    got = {row["uid"]: row["title"] for row in rows}
    assert set(got) == {f"event-{n}@fuzz" for n in range(len(events))}
    for number, (title, _hours) in enumerate(events):
        assert got[f"event-{number}@fuzz"] == title.strip()[:TITLE_MAX]
