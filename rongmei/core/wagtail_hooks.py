"""Core's admin screens: the outbox list (Reports → Outbox) and its retry."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import outbox
from . import views_outbox as views


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return outbox.can_see_outbox(request.user)


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [
        path("outbox/", views.OutboxView.as_view(), name="core_outbox"),
        path("outbox/<int:pk>/retry/", views.OutboxRetryView.as_view(), name="core_outbox_retry"),
    ]


@hooks.register("register_reports_menu_item")
def register_outbox_menu_item():
    return OutboxMenuItem(_("Outbox (外发队列)"), reverse("core_outbox"), icon_name="mail", order=900)
