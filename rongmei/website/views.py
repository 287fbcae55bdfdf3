import errno
import sys
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import pages, queries, site_url
from .cache import public_page, record, record_stories

DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


@require_safe
@public_page
def region(request, slug):
    """Stories tagged with a region or any region below it (a district story shows on its city)."""
    region = queries.region_by_slug(slug)
    if region is None:
        raise Http404(_("There is no such region."))
    stories = queries.for_list(queries.region_stories(region, queries.public_stories()))
    page_obj = pages.paginate(request, stories)
    record(f"region:{region.pk}")
    record_stories(page_obj.object_list)
    ancestors = []
    parent = region.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    context = pages.chrome(request)
    context.update(
        region=region,
        ancestors=ancestors,
        children=queries.child_regions(region),
        page_obj=page_obj,
        stories=page_obj.object_list,
        page_title=region.name,
        meta_description=_("News from %(region)s") % {"region": region.full_name},
        canonical_url=pages.with_page_number(
            site_url.absolute(reverse("website:region", args=[region.slug]), request), page_obj
        ),
    )
    return render(request, "website/region_page.html", context)


@require_safe
@public_page
def robots_txt(request):
    sitemap = site_url.absolute(reverse("website:sitemap"), request)
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


FAVICON = Path(__file__).resolve().parent / "static" / "website" / "favicon.ico"


@require_safe
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=7 * 24 * 3600)
    return response


def bench_bare(request):
    """The benchmark's yardstick: Django with no database and no template (RONGMEI_BENCH_BARE_VIEW=1)."""
    return HttpResponse(b"ok", content_type="text/plain")


def choose_language(request, code):
    """Switch the public site's language (zh-hans or en) and go back to where the reader was.

    A plain link, not Django's POST-only set_language: a form would need a CSRF cookie on every
    page, and pages that set cookies cannot be served from the shared cache.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404("unknown language")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


# --- Error pages: the reader's language (Chinese first) and the site's own look --------------------


def _error_context(request):
    try:
        return pages.chrome(request)
    except Exception:  # the database may be what failed; the page must still answer
        return {"site_name": settings.WAGTAIL_SITE_NAME, "tips_hotline": settings.RONGMEI_TIPS_HOTLINE}


def page_not_found(request, exception=None):
    return render(request, "website/errors/404.html", _error_context(request), status=404)


def permission_denied(request, exception=None):
    return render(request, "website/errors/403.html", _error_context(request), status=403)


def bad_request(request, exception=None):
    return render(request, "website/errors/400.html", _error_context(request), status=400)


def csrf_failure(request, reason=""):
    # Django's own page is in English and speaks of tokens; say what happened and what to do.
    return render(request, "website/errors/csrf.html", _error_context(request), status=403)


def server_error(request):
    # No database here: whatever broke may be the database itself.
    # An unreachable database (a restart, a failover) passes: 503 + Retry-After tell proxies and
    # crawlers so (docs/decisions/0042-fault-tolerance.md); Django calls this inside its except block.
    error = sys.exc_info()[1]
    unavailable = isinstance(error, DATABASE_UNREACHABLE)
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "tips_hotline": settings.RONGMEI_TIPS_HOTLINE,
        "current_year": timezone.localdate().year,
    }
    if isinstance(error, OSError) and error.errno in DISK_FULL:
        # An upload met a full disk; the storage removed the part it wrote (core.storage.CompleteWrites).
        return render(request, "website/errors/storage_full.html", context, status=507)
    response = render(request, "website/errors/500.html", context, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = "30"
    return response
