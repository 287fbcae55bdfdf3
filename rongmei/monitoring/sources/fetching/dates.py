"""Publish times as sources write them: ISO 8601, RFC 822 (in feeds, via feedparser), plain dates and
Chinese dates (2026年11月26日 10:30). Times without a zone are in the newsroom's zone (Asia/Shanghai)."""

import re
from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

CHINESE_DATE = re.compile(
    r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2}))?"
)


def _aware(value):
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def parse_datetime_text(text):
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        value = parse_datetime(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        if value:
            return _aware(value)
        day = parse_date(text[:10])
        if day and len(text) <= 10:
            return _aware(datetime.combine(day, time()))
    except ValueError:
        pass
    match = CHINESE_DATE.search(text)
    if match:
        year, month, day, hour, minute = (int(g) if g else 0 for g in match.groups())
        try:
            return _aware(datetime(year, month, day, hour, minute))
        except ValueError:
            return None
    return None
