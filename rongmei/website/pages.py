"""Context for the public page types (models delegate here so templates stay thin)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import queries, site_url
from .cache import record, record_stories, story_tag
from .rich_text import without_image

STORIES_PER_PAGE = 20
LATEST_ON_HOME = 12
STORIES_PER_HOME_BLOCK = 6


def paginate(request, queryset, per_page=None):
    """The requested page of a list; a page number that is not a page of it is a 404."""
    per_page = per_page or STORIES_PER_PAGE
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise Http404(_("There is no such page."))
    paginator = Paginator(queryset, per_page)
    if number < 1 or number > paginator.num_pages:
        raise Http404(_("There is no such page."))
    page_obj = paginator.page(number)
    page_obj.elided_range = list(paginator.get_elided_page_range(number, on_each_side=1, on_ends=1))
    return page_obj


def with_page_number(url, page_obj):
    return url if page_obj is None or page_obj.number == 1 else f"{url}?page={page_obj.number}"


def chrome(request, *, site=None, current=None):
    """What base.html needs on every public page: site name, navigation, feeds, footer."""
    site = site or queries.site_for_request(request)
    home = site.root_page if site is not None else None
    nav = queries.nav_sections(home) if home is not None else []
    latest_feed = site_url.absolute(reverse("website:feed_latest"), request)
    return {
        "site_name": (site.site_name if site is not None else "") or settings.WAGTAIL_SITE_NAME,
        "home": home,
        "nav_sections": nav,
        "current_section_id": current.pk if current is not None else None,
        "tips_hotline": settings.RONGMEI_TIPS_HOTLINE,
        "current_year": timezone.localdate().year,
        "feed_links": [(_("Latest stories"), latest_feed)],
    }


def _page_meta(page, request, description="", page_obj=None):
    return {
        "page_title": page.seo_title or page.title,
        "canonical_url": with_page_number(
            site_url.page_url(page, request) or site_url.absolute(request.path, request), page_obj
        ),
        "meta_description": (page.search_description or description or "").strip(),
    }


def home_context(page, request, context):
    headlines, latest, blocks = queries.home_lists(
        queries.home_sections(page),
        queries.public_stories(),
        headline_count=page.headline_count,
        latest_count=LATEST_ON_HOME,
        per_section=STORIES_PER_HOME_BLOCK,
    )
    # What the page cache must know it shows (cache.py): every story, and "home" for the lists.
    record("home")
    record_stories(headlines)
    record_stories(latest)
    for _section, block in blocks:
        record_stories(block)
    context.update(chrome(request))
    context.update(_page_meta(page, request, page.tagline))
    context.update(
        headlines=headlines, latest=latest, section_blocks=blocks, region_channels=queries.region_channels()
    )
    return context


def section_context(page, request, context):
    stories = queries.for_list(queries.section_stories(page, queries.public_stories()))
    page_obj = paginate(request, stories)
    record(f"section:{page.pk}")
    record_stories(page_obj.object_list)
    context.update(chrome(request, current=page))
    context.update(_page_meta(page, request, page.intro, page_obj))
    section_feed = site_url.absolute(reverse("website:feed_section", args=[page.slug]), request)
    context["feed_links"] = [*context["feed_links"], (page.title, section_feed)]
    context.update(page_obj=page_obj, stories=page_obj.object_list)
    return context


def topic_index_context(page, request, context):
    record("topics")  # the topics' story counts
    context.update(chrome(request, current=page))
    context.update(_page_meta(page, request, page.intro))
    context["topics"] = queries.topics_for_index(page)
    return context


def topic_context(page, request, context):
    stories = queries.for_list(queries.topic_stories(page, queries.public_stories()))
    page_obj = paginate(request, stories)
    record(f"topic:{page.pk}")
    record_stories(page_obj.object_list)
    context.update(chrome(request))
    context.update(_page_meta(page, request, page.summary, page_obj))
    # Its own feed, in <head> and on the page; the feed carries the same ``topic:<id>`` tag.
    topic_feed = site_url.absolute(reverse("website:feed_topic", args=[page.slug]), request)
    context["feed_links"] = [*context["feed_links"], (page.title, topic_feed)]
    context.update(page_obj=page_obj, stories=page_obj.object_list, topic_feed_url=topic_feed)
    # The banner: its own wide picture, else the cover.
    context["banner"] = page.banner_image if page.banner_image_id else page.cover_image
    pictures = [name for name in ("cover_image", "banner_image") if getattr(page, f"{name}_id")]
    if pictures:
        prefetch_related_objects([page], *(f"{name}__renditions" for name in pictures))
    return context


def story_details(page):
    """What the article shows beyond the page's own fields (read only when its fragment is missing)."""
    from rongmei.media.channels import channel_rendition

    queries.prefetch_story(page)
    return {
        # The picture a shared link shows (og:image): the cover's social-card crop (1.91:1, the editor's
        # crop or the focal point) with the outlet's watermark when it has one.
        "share_image": channel_rendition(
            page.cover_image, "social_card", page.outlet if page.outlet_id else None
        )
        if page.cover_image
        else None,
        "credit_line": page.credit_line(),
        "corrections": sorted(page.corrections.all(), key=lambda note: note.noted_at),
        "tags": list(page.tags.all()),
        "regions": list(page.regions.all()),
        "topics": queries.story_topics(page),
        # The lead image is shown above the text: never a second time inside it. Its pictures carry
        # the outlet's watermark, as the cover does.
        "body": body_html(page),
        "cover": cover_picture(page.cover_image, page.outlet) if page.cover_image else None,
    }


COVER_WIDTHS = (480, 960)


def cover_picture(image, outlet):
    """The article's lead picture at the widths its srcset offers, with ``outlet``'s watermark."""
    from wagtail.images.shortcuts import get_renditions_or_not_found

    from rongmei.media.channels import with_watermark

    specs = [with_watermark(f"width-{width}", outlet) for width in COVER_WIDTHS]
    renditions = get_renditions_or_not_found(image, specs)
    chosen = [renditions[spec] for spec in specs]
    return {
        "src": chosen[-1].url,
        "srcset": ", ".join(f"{r.url} {r.width}w" for r in chosen if r.width),
        "width": chosen[-1].width,
        "height": chosen[-1].height,
    }


def body_html(page):
    from django.utils.safestring import mark_safe
    from wagtail.rich_text import expand_db_html

    from .rich_text import pictures_marked_for

    with pictures_marked_for(page.outlet if page.outlet_id else None):
        return mark_safe(expand_db_html(without_image(page.body, page.cover_image_id)))  # noqa: S308


def story_context(page, request, context):
    from .templatetags.articles import ArticleFragment

    section = queries.story_section(page)
    related = queries.related_stories(page)
    # The story itself and each related teaser (a new story joins the related list only when the
    # entry is re-rendered for another reason or expires: docs/decisions/0029). Recorded whether
    # or not the article's fragment is cached.
    record(story_tag(page.pk))
    record_stories(related)
    context.update(chrome(request, current=section))
    context.update(_page_meta(page, request, page.lead))
    context.update(
        section=section,
        # The article itself: a fragment keyed by what it shows (templatetags/articles.py); its
        # credits, corrections, image, tags, regions and topics are read only on a miss.
        article=ArticleFragment(page, request, section, lambda: story_details(page)),
        related=related,
        og_type="article",
    )
    return context
