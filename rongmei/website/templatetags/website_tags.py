"""Small helpers for the public templates."""

from urllib.parse import quote
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.urls import reverse
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


# --- Page URLs without Wagtail's per-page URL resolution -------------------------------------------

_URL_BASE = "_rongmei_page_url_base"
# What Django's reverse() leaves unquoted in a path (django.urls.resolvers).
_PATH_SAFE = "!$&'()*+,;=/~:@"


def _url_base(request):
    """``(root url_path, serve prefix)`` of the request's site, worked out once per request.

    None when Wagtail's own resolution must be asked (no request or site, or Wagtail's i18n on).
    """
    base = getattr(request, _URL_BASE, False) if request is not None else None
    if base is not False:
        return base
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is None or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        base = None
    else:
        base = (site.root_page.url_path, reverse("wagtail_serve", args=("",)))
    setattr(request, _URL_BASE, base)
    return base


def page_path(page, request):
    """What ``{% pageurl page %}`` gives, from the page's ``url_path`` and the site's root.

    A page under the request's site is the path below the root, as Wagtail's ``get_url`` gives
    it; any other page (another site's, or when there is no site) is left to Wagtail.
    """
    base = _url_base(request)
    url_path = page.url_path
    if base is None or not url_path or not url_path.startswith(base[0]):
        return page.get_url(request=request)
    path = base[1] + quote(url_path[len(base[0]) :], safe=_PATH_SAFE)
    if not getattr(settings, "WAGTAIL_APPEND_SLASH", True) and path != "/":
        path = path.rstrip("/")
    return path


@register.simple_tag(takes_context=True)
def page_url(context, page):
    """``{% pageurl %}`` for the public templates, without a URL resolution per page."""
    return page_path(page, context.get("request")) if page is not None else ""
