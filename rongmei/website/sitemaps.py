"""sitemap.xml: the live, public pages of the site (retracted stories left out) and region pages.

Locations start with the public site's address (site_url.py), never the Site record's localhost.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap

from rongmei.newsroom.models import Region, StoryPage

from . import site_url
from .cache import record


class PublicPageSitemap(Sitemap):
    def items(self):
        record("sitemap")  # every story act bumps it (cache.py): no tag per story
        retracted = StoryPage.objects.filter(is_retracted=True).values("pk")
        return super().items().exclude(pk__in=retracted)

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for info in urls:
            info["location"] = site_url.rerooted(info["location"], self.request)
        return urls


class RegionSitemap(Sitemap):
    """A Django sitemap of regions; Wagtail's base only to be given the request."""

    _urls = DjangoSitemap._urls

    def items(self):
        record("sitemap")
        with_stories = StoryPage.objects.on_site().values("regions")
        return Region.objects.filter(pk__in=with_stories).order_by("pk")

    def location(self, region):
        return reverse("website:region", args=[region.slug])

    def lastmod(self, region):
        return None

    def get_protocol(self, protocol=None):
        return urlsplit(site_url.public_root(self.request)).scheme

    def get_domain(self, site=None):
        return urlsplit(site_url.public_root(self.request)).netloc


SITEMAPS = {"pages": PublicPageSitemap, "regions": RegionSitemap}
