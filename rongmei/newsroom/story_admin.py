"""The admin screens about one story, opened from the story's "more" menu and header buttons (its
distribution, its print standing, its review history, its proofreading).

``StoryAdminPage``: the screen.
The screen's own right (``may_see(user)``) is asked first, then the story is found (404 if there is
none) and ``may_see_story(user, story)`` asked; the story's title is the subtitle, and the
breadcrumbs go through the story's edit page.

``StoryMenuItem`` and ``add_story_menu_item(item, listing_priority=…, header_priority=…)``: its entry
in the page listing's "more" menu and the page header's buttons, shown on a story to those who
``may_see`` it.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from rongmei.core.admin_views import AdminPage

from .models import StoryPage


class StoryAdminPage(AdminPage):
    def may_see_story(self, user, story) -> bool:
        return True

    def dispatch(self, request, page_id, *args, **kwargs):
        # AdminPage.setup has asked may_see; the story is looked up only for those who may.
        self.story = get_object_or_404(StoryPage, pk=page_id)
        if not self.may_see_story(request.user, self.story):
            raise PermissionDenied(self.refusal_message)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.story.get_admin_display_title()

    @property
    def edit_url(self):
        return reverse("wagtailadmin_pages:edit", args=[self.story.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.edit_url, "label": self.get_page_subtitle()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(story=self.story, edit_url=self.edit_url, **kwargs)


class StoryMenuItem(PageMenuItem):
    def may_see(self, user, story) -> bool:
        return True

    def is_shown(self, user):
        return issubclass(self.page.specific_class or object, StoryPage) and self.may_see(user, self.page)


def add_story_menu_item(item_class, *, listing_priority, header_priority):
    """Register ``item_class`` in the page listing's "more" menu and in the page header's buttons."""

    @hooks.register("register_page_listing_more_buttons")
    def listing_button(page, user, next_url=None):
        yield item_class(page=page, priority=listing_priority)

    @hooks.register("register_page_header_buttons")
    def header_button(page, user, view_name, next_url=None):
        yield item_class(page=page, priority=header_priority)
