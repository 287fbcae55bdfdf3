"""The H5 app's one page: a shell the static script fills from the content API (/api/v1/).

The shell carries what the script cannot get from the API: the outlet's name (the Wagtail Site,
else its home page), the API's address, the list size and every text the script shows, translated
here (``json_script``: the CSP allows no inline script). Everything else — channels, regions,
lists, stories — the script reads from the API, as any app would. See docs/decisions/0023-h5-app.md.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rongmei.website.queries import site_for_request

# Stories per page of a list (the API allows 1 to 50).
PAGE_SIZE = 20

# BCP 47 spelling of Django's language codes, for <html lang> and the script's date formats.
HTML_LANG = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


def outlet_name(site) -> str:
    if site is not None:
        if site.site_name:
            return site.site_name
        if site.root_page_id and site.root_page.title:
            return site.root_page.title
    return settings.WAGTAIL_SITE_NAME


def api_root() -> str:
    """/api/v1/ as the URL configuration places it."""
    return reverse("api-v1:openapi-json").rsplit("/", 1)[0] + "/"


def strings() -> dict[str, str]:
    """Every text the script shows; ``%(count)s`` is replaced by the script."""
    return {
        "latest": pgettext("mobile channel", "Latest"),
        "regions": _("Regions"),
        "chooseRegion": _("Choose a region"),
        "clearRegion": _("Forget my region"),
        "regionsError": _("The regions could not be loaded. Check the network and try again."),
        "noRegions": _("No regions have been set up yet."),
        "retry": _("Try again"),
        "loading": _("Loading…"),
        "loadMore": _("Load more"),
        "noMore": _("That is all for now."),
        "empty": _("There are no stories here yet."),
        "pullToRefresh": _("Pull down to refresh"),
        "releaseToRefresh": _("Release to refresh"),
        "refreshing": _("Refreshing…"),
        "upToDate": _("Already up to date."),
        "updated": _("Updated. New stories: %(count)s."),
        "updatedNoNew": _("Updated."),
        "networkError": _("The network is not cooperating. Pull down to try again."),
        "networkErrorArticle": _("The network is not cooperating. The story could not be loaded."),
        "offline": _("You are offline. What you see may be out of date."),
        "notFound": _("This story is not available: it may have been taken off the site."),
        "channelNotFound": _("This channel no longer exists."),
        "badAnswer": _("The answer did not come from our content service, so it is not shown."),
        "back": _("Back"),
        "retracted": _("This story has been retracted"),
        "retractedMark": pgettext("mobile list mark", "Retracted"),
        "correctedMark": pgettext("mobile list mark", "Corrected"),
        "corrections": _("Corrections"),
        "justNow": _("just now"),
        "minutesAgo": _("%(count)s min ago"),
        "hoursAgo": _("%(count)s h ago"),
        "source": _("Source: %(name)s"),
        "onWebsite": _("Read on the website"),
    }


@require_safe
def app(request):
    site = site_for_request(request)
    language = get_language() or settings.LANGUAGE_CODE
    name = outlet_name(site)
    tagline = ""
    if site is not None and site.root_page_id:
        tagline = getattr(site.root_page.specific, "tagline", "") or ""
    config = {
        "api": api_root(),
        "pageSize": PAGE_SIZE,
        "siteName": name,
        "lang": HTML_LANG.get(language, language),
        "timeZone": settings.TIME_ZONE,
        "strings": strings(),
    }
    response = render(
        request,
        "mobile/app.html",
        {"site_name": name, "tagline": tagline, "config": config, "html_lang": config["lang"]},
    )
    # The shell is small and carries the reader's language: always ask again, never share.
    patch_cache_control(response, no_cache=True, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response
