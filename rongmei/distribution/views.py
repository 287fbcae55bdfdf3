"""Admin screens: a story's status per channel (分发, under the story's "more" menu) and the board
(Reports → 分发): today's deliveries across stories, filtered by channel and state, with retry."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rongmei.core.admin_views import ActView, AdminPage, choice_of, page_of
from rongmei.newsroom.story_admin import StoryAdminPage

from . import desk, permissions, services
from .models import Channel, StoryChannelStatus


def _with_retry_flags(rows, user):
    for row in rows:
        row.user_may_retry = row.state in services.RETRYABLE_STATES and permissions.may_retry(user, row)
        row.user_may_complete = permissions.may_complete_by_hand(user, row)
    return rows


class StoryDistributionView(StoryAdminPage):
    template_name = "distribution/story.html"
    page_title = _("Distribution (分发)")
    header_icon = "resubmit"

    def may_see_story(self, user, story):
        return permissions.can_see_story_status(user, story)

    def get_context_data(self, **kwargs):
        rows = _with_retry_flags(list(services.statuses_for_story(self.story)), self.request.user)
        return super().get_context_data(rows=rows, **kwargs)


class BoardView(AdminPage):
    template_name = "distribution/board.html"
    page_title = _("Distribution (分发)")
    header_icon = "resubmit"

    def may_see(self, user):
        return permissions.can_see_board(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channels = list(Channel.objects.all())
        channel = choice_of(self.request, "channel", {c.code for c in channels})
        state = choice_of(self.request, "state", StoryChannelStatus.State.values)
        page = page_of(self.request, services.board(self.request.user, channel=channel, state=state))
        _with_retry_flags(page.object_list, self.request.user)
        context.update(
            page=page,
            channel_choices=[(c.code, c.name) for c in channels],
            channel=channel,
            states=StoryChannelStatus.State.choices,
            state=state,
        )
        return context


class StatusActView(ActView):
    """POST only: an act on one story's status on one channel (the service checks who asks)."""

    errors = (services.DistributionError,)

    def get_object(self, pk):
        return get_object_or_404(StoryChannelStatus.objects.select_related("story", "channel"), pk=pk)

    def default_next(self, status):
        return reverse("distribution_board")


class RetryView(StatusActView):
    """Try a channel's failed delivery again."""

    def act(self, status):
        services.retry(status, acting_user=self.request.user)
        return _("“%(story)s” will be sent to %(channel)s again now.") % {
            "story": status.story.title,
            "channel": status.channel.name,
        }


class CompleteByHandView(StatusActView):
    """Record that someone did the channel's act by hand."""

    def act(self, status):
        services.complete_by_hand(
            status,
            acting_user=self.request.user,
            remote_url=self.request.POST.get("remote_url", ""),
            note=self.request.POST.get("note", "")[:500],
        )
        return _("Recorded: “%(story)s” is done on %(channel)s.") % {
            "story": status.story.title,
            "channel": status.channel.name,
        }


class ChannelVersionsView(AdminPage):
    """渠道版本: the stories of the last week and the channels each is versioned for."""

    template_name = "distribution/versions.html"
    page_title = _("Channel versions (渠道版本)")
    header_icon = "resubmit"

    def may_see(self, user):
        return permissions.may_use_desk(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(stories=desk.recent_channel_versions(self.request.user), **kwargs)
