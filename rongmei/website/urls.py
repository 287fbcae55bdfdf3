import os

from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from . import views
from .cache import public_page
from .feeds import LatestStoriesFeed, SectionStoriesFeed, TopicStoriesFeed
from .sitemaps import SITEMAPS

app_name = "website"

urlpatterns = [
    path("region/<slug:slug>/", views.region, name="region"),
    path("feeds/latest.xml", public_page(LatestStoriesFeed()), name="feed_latest"),
    path("feeds/section/<slug:slug>.xml", public_page(SectionStoriesFeed()), name="feed_section"),
    path("feeds/topic/<slug:slug>.xml", public_page(TopicStoriesFeed()), name="feed_topic"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("language/<str:code>/", views.choose_language, name="choose_language"),
]

if os.environ.get("RONGMEI_BENCH_BARE_VIEW") == "1":
    urlpatterns.append(path("bench/bare/", views.bench_bare, name="bench_bare"))
