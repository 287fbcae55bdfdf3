"""指挥调度 in the admin: its menu item (only for those who may see it), its two addresses and its
permission under Settings → Groups."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import permissions


@hooks.register("register_admin_urls")
def register_command_urls():
    from . import views

    return [
        path("command/", views.DashboardView.as_view(), name="command_dashboard"),
        path("command/panels/", views.PanelsView.as_view(), name="command_panels"),
    ]


class CommandMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_view(request.user)


@hooks.register("register_admin_menu_item")
def register_command_menu():
    return CommandMenuItem(
        _("Command dashboard (指挥调度)"), reverse("command_dashboard"), icon_name="site", order=145
    )


@hooks.register("register_permissions")
def register_command_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="command", codename="view_dashboard")
