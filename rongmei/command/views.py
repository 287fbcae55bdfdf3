"""The command dashboard (指挥调度): the page, and the panels' fragment its script polls.

Both only read. The fragment answers ``304 Not Modified`` while the figures' fingerprint
(``queries.fingerprint``: counts and latest change times, a handful of aggregate queries) matches
the ETag the page last received, so a wall screen polling every 30 s costs almost nothing while
the newsroom is quiet.
"""

from django.conf import settings
from django.contrib import messages as flash
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotModified
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import permissions, queries

DEFAULT_POLL_SECONDS = 30


def poll_seconds() -> int:
    """How often the page asks for new figures (``COMMAND_DASHBOARD_POLL_SECONDS``, 30 s)."""
    try:
        return max(1, int(getattr(settings, "COMMAND_DASHBOARD_POLL_SECONDS", DEFAULT_POLL_SECONDS)))
    except (TypeError, ValueError):
        return DEFAULT_POLL_SECONDS


def etag_for(user) -> str:
    return quote_etag(queries.fingerprint(user))


def _no_store(response):
    # Each reader's figures, always asked again (the ETag makes the asking cheap).
    patch_cache_control(response, private=True, no_cache=True)
    return response


class CommandPage(WagtailAdminTemplateMixin, TemplateView):
    """A screen of the dashboard: who may not see it goes back to the admin's home with the reason
    (Wagtail's own refusal only says "no permission"); the page's script gets a bare 403."""

    header_icon = "site"
    refusal_message = permissions.REFUSAL

    def may_see(self, user) -> bool:
        return permissions.can_view(user)

    def dispatch(self, request, *args, **kwargs):
        if not self.may_see(request.user):
            if request.headers.get("X-Requested-With") == "fetch":
                return HttpResponseForbidden(
                    str(self.refusal_message), content_type="text/plain; charset=utf-8"
                )
            flash.error(request, self.refusal_message)
            return redirect("wagtailadmin_home")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


class DashboardView(CommandPage):
    template_name = "command/dashboard.html"
    page_title = gettext_lazy("Command dashboard")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # The ETag first: a change while the panels are read shows at the next poll.
        context["etag"] = etag_for(user)
        context.update(queries.dashboard(user))
        context.update(
            poll_url=reverse("command_panels"),
            poll_seconds=poll_seconds(),
            duration_formats={key: str(value) for key, value in queries.DURATION_FORMATS.items()},
            wall=self.request.GET.get("wall") == "1",
        )
        return context

    def get(self, request, *args, **kwargs):
        return _no_store(super().get(request, *args, **kwargs))


class PanelsView(CommandPage):
    """The panels alone (HTML), or 304 when nothing changed since the ETag the page holds."""

    def get(self, request, *args, **kwargs):
        etag = etag_for(request.user)
        # Weak comparison (RFC 9110): a proxy that compresses the answer marks its ETag weak (W/).
        offered = {tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))}
        if etag in offered or "*" in offered:
            response = HttpResponseNotModified()
        else:
            context = queries.dashboard(request.user)
            context["request"] = request
            response = HttpResponse(render_to_string("command/panels.html", context, request=request))
        response["ETag"] = etag
        response["X-Command-Panels"] = "1"
        return _no_store(response)
