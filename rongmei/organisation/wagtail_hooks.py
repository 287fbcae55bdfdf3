from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Department, Outlet, StaffProfile


class OutletViewSet(SnippetViewSet):
    model = Outlet
    icon = "site"
    list_display = ["name", "short_name", "copyright_line"]
    search_fields = ["name"]


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    list_display = ["name", "outlet"]
    list_filter = ["outlet"]


class StaffProfileViewSet(SnippetViewSet):
    model = StaffProfile
    icon = "user"
    list_display = ["display_name", "user", "outlet", "department", "job_title"]
    list_filter = ["outlet", "department"]
    search_fields = ["display_name", "user__username"]
    search_backend_name = None


class OrganisationViewSetGroup(SnippetViewSetGroup):
    items = (OutletViewSet, DepartmentViewSet, StaffProfileViewSet)
    menu_icon = "group"
    menu_label = _("Organisation")
    menu_name = "organisation"
    menu_order = 800


register_snippet(OrganisationViewSetGroup)
