from django.template.response import TemplateResponse
from wagtail import hooks

from rongmei.newsroom.models import HomePage, SectionPage, StoryPage, TopicIndexPage, TopicPage

from .cache import mark_public
from .rich_text import NewsImageEmbedHandler, SafeMediaEmbedHandler, SafePageLinkHandler

PUBLIC_PAGE_TYPES = (HomePage, SectionPage, StoryPage, TopicIndexPage, TopicPage)


@hooks.register("register_rich_text_features", order=100)
def register_news_image_embed(features):
    # Runs after wagtail.images' own hook (order 0), so body images render as <figure> with caption
    # and credit instead of a bare <img>.
    features.register_embed_type(NewsImageEmbedHandler)
    # A broken page id or media address in stored text renders as nothing, not a server error.
    features.register_link_type(SafePageLinkHandler)
    features.register_embed_type(SafeMediaEmbedHandler)


@hooks.register("before_serve_page", order=10)
def retracted_story_is_gone(page, request, serve_args, serve_kwargs):
    """A retracted story stays in the tree for the record, but the public gets 410 Gone."""
    if isinstance(page, StoryPage) and page.is_retracted:
        from .pages import chrome

        context = chrome(request)
        context["page"] = page
        return TemplateResponse(request, "website/retracted.html", context, status=410)
    return None


@hooks.register("on_serve_page")
def mark_public_pages(next_serve_page):
    """Pages that got past Wagtail's privacy checks and are ours may go into the public cache."""

    def serve(page, request, serve_args, serve_kwargs):
        if isinstance(page, PUBLIC_PAGE_TYPES):
            mark_public(request)
        return next_serve_page(page, request, serve_args, serve_kwargs)

    return serve
