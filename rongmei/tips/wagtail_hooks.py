"""新闻线索 in the admin: the 线索 menu (desk, hotline, rewards; 我的线索 for whoever has tips
assigned), its screens, its permissions under Settings → Groups and its audit-log actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import admin_views, permissions


@hooks.register("register_admin_urls")
def register_tips_urls():
    return [
        path("tips/", admin_views.DeskView.as_view(), name="tips_desk"),
        path("tips/mine/", admin_views.MineView.as_view(), name="tips_mine"),
        path("tips/hotline/", admin_views.HotlineView.as_view(), name="tips_hotline"),
        path("tips/rewards/", admin_views.RewardsView.as_view(), name="tips_rewards"),
        path("tips/rewards/export/", admin_views.RewardsExportView.as_view(), name="tips_rewards_export"),
        path("tips/<int:pk>/", admin_views.TipView.as_view(), name="tips_tip"),
        path("tips/<int:pk>/contact/", admin_views.ContactView.as_view(), name="tips_contact"),
        path("tips/<int:pk>/act/<slug:act>/", admin_views.TipActView.as_view(), name="tips_act"),
        path(
            "tips/attachments/<int:pk>/download/",
            admin_views.AttachmentView.as_view(),
            name="tips_attachment",
        ),
    ]


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.is_desk(request.user)


class MineMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.may_see_assigned(request.user)


class TipsSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return permissions.is_desk(request.user) or permissions.may_see_assigned(request.user)


@hooks.register("register_admin_menu_item")
def register_tips_menu():
    menu = Menu(
        items=[
            DeskMenuItem(_("Tips desk"), reverse("tips_desk"), icon_name="list-ul", order=10),
            DeskMenuItem(_("Tip from the hotline"), reverse("tips_hotline"), icon_name="plus", order=20),
            DeskMenuItem(_("Tip rewards"), reverse("tips_rewards"), icon_name="tag", order=30),
            MineMenuItem(_("My tips"), reverse("tips_mine"), icon_name="user", order=40),
        ]
    )
    return TipsSubmenu(_("News tips (线索)"), menu, icon_name="help", order=470)


@hooks.register("register_permissions")
def register_tips_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="tips",
        codename__in=["desk_tip", "view_contact_tip", "change_tipssettings"],
    )


@hooks.register("register_log_actions")
def register_tips_log_actions(actions):
    for action, label, message in (
        ("received", _("Receive news tip"), _("News tip received")),
        ("triaged", _("Triage news tip"), _("News tip triaged")),
        ("assigned", _("Assign news tip"), _("News tip assigned")),
        ("story", _("Link news tip to story"), _("News tip linked to its story")),
        ("topic", _("Turn news tip into topic"), _("News tip turned into a topic")),
        ("note", _("Note on news tip"), _("Note added to news tip")),
        ("reward_due", _("News tip reward due"), _("News tip reward due")),
        ("reward_set", _("Set news tip reward"), _("News tip reward set")),
        ("reward_paid", _("Pay news tip reward"), _("News tip reward paid")),
        ("anonymised", _("Anonymise news tip"), _("News tip anonymised")),
        ("contact_read", _("Read tipster's contact"), _("Tipster's contact details read")),
        ("payment_list", _("Export tip reward payment list"), _("Tip reward payment list exported")),
    ):
        actions.register_action(f"rongmei.tips.{action}", label, message)
