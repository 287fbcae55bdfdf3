from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .services.health import source_health


def can_see_sources(user):
    return user.has_perm("monitoring.view_source") or user.has_perm("monitoring.change_source")


class SourceHealthView(WagtailAdminTemplateMixin, TemplateView):
    """Is each source being fetched? Last success, last error in plain words, items per day."""

    template_name = "monitoring/source_health.html"
    page_title = _("Source health")
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_sources(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["days"], context["rows"] = source_health()
        context["failing"] = sum(1 for row in context["rows"] if row.state == "failing")
        return context
