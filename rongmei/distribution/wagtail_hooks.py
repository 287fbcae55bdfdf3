"""The story's 分发 page (its "more" menu and header), the board under Reports, the channels as snippets."""

from django import forms
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from rongmei.core.admin_columns import yes_no
from rongmei.newsroom.story_admin import StoryMenuItem, add_story_menu_item

from . import desk, permissions, services, views
from .models import Channel


class ChannelCredentialsColumn(Column):
    """Which of the channel's environment variables are set (names only, never values)."""

    def get_value(self, instance):
        names = services.credential_variables(instance)
        return "、".join(names) if names else "—"


@hooks.register("register_admin_urls")
def register_distribution_urls():
    return [
        path("distribution/", views.BoardView.as_view(), name="distribution_board"),
        path("distribution/status/<int:pk>/retry/", views.RetryView.as_view(), name="distribution_retry"),
        path(
            "distribution/status/<int:pk>/done/",
            views.CompleteByHandView.as_view(),
            name="distribution_done_by_hand",
        ),
        path(
            "distribution/story/<int:page_id>/",
            views.StoryDistributionView.as_view(),
            name="distribution_story",
        ),
        path("distribution/versions/", views.ChannelVersionsView.as_view(), name="distribution_versions"),
        path("distribution/xuexi/", include("rongmei.distribution.xuexi_urls")),
    ]


class BoardMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_see_board(request.user)


@hooks.register("register_reports_menu_item")
def register_board_menu_item():
    return BoardMenuItem(
        _("Distribution (分发)"), reverse("distribution_board"), icon_name="resubmit", order=850
    )


# --- the new-media editor's desk (新媒体编辑) ------------------------------------------------------------


@hooks.register("construct_homepage_panels")
def add_distribution_desk_panel(request, panels):
    if permissions.may_use_desk(request.user):
        panels.append(desk.DistributionDeskPanel())


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.may_use_desk(request.user)


class DeskSubmenuMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return permissions.may_use_desk(request.user)


@hooks.register("register_admin_menu_item")
def register_distribution_desk_menu():
    """融合发布: what the new-media editor works on (today's deliveries, the work waiting for a
    person, the stories' channel versions)."""
    menu = Menu(
        items=[
            DeskMenuItem(
                _("Today's deliveries"), reverse("distribution_board"), icon_name="resubmit", order=10
            ),
            DeskMenuItem(
                _("Waiting for a person (需人工处理)"),
                reverse("distribution_board") + "?state=needs_manual",
                icon_name="warning",
                order=20,
            ),
            DeskMenuItem(
                _("Channel versions (渠道版本)"),
                reverse("distribution_versions"),
                icon_name="doc-full",
                order=30,
            ),
        ]
    )
    return DeskSubmenuMenuItem(
        _("Distribution (融合发布)"), menu, icon_name="resubmit", name="distribution", order=250
    )


class StoryDistributionMenuItem(StoryMenuItem):
    label = _("Distribution (分发)")
    icon_name = "resubmit"
    url_name = "distribution_story"

    def may_see(self, user, story):
        return permissions.can_see_story_status(user, story)


add_story_menu_item(StoryDistributionMenuItem, listing_priority=57, header_priority=68)


@hooks.register("insert_editor_js")
def channel_versions_js():
    # Counts each channel version's characters against its platform's limits while typing.
    return format_html('<script src="{}" defer></script>', static("distribution/channel_versions.js"))


# --- the channel registry (渠道) ---------------------------------------------------------------------


class ChannelViewSet(SnippetViewSet):
    """Channels: on/off per outlet, which stories they take, limits and non-secret settings.

    Credentials never pass through this screen: each is an environment variable whose name (never
    value) the list shows, so staff can see whether a channel is ready.
    """

    model = Channel
    icon = "resubmit"
    menu_label = _("Channels (渠道)")
    add_to_settings_menu = True
    menu_order = 420
    list_display = [
        "name",
        "code",
        "kind",
        yes_no(Channel, "enabled"),
        "selection",
        ChannelCredentialsColumn("credentials", label=_("Credentials")),
    ]
    list_filter = ["enabled", "selection", "kind"]
    search_fields = ["name", "code"]
    search_backend_name = None  # a handful of rows: plain ORM lookups
    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("kind"),
        FieldPanel("enabled"),
        FieldPanel("selection"),
        FieldPanel("outlets", widget=forms.CheckboxSelectMultiple),
        FieldPanel("default_sections", widget=forms.CheckboxSelectMultiple),
        FieldPanel("sort_order"),
        FieldPanel("limits"),
        FieldPanel("config"),
    ]


register_snippet(ChannelViewSet)


@hooks.register("register_log_actions")
def register_distribution_log_actions(actions):
    actions.register_action(
        services.MANUAL_ACTION,
        _("Record channel work done by hand"),
        _("Channel work done by hand (手工完成)"),
    )
