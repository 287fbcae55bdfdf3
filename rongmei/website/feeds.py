"""RSS 2.0 feeds of the newest stories on the site, of one section and of one topic page (专题)."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.translation import gettext as _

from rongmei.newsroom.models import SectionPage, TopicIndexPage, TopicPage

from . import queries, site_url
from .cache import record, record_stories
from .sanitise import feed_description

FEED_LENGTH = 30


@dataclass
class FeedSource:
    request: object
    site_name: str
    link: str
    section: SectionPage | None = None
    topic: TopicPage | None = None


class LatestStoriesFeed(Feed):
    language = "zh-cn"

    def get_object(self, request, *args, **kwargs):
        site = queries.site_for_request(request)
        if site is None:
            raise Http404(_("There is no site here."))
        return FeedSource(request, site.site_name, site_url.page_url(site.root_page, request))

    def cache_tag(self, obj):
        return "feed:latest"

    def title(self, obj):
        return _("%(site)s: latest stories") % {"site": obj.site_name}

    def link(self, obj):
        return obj.link

    def description(self, obj):
        return self.title(obj)

    def stories(self, obj):
        return queries.public_stories()

    def items(self, obj):
        items = list(queries.for_feed(self.stories(obj))[:FEED_LENGTH])
        record(self.cache_tag(obj))
        record_stories(items)
        for story in items:
            # Feed callbacks get only the item; remember the request-dependent URL on it.
            story.feed_url = site_url.page_url(story, obj.request)
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers render this as HTML: the plain-text lead goes in escaped, never as typed.
        return feed_description(item.lead or item.search_description)

    def item_link(self, item):
        return item.feed_url

    def item_guid(self, item):
        return f"urn:rongmei:story:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.credit_line() or None

    def item_categories(self, item):
        return [item.section_title] if item.section_title else []


class SectionStoriesFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        source = super().get_object(request)
        home = queries.site_for_request(request).root_page
        section = SectionPage.objects.live().public().child_of(home).filter(slug=slug).first()
        if section is None:
            raise Http404(_("There is no such section."))
        source.section = section
        source.link = site_url.page_url(section, request)
        return source

    def cache_tag(self, obj):
        return f"feed:section:{obj.section.pk}"

    def title(self, obj):
        return f"{obj.site_name} · {obj.section.title}"

    def description(self, obj):
        return obj.section.intro or self.title(obj)

    def stories(self, obj):
        return queries.section_stories(obj.section, queries.public_stories())


class TopicStoriesFeed(LatestStoriesFeed):
    """The live stories of one topic page (专题), newest first; ``/feeds/topic/<slug>.xml``.

    Its entries carry ``topic:<id>``, the tag the topic page has too: a story published into the
    topic, or taken off it, bumps both (``cache.story_list_tags``).
    """

    def get_object(self, request, slug):
        source = super().get_object(request)
        home = queries.site_for_request(request).root_page
        index = TopicIndexPage.objects.live().public().child_of(home).first()
        topic = None
        if index is not None:
            topic = TopicPage.objects.live().public().child_of(index).filter(slug=slug).first()
        if topic is None:
            raise Http404(_("There is no such topic."))
        source.topic = topic
        source.link = site_url.page_url(topic, request)
        return source

    def cache_tag(self, obj):
        return f"topic:{obj.topic.pk}"

    def title(self, obj):
        return f"{obj.site_name} · {obj.topic.title}"

    def description(self, obj):
        return obj.topic.summary or self.title(obj)

    def stories(self, obj):
        return queries.topic_stories(obj.topic, queries.public_stories())
