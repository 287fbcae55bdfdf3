"""Start-up checks of the public site's address (SITE_URL; see site_url.py)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from .site_url import configured_site_url, is_loopback_host, url_problem


@register(Tags.compatibility)
def site_url_is_usable(app_configs, **kwargs):
    url = configured_site_url()
    if not url:
        return []
    problem = url_problem(url)
    if problem:
        return [Error(f"SITE_URL {url!r} is not usable: {problem}", id="website.E001")]
    from urllib.parse import urlsplit

    loopback_allowed = settings.DEBUG or getattr(settings, "RONGMEI_DEMO", False)
    if is_loopback_host(urlsplit(url).hostname) and not loopback_allowed:
        return [
            Error(
                f"SITE_URL {url!r} names this machine; readers cannot open links to it. Set SITE_URL to "
                "the address readers use (e.g. https://news.example.cn), or leave it empty to use the "
                "Site record.",
                id="website.E002",
            )
        ]
    return []
