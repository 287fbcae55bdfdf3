"""Admin screens of the incoming wire: the list of incoming items (入库稿) with filters and search,
an item with "adopt" and "ignore", and the sources with their state and "fetch now".
GET views only read; every act is a POST that calls the services."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views import View
from wagtail.models import Page

from rongmei.core.admin_views import AdminPage, choice_of, page_of
from rongmei.organisation.models import display_name_for

from . import sanitise, services
from .models import WireItem, WireSource

STATE_FILTERS = [
    ("new", pgettext_lazy("wire item state", "new")),
    ("adopted", pgettext_lazy("wire item state", "adopted")),
    ("ignored", pgettext_lazy("wire item state", "ignored")),
    ("updated", _("updated by the source after adoption")),
    ("withdrawn", _("withdrawn by the source")),
]


class WireListView(AdminPage):
    template_name = "wire/item_list.html"
    page_title = _("Incoming wire (入库稿)")
    header_icon = "download"
    refusal_message = _("You may not see the incoming wire.")

    def may_see(self, user):
        return services.can_see_wire(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sources = list(WireSource.objects.all())
        source = choice_of(self.request, "source", {str(s.pk) for s in sources})
        source_id = int(source) if source else None
        state = choice_of(self.request, "state", dict(STATE_FILTERS))
        query = self.request.GET.get("q", "").strip()[:100]
        rows = services.items_for(self.request.user, source_id=source_id, state=state, query=query)
        page = page_of(self.request, rows)
        context.update(
            page=page,
            source_choices=[(s.pk, s.name) for s in sources],
            source_id=source_id,
            states=STATE_FILTERS,
            state=state,
            query=query,
            can_see_sources=services.can_see_sources(self.request.user),
        )
        return context


class WireItemView(AdminPage):
    template_name = "wire/item_detail.html"
    header_icon = "download"
    refusal_message = WireListView.refusal_message
    may_see = WireListView.may_see

    def dispatch(self, request, pk, *args, **kwargs):
        self.item = get_object_or_404(
            WireItem.objects.select_related("source", "adopted_story", "adopted_by"), pk=pk
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.item.headline or str(_("(no headline)"))

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wire_items"), "label": _("Incoming wire (入库稿)")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        may_act = services.can_adopt(user)
        context.update(
            item=self.item,
            adopted_by_name=display_name_for(self.item.adopted_by),
            body=sanitise.clean_body(self.item.body_html),
            may_act=may_act,
            sections=services.sections_for_adoption(user) if may_act else [],
        )
        return context


def _back_to(item):
    return redirect("wire_item", pk=item.pk)


class AdoptView(View):
    def post(self, request, pk):
        item = get_object_or_404(WireItem, pk=pk)
        section_id = request.POST.get("section", "")
        section = Page.objects.filter(pk=section_id).first() if section_id.isdigit() else None
        try:
            story = services.adopt(item, acting_user=request.user, section=section)
        except (services.WireError, PermissionDenied) as error:
            flash.error(request, getattr(error, "message", None) or str(error))
            return _back_to(item)
        flash.success(
            request,
            _(
                "“%(title)s” is now a draft story in %(section)s, with %(source)s as its source. Edit it "
                "and submit it for review as usual; the rights note stays on the wire record."
            )
            % {"title": story.title, "section": section.title, "source": story.source},
        )
        return redirect("wagtailadmin_pages:edit", story.pk)


class IgnoreView(View):
    def post(self, request, pk):
        item = get_object_or_404(WireItem, pk=pk)
        try:
            if request.POST.get("undo"):
                services.restore(item, acting_user=request.user)
                flash.success(
                    request, _("“%(title)s” is in the incoming list again.") % {"title": item.headline}
                )
            else:
                services.ignore(item, acting_user=request.user)
                flash.success(
                    request,
                    _("“%(title)s” is ignored; it stays under the filter “ignored” and can be taken back.")
                    % {"title": item.headline},
                )
        except (services.WireError, PermissionDenied) as error:
            flash.error(request, getattr(error, "message", None) or str(error))
            return _back_to(item)
        return redirect("wire_items")


class SourcesView(AdminPage):
    template_name = "wire/sources.html"
    page_title = _("Wire sources (稿源)")
    header_icon = "site"
    refusal_message = _("You may not see the wire sources.")

    def may_see(self, user):
        return services.can_see_sources(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = list(WireSource.objects.all())
        for source in rows:
            source.state = _source_state(source)
            source.push_url = self.request.build_absolute_uri(reverse("wire:push", args=[source.pk]))
        context.update(
            rows=rows,
            can_fetch=services.can_fetch(user),
            can_add=user.has_perm("wire.add_wiresource"),
            can_change=user.has_perm("wire.change_wiresource"),
        )
        return context


def _source_state(source):
    if not source.active:
        return "inactive"
    if source.last_error_at and (not source.last_success_at or source.last_error_at > source.last_success_at):
        return "failing"
    if not source.last_success_at:
        return "never"
    return "ok"


class FetchNowView(View):
    def post(self, request, pk=None):
        if pk is not None:
            sources = [get_object_or_404(WireSource, pk=pk)]
        else:
            sources = list(WireSource.objects.filter(active=True).exclude(kind=WireSource.Kind.PUSH))
        try:
            queued = services.queue_fetch_now(sources, acting_user=request.user)
        except PermissionDenied as error:
            flash.error(request, str(error))
            return redirect("wire_sources")
        if queued:
            flash.success(
                request,
                ngettext(
                    "%(count)d source is being fetched; its row shows the outcome once the worker is done.",
                    "%(count)d sources are being fetched; their rows show the outcome once the worker is done.",
                    len(queued),
                )
                % {"count": len(queued)},
            )
        else:
            flash.warning(
                request,
                _("Nothing to fetch: push sources send to us, and switched-off sources are not fetched."),
            )
        return redirect("wire_sources")
