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
