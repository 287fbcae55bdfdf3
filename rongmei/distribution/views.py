"""Admin screens: a story's status per channel (分发, under the story's "more" menu) and the board
(Reports → 分发): today's deliveries across stories, filtered by channel and state, with retry."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from rongmei.newsroom.models import StoryPage

from . import desk, services
from .models import Channel, StoryChannelStatus


def _with_retry_flags(rows, user):
    for row in rows:
        row.user_may_retry = row.state in services.RETRYABLE_STATES and services.may_retry(user, row)
        row.user_may_complete = services.may_complete_by_hand(user, row)
    return rows


def _back(request):
    back = request.POST.get("next", "")
    if not (back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
        back = reverse("distribution_board")
    return back


class StoryDistributionView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "distribution/story.html"
    page_title = _("Distribution (分发)")
    header_icon = "resubmit"

    def dispatch(self, request, page_id, *args, **kwargs):
        self.story = get_object_or_404(StoryPage, pk=page_id)
        if not services.can_see_story_status(request.user, self.story):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.story.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.story.pk]),
                "label": self.get_page_subtitle(),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = _with_retry_flags(list(services.statuses_for_story(self.story)), self.request.user)
        context.update(story=self.story, rows=rows)
        return context


class BoardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "distribution/board.html"
    page_title = _("Distribution (分发)")
    header_icon = "resubmit"

    def dispatch(self, request, *args, **kwargs):
        if not services.can_see_board(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channels = list(Channel.objects.all())
        channel = self.request.GET.get("channel", "")
        state = self.request.GET.get("state", "")
        if channel not in {c.code for c in channels}:
            channel = ""
        if state not in StoryChannelStatus.State.values:
            state = ""
        rows = services.board(self.request.user, channel=channel, state=state)
        page = Paginator(rows, 50).get_page(self.request.GET.get("p"))
        _with_retry_flags(page.object_list, self.request.user)
        context.update(
            page=page,
            channels=channels,
            channel=channel,
            states=StoryChannelStatus.State.choices,
            state=state,
        )
        return context


class RetryView(View):
    """POST only: try a channel's failed delivery again (the service checks who asks)."""

    def post(self, request, pk):
        status = get_object_or_404(StoryChannelStatus.objects.select_related("story", "channel"), pk=pk)
        try:
            services.retry(status, acting_user=request.user)
        except services.DistributionError as error:
            flash.error(request, error.message)
        else:
            flash.success(
                request,
                _("“%(story)s” will be sent to %(channel)s again now.")
                % {"story": status.story.title, "channel": status.channel.name},
            )
        return redirect(_back(request))


class CompleteByHandView(View):
    """POST only: record that someone did the channel's act by hand (the service checks who asks)."""

    def post(self, request, pk):
        status = get_object_or_404(StoryChannelStatus.objects.select_related("story", "channel"), pk=pk)
        try:
            services.complete_by_hand(
                status,
                acting_user=request.user,
                remote_url=request.POST.get("remote_url", ""),
                note=request.POST.get("note", "")[:500],
            )
        except services.DistributionError as error:
            flash.error(request, error.message)
        else:
            flash.success(
                request,
                _("Recorded: “%(story)s” is done on %(channel)s.")
                % {"story": status.story.title, "channel": status.channel.name},
            )
        return redirect(_back(request))


class ChannelVersionsView(WagtailAdminTemplateMixin, TemplateView):
    """渠道版本: the stories of the last week and the channels each is versioned for."""

    template_name = "distribution/versions.html"
    page_title = _("Channel versions (渠道版本)")
    header_icon = "resubmit"

    def dispatch(self, request, *args, **kwargs):
        if not desk.may_use_desk(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stories"] = desk.recent_channel_versions(self.request.user)
        return context
