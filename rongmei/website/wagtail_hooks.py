from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

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


# --- The help menu: the newsroom's own Chinese guide instead of Wagtail's English pages -----------


@hooks.register("register_admin_urls")
def register_guide_url():
    from .guide import guide_view

    return [
        path("guide/", guide_view, name="rongmei_guide"),
        path("guide/<slug:name>/", guide_view, name="rongmei_guide_page"),
    ]


@hooks.register("register_help_menu_item")
def register_guide_menu_item():
    return MenuItem(
        _("Newsroom guide"), reverse_lazy("rongmei_guide"), icon_name="help", order=900, name="rongmei-guide"
    )


@hooks.register("construct_help_menu")
def replace_wagtails_english_help(request, menu_items):
    from .guide import REPLACED_HELP_ITEMS

    menu_items[:] = [item for item in menu_items if not item.name.startswith(REPLACED_HELP_ITEMS)]
