"""Admin of the clients (snippets)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from rongmei.core.admin_columns import yes_no

from ..models import Client


class ClientViewSet(SnippetViewSet):
    model = Client
    icon = "group"
    menu_label = _("Clients")
    list_display = ["name", "region", yes_no(Client, "active")]
    list_filter = ["active"]
    search_fields = ["name"]
