from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

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
