"""Campaigns in the admin: their screens, one menu item (大型活动), their permissions under
Settings → Groups and their audit-log actions."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import permissions, urls


@hooks.register("register_admin_urls")
def register_campaign_urls():
    return [path("campaigns/", include(urls, namespace="campaigns"))]


class CampaignMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_view(request.user)


@hooks.register("register_admin_menu_item")
def register_campaign_menu():
    return CampaignMenuItem(
        _("Campaigns (大型活动)"), reverse("campaigns:index"), icon_name="calendar-check", order=155
    )


@hooks.register("register_permissions")
def register_campaign_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="campaigns", codename__in=["view_campaign", "manage_campaign"]
    )


@hooks.register("register_log_actions")
def register_campaign_log_actions(actions):
    actions.register_action("rongmei.campaigns.create", _("Create campaign"), _("Campaign created"))
    actions.register_action("rongmei.campaigns.edit", _("Edit campaign"), _("Campaign changed"))
    actions.register_action(
        "rongmei.campaigns.topic_page", _("Create campaign topic page"), _("Campaign topic page created")
    )
    actions.register_action(
        "rongmei.campaigns.attach_topics", _("Attach topics to campaign"), _("Topics attached to campaign")
    )
    actions.register_action(
        "rongmei.campaigns.detach_topic", _("Detach topic from campaign"), _("Topic detached from campaign")
    )
