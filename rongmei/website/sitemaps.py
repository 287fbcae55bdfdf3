"""sitemap.xml: the live, public pages of the site (retracted stories left out) and region pages."""

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap

from rongmei.newsroom.models import Region, StoryPage


class PublicPageSitemap(Sitemap):
    def items(self):
        retracted = StoryPage.objects.filter(is_retracted=True).values("pk")
        return super().items().exclude(pk__in=retracted)


class RegionSitemap(DjangoSitemap):
    def items(self):
        with_stories = StoryPage.objects.on_site().values("regions")
        return Region.objects.filter(pk__in=with_stories).order_by("pk")

    def location(self, region):
        return reverse("website:region", args=[region.slug])


SITEMAPS = {"pages": PublicPageSitemap, "regions": RegionSitemap}
