"""Admin entries of the print edition: the 报纸版面 menu item, its screens, the story's 报纸 page
(its "more" menu and header), the permissions in Settings → Groups and the audit log's wording."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from rongmei.newsroom.story_admin import StoryMenuItem, add_story_menu_item

from . import permissions, views


@hooks.register("register_admin_urls")
def register_printing_urls():
    return [
        path("printing/", views.IssueListView.as_view(), name="printing_issues"),
        path("printing/<int:pk>/", views.IssueView.as_view(), name="printing_issue"),
        path("printing/page/<int:pk>/export/", views.ExportPageView.as_view(), name="printing_export"),
        path("printing/story/<int:page_id>/", views.StoryPrintView.as_view(), name="printing_story"),
    ]


class PrintMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_view(request.user)


@hooks.register("register_admin_menu_item")
def register_printing_menu_item():
    return PrintMenuItem(
        _("Print edition (报纸版面)"),
        reverse("printing_issues"),
        name="printing",
        icon_name="doc-full",
        order=470,
    )


class StoryPrintMenuItem(StoryMenuItem):
    label = _("Print (报纸)")
    icon_name = "doc-full"
    url_name = "printing_story"

    def may_see(self, user, story):
        return permissions.can_view(user)


add_story_menu_item(StoryPrintMenuItem, listing_priority=58, header_priority=69)


@hooks.register("register_permissions")
def register_printing_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="printing")


@hooks.register("register_log_actions")
def register_printing_log_actions(actions):
    actions.register_action("rongmei.printing.create_issue", _("Plan print issue"), _("Print issue planned"))
    actions.register_action(
        "rongmei.printing.page_count", _("Change number of pages"), _("Number of pages changed")
    )
    actions.register_action("rongmei.printing.rename_page", _("Rename print page"), _("Print page renamed"))
    actions.register_action("rongmei.printing.place", _("Place story in print"), _("Placed on a print page"))
    actions.register_action(
        "rongmei.printing.edit_placement",
        _("Edit placement"),
        _("Placement changed (length, headline, note)"),
    )
    actions.register_action("rongmei.printing.move", _("Move story in print"), _("Moved on the page plan"))
    actions.register_action(
        "rongmei.printing.remove", _("Remove story from print"), _("Removed from a print page")
    )
    actions.register_action(
        "rongmei.printing.page_proof", _("Mark page proof"), _("Marked 大样 (page proof)")
    )
    actions.register_action(
        "rongmei.printing.back_to_galley", _("Back to galley proof"), _("Sent back to 小样")
    )
    actions.register_action("rongmei.printing.sign_off", _("Sign off print page"), _("Signed off (审签)"))
    actions.register_action(
        "rongmei.printing.reopen", _("Reopen signed-off page"), _("Signed-off page reopened")
    )
    actions.register_action("rongmei.printing.export", _("Export print page"), _("Page exported for layout"))
