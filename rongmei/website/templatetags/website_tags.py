"""Small helpers for the public templates."""

from zoneinfo import ZoneInfo

from django import template
from django.utils.dateformat import format as format_date

register = template.Library()

NEWSROOM_TIME_ZONE = ZoneInfo("Asia/Shanghai")


@register.filter
def beijing_time(value, fmt="Y年n月j日 H:i"):
    """A time as printed in the paper: Beijing time, whatever the server's time zone."""
    if not value:
        return ""
    return format_date(value.astimezone(NEWSROOM_TIME_ZONE), fmt)


@register.filter
def beijing_iso(value):
    return value.astimezone(NEWSROOM_TIME_ZONE).isoformat(timespec="seconds") if value else ""


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """``url`` on the public site (SITE_URL, else the Site record, else the reader's host)."""
    from rongmei.website.site_url import absolute

    return absolute(url, context.get("request")) if url else url
