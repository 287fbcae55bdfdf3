"""Admin entries of the partner centers: the 合作媒体 menu item and its screens, and the permission
in Settings → Groups."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import services, views


@hooks.register("register_admin_urls")
def register_partner_urls():
    return [
        path("partners/", views.PartnerListView.as_view(), name="partners_index"),
        path("partners/add/", views.PartnerCreateView.as_view(), name="partners_add"),
        path("partners/<int:pk>/", views.PartnerEditView.as_view(), name="partners_edit"),
        path("partners/<int:pk>/tokens/", views.CreateTokenView.as_view(), name="partners_token_add"),
        path("partners/<int:pk>/secret/", views.SetSecretView.as_view(), name="partners_secret"),
        path(
            "partners/tokens/<int:pk>/revoke/", views.RevokeTokenView.as_view(), name="partners_token_revoke"
        ),
    ]


class PartnersMenuItem(MenuItem):
    def is_shown(self, request):
        return services.can_manage(request.user)


@hooks.register("register_admin_menu_item")
def register_partners_menu_item():
    return PartnersMenuItem(
        _("Partner centers (合作媒体)"),
        reverse("partners_index"),
        name="partners",
        icon_name="group",
        order=480,
    )


@hooks.register("register_permissions")
def register_partner_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="partners", codename="manage_partner")
