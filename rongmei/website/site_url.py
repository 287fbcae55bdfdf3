"""The public site's address: what canonical links, og:url, feeds, the sitemap and the apps' image
addresses start with.

In order: the ``SITE_URL`` setting (checked at start, ``website.checks``); else the Site record
(设置 → 站点) unless it still names a loopback host such as Wagtail's default ``localhost:80``; else
the host the reader asked for (validated by ``ALLOWED_HOSTS``). So a link never points at
``localhost`` unless the reader is there too. ``apply_site_url()`` (and ``rongmei site_url URL``)
writes an address into the default Site record; the demo sets it to the address it serves.
"""

import ipaddress
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _


class SiteUrlError(ValueError):
    pass


def is_loopback_host(hostname: str | None) -> bool:
    """localhost, *.localhost, 127.0.0.0/8, ::1: addresses only the machine itself can reach."""
    if not hostname:
        return False
    host = hostname.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str:
    """Why ``url`` cannot be the site's address ("" when it can): scheme, host and nothing else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _(
            "It must be an absolute address starting with http:// or https://, e.g. https://news.example.cn"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        return _("It must be only the scheme, host and port, without a path, e.g. https://news.example.cn")
    try:
        parts.port  # noqa: B018 (raises on a port that is no number)
    except ValueError:
        return _("The port is not a number.")
    return ""


def configured_site_url() -> str:
    """SITE_URL without its trailing slash, or ""."""
    return (getattr(settings, "SITE_URL", "") or "").strip().rstrip("/")


def _request_root(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def public_root(request=None, site_root: str | None = None) -> str:
    """``scheme://host[:port]`` of the public site, without a trailing slash.

    ``site_root`` is the Site record's root URL when the caller has it (Wagtail's page URL parts);
    otherwise the record for the request is looked up (Wagtail caches it on the request).
    """
    configured = configured_site_url()
    if configured:
        return configured
    if site_root is None:
        site = _site(request)
        site_root = site.root_url if site is not None else ""
    if site_root and not is_loopback_host(urlsplit(site_root).hostname):
        return site_root.rstrip("/")
    if request is not None:
        return _request_root(request)
    return site_root.rstrip("/")


def _site(request):
    from wagtail.models import Site

    if request is not None:
        site = Site.find_for_request(request)
        if site is not None:
            return site
    return Site.objects.filter(is_default_site=True).first()


def absolute(url: str, request=None, site_root: str | None = None) -> str:
    """``url`` (a path such as /media/… or /feeds/latest.xml) on the public site; absolute URLs stay."""
    if not url:
        return url
    if urlsplit(url).scheme:
        return url
    return urljoin(public_root(request, site_root) + "/", url)


def page_url(page, request=None) -> str:
    """A page's full public URL ("" for a page outside every site)."""
    parts = page.get_url_parts(request)
    if parts is None:
        return ""
    _site_id, site_root, page_path = parts
    if site_root is None:
        return ""
    return absolute(page_path, request, site_root=site_root)


@transaction.atomic
def apply_site_url(url: str):
    """Make the default Site record serve ``url`` (hostname and port); returns the Site.

    Raises ``SiteUrlError`` for an address that is not ``http(s)://host[:port]``.
    """
    from wagtail.models import Site

    problem = url_problem(url)
    if problem:
        raise SiteUrlError(problem)
    parts = urlsplit(url)
    hostname = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.select_for_update().filter(is_default_site=True).first()
    if site is None:
        raise SiteUrlError(_("There is no default site yet: load the site (or the demo) first."))
    clash = Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).first()
    if clash is not None:
        raise SiteUrlError(
            _("Another site already uses %(host)s:%(port)s.") % {"host": hostname, "port": port}
        )
    if (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
    return site


def rerooted(url: str, request=None) -> str:
    """An absolute URL Wagtail built from the Site record, moved onto the public site's address."""
    parts = urlsplit(url)
    if not parts.scheme:
        return absolute(url, request)
    path = parts._replace(scheme="", netloc="").geturl() or "/"
    return absolute(path, request, site_root=f"{parts.scheme}://{parts.netloc}")
