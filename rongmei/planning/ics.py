"""The events calendar as iCalendar (RFC 5545): export a date range, import a file.

An import is all or nothing: the whole file is read and checked first, then written in one
transaction. An event whose UID is already known is updated, any other added; the UID of an
event we made ourselves survives an export and re-import, so a round trip changes nothing.
"""

import datetime

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import permissions
from .models import PlannedEvent

PRODID = "-//Rongmei//Planning calendar//ZH"
MAX_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 2000
TITLE_MAX = PlannedEvent._meta.get_field("title").max_length
PLACE_MAX = PlannedEvent._meta.get_field("place").max_length
ORGANISER_MAX = PlannedEvent._meta.get_field("organiser").max_length
UID_MAX = PlannedEvent._meta.get_field("uid").max_length


def export_calendar(events) -> bytes:
    """The events as one VCALENDAR."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for event in events:
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("dtstamp", stamp)
        item.add("summary", event.title)
        if event.all_day:
            start = timezone.localtime(event.starts_at).date()
            item.add("dtstart", start)
            end = timezone.localtime(event.ends_at).date() if event.ends_at else start
            # DTEND of an all-day event is exclusive.
            item.add("dtend", end + datetime.timedelta(days=1))
        else:
            item.add("dtstart", event.starts_at)
            if event.ends_at:
                item.add("dtend", event.ends_at)
        if event.place:
            item.add("location", event.place)
        if event.description:
            item.add("description", event.description)
        if event.organiser:
            # ORGANIZER is a CAL-ADDRESS; a plain name goes in CN with no address.
            organizer = icalendar.vCalAddress("mailto:noreply@invalid")
            organizer.params["cn"] = icalendar.vText(event.organiser)
            item.add("organizer", organizer)
        item.add("last-modified", event.updated_at)
        calendar.add_component(item)
    return calendar.to_ical()


def _aware(value):
    """A DTSTART/DTEND value as (aware datetime, is_date)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value, False
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time())), True
    raise ValueError


def _text(component, name, limit=None):
    value = component.get(name)
    if value is None:
        return ""
    text = str(value).strip()
    return text[:limit] if limit else text


def _organiser(component):
    value = component.get("organizer")
    if value is None:
        return ""
    name = value.params.get("cn") if hasattr(value, "params") else None
    if name:
        return str(name).strip()[:ORGANISER_MAX]
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return "" if text == "noreply@invalid" else text[:ORGANISER_MAX]


def parse_calendar(data: bytes) -> list[dict]:
    """Every VEVENT of ``data`` as the fields of a ``PlannedEvent``; a ``ValidationError`` saying
    what is wrong (and where) for a file that is not a usable calendar."""
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(size)s MB).") % {"size": MAX_BYTES // (1024 * 1024)}
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception:  # icalendar raises ValueError, KeyError … on broken input
        raise ValidationError(
            _("This is not an iCalendar (.ics) file, or it is damaged: nothing was imported.")
        ) from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise ValidationError(_("This file holds no VCALENDAR: nothing was imported."))
    rows = []
    seen = set()
    for number, component in enumerate(calendar.walk("VEVENT"), start=1):
        title = _text(component, "summary")
        where = title or _("event %(number)s") % {"number": number}
        uid = _text(component, "uid")
        if not uid:
            raise ValidationError(_("“%(event)s” has no UID: nothing was imported.") % {"event": where})
        if len(uid) > UID_MAX:
            raise ValidationError(_("“%(event)s” has a UID that is too long.") % {"event": where})
        if uid in seen:
            raise ValidationError(
                _("The UID of “%(event)s” appears twice in the file: nothing was imported.")
                % {"event": where}
            )
        seen.add(uid)
        if not title:
            raise ValidationError(_("Event %(number)s has no title (SUMMARY).") % {"number": number})
        try:
            starts_at, all_day = _aware(component.decoded("dtstart"))
        except (KeyError, ValueError, TypeError):
            raise ValidationError(
                _("“%(event)s” has no valid start (DTSTART): nothing was imported.") % {"event": where}
            ) from None
        ends_at = None
        try:
            if component.get("dtend") is not None:
                ends_at, _date = _aware(component.decoded("dtend"))
                if all_day:
                    # DTEND of an all-day event is exclusive: the event ends the day before.
                    ends_at -= datetime.timedelta(days=1)
            elif component.get("duration") is not None:
                ends_at = starts_at + component.decoded("duration")
        except (KeyError, ValueError, TypeError):
            raise ValidationError(
                _("“%(event)s” has an invalid end (DTEND): nothing was imported.") % {"event": where}
            ) from None
        if ends_at is not None and ends_at < starts_at:
            raise ValidationError(
                _("“%(event)s” ends before it starts: nothing was imported.") % {"event": where}
            )
        if all_day and ends_at == starts_at:
            ends_at = None
        rows.append(
            {
                "uid": uid,
                "title": title[:TITLE_MAX],
                "starts_at": starts_at,
                "ends_at": ends_at,
                "all_day": all_day,
                "place": _text(component, "location", PLACE_MAX),
                "description": _text(component, "description"),
                "organiser": _organiser(component),
            }
        )
        if len(rows) > MAX_EVENTS:
            raise ValidationError(
                _("The file holds more than %(max)s events: import it in parts.") % {"max": MAX_EVENTS}
            )
    if not rows:
        raise ValidationError(_("The file holds no events (VEVENT): nothing was imported."))
    return rows


def import_calendar(acting_user, data: bytes) -> tuple[int, int]:
    """Import every event of ``data`` (all or nothing); return (added, updated)."""
    permissions.require_edit_events(acting_user)
    rows = parse_calendar(data)
    added = updated = 0
    with transaction.atomic():
        known = {
            event.uid: event
            for event in PlannedEvent.objects.select_for_update().filter(uid__in=[row["uid"] for row in rows])
        }
        for row in rows:
            event = known.get(row["uid"])
            if event is None:
                PlannedEvent.objects.create(created_by=acting_user, **row)
                added += 1
                continue
            changed = [name for name, value in row.items() if getattr(event, name) != value]
            if changed:
                for name in changed:
                    setattr(event, name, row[name])
                event.save()
                updated += 1
        marker = PlannedEvent.objects.filter(uid=rows[0]["uid"]).first()
        log(
            instance=marker,
            action="rongmei.planning.event_import",
            user=acting_user,
            data={"events": len(rows), "added": added, "updated": updated},
        )
    return added, updated
