from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, visibility
from .models import Region


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "globe"
    list_display = ["name", "level", "parent", "code"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    search_backend_name = None  # plain ORM lookups: regions are few
    add_to_admin_menu = True
    menu_order = 810


register_snippet(RegionViewSet)


# --- who sees whose work (visibility.py holds the rule) ------------------------------------------
@hooks.register("construct_explorer_page_queryset")
def explorer_lists_visible_pages(parent_page, pages, request):
    return visibility.visible_pages_for(request.user, pages)


@hooks.register("construct_page_chooser_queryset")
def chooser_lists_visible_pages(pages, request):
    return visibility.visible_pages_for(request.user, pages)


@hooks.register("construct_admin_api")
def admin_api_lists_visible_pages(router):
    # The page explorer menu, choosers and the editor read this API; only its for_explorer filter
    # asks the explorer hook, so the whole endpoint is narrowed instead.
    router.register_endpoint("pages", admin_views.VisiblePagesAdminAPIViewSet)


@hooks.register("register_admin_viewset")
def register_newsroom_page_viewsets():
    # The flat listing of one page type (/admin/pages/usage/newsroom/storypage/) has no hook.
    return admin_views.newsroom_page_viewsets()


# Registered after Wagtail's own page bulk actions (higher order), so these replace them.
for _action in admin_views.visible_page_bulk_actions():
    hooks.register("register_bulk_action", _action, order=100)


# --- the story body in the editor: broken stored attributes must not stop the editor -------------
@hooks.register("register_rich_text_features", order=100)
def tolerant_rich_text_converters(features):
    # After Wagtail's own hooks (order 0), so these rules replace theirs for the whole editor.
    from wagtail.admin.rich_text.converters.html_to_contentstate import ExternalLinkElementHandler
    from wagtail.embeds.rich_text.contentstate import media_embed_entity
    from wagtail.images.rich_text.contentstate import image_entity

    from . import rich_text

    features.register_converter_rule(
        "contentstate",
        "image",
        {
            "from_database_format": {'embed[embedtype="image"]': rich_text.TolerantImageElementHandler()},
            "to_database_format": {"entity_decorators": {"IMAGE": image_entity}},
        },
    )
    features.register_converter_rule(
        "contentstate",
        "embed",
        {
            "from_database_format": {
                'embed[embedtype="media"]': rich_text.TolerantMediaEmbedElementHandler()
            },
            "to_database_format": {"entity_decorators": {"EMBED": media_embed_entity}},
        },
    )
    features.register_converter_rule(
        "contentstate",
        "link",
        {
            "from_database_format": {
                "a[href]": ExternalLinkElementHandler("LINK"),
                'a[linktype="page"]': rich_text.TolerantPageLinkElementHandler("LINK"),
            },
            "to_database_format": {"entity_decorators": {"LINK": rich_text.link_entity}},
        },
    )
