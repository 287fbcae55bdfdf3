"""The 稿源 menu (incoming items, sources), the sources' add/edit forms, and the wire record on an
adopted story (a "more" menu entry and a note at the top of its editor)."""

from django.contrib import messages as flash
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from rongmei.core.admin_columns import yes_no

from . import services, views
from .forms import WireSourceForm
from .models import WireItem, WireSource


@hooks.register("register_admin_urls")
def register_wire_urls():
    return [
        path("wire/", views.WireListView.as_view(), name="wire_items"),
        path("wire/item/<int:pk>/", views.WireItemView.as_view(), name="wire_item"),
        path("wire/item/<int:pk>/adopt/", views.AdoptView.as_view(), name="wire_adopt"),
        path("wire/item/<int:pk>/ignore/", views.IgnoreView.as_view(), name="wire_ignore"),
        path("wire/sources/", views.SourcesView.as_view(), name="wire_sources"),
        path("wire/sources/fetch/", views.FetchNowView.as_view(), name="wire_fetch_all"),
        path("wire/sources/<int:pk>/fetch/", views.FetchNowView.as_view(), name="wire_fetch_source"),
    ]


@hooks.register("register_log_actions")
def register_wire_log_actions(actions):
    actions.register_action(
        "rongmei.wire.adopt",
        _("Adopt from the incoming wire"),
        _("Adopted from the incoming wire (入库稿采用)"),
    )


class WireSourceViewSet(SnippetViewSet):
    """Add, edit and delete sources (model permissions); the list with states is views.SourcesView."""

    model = WireSource
    icon = "site"
    add_to_admin_menu = False
    list_display = ["name", "kind", yes_no(WireSource, "active"), "poll_interval_minutes"]
    search_fields = ["name", "url"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel([FieldPanel("name"), FieldPanel("kind"), FieldPanel("url")], heading=_("Source")),
            FieldRowPanel([FieldPanel("active"), FieldPanel("poll_interval_minutes")]),
            FieldPanel("rights_note"),
            FieldPanel("shared_secret"),
        ],
        base_form_class=WireSourceForm,
    )


register_snippet(WireSourceViewSet)


@hooks.register("before_delete_snippet")
def keep_sources_with_items(request, instances):
    """A source's items are the record of what adopted stories may be used for: switch it off instead."""
    kept = [s for s in instances if isinstance(s, WireSource) and WireItem.objects.filter(source=s).exists()]
    if not kept:
        return None
    flash.error(
        request,
        ngettext(
            "“%(names)s” has incoming items, which keep the rights of the stories adopted from it, so it "
            "cannot be deleted. Switch it off instead (untick “switched on”).",
            "“%(names)s” have incoming items, which keep the rights of the stories adopted from them, so "
            "they cannot be deleted. Switch them off instead (untick “switched on”).",
            len(kept),
        )
        % {"names": "、".join(s.name for s in kept)},
    )
    return redirect("wire_sources")


class ShownTo(MenuItem):
    def __init__(self, *args, shown_to, **kwargs):
        self.shown_to = shown_to
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return self.shown_to(request.user)


@hooks.register("register_admin_menu_item")
def register_wire_menu():
    submenu = Menu(
        items=[
            ShownTo(
                _("Incoming wire (入库稿)"),
                reverse("wire_items"),
                name="wire-items",
                icon_name="download",
                order=1,
                shown_to=services.can_see_wire,
            ),
            ShownTo(
                _("Wire sources (稿源)"),
                reverse("wire_sources"),
                name="wire-sources",
                icon_name="site",
                order=2,
                shown_to=services.can_see_sources,
            ),
        ]  # fmt: skip
    )
    return SubmenuMenuItem(_("Wire (稿源)"), submenu, name="wire", icon_name="download", order=250)


class WireRecordMenuItem(PageMenuItem):
    label = _("Wire record (稿源记录)")
    icon_name = "download"

    def __init__(self, *, page, item, priority=None):
        self.item = item
        super().__init__(url=reverse("wire_item", args=[item.pk]), priority=priority, page=page)

    def is_shown(self, user):
        return self.item is not None and services.can_see_wire(user)


def _wire_record(page):
    from rongmei.newsroom.models import StoryPage

    if not issubclass(page.specific_class or object, StoryPage):
        return None
    return services.wire_record_for_story(page)


@hooks.register("register_page_header_buttons")
def wire_record_header_button(page, user, view_name, next_url=None):
    item = _wire_record(page)
    if item is not None:
        yield WireRecordMenuItem(page=page, item=item, priority=69)


@hooks.register("before_edit_page")
def show_wire_record(request, page):
    """Opening an adopted story says where it came from and on what terms (a story has no rights field)."""
    if request.method != "GET" or not services.can_see_wire(request.user):
        return None
    item = _wire_record(page)
    if item is None:
        return None
    flash.info(
        request,
        _("Adopted from %(source)s (incoming wire). Rights and terms of use: %(rights)s")
        % {"source": item.source.name, "rights": item.rights or "—"},
    )
    if item.is_withdrawn:
        flash.warning(request, _("The source has since withdrawn this item; check before publishing."))
    elif item.updated_after_adoption:
        flash.warning(
            request,
            _("The source updated this item after it was adopted; compare on the wire record (稿源记录)."),
        )
    return None
