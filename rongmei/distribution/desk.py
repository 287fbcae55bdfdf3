"""The new-media editor's desk (新媒体编辑): today's published stories with their state on each
channel, the channel work waiting for a person, and the stories' channel versions.

Read-only queries for the dashboard panel (``DistributionDeskPanel``) and the 渠道版本 list; the
acts (retry, done by hand) stay in ``services``.
"""

from datetime import timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component

from rongmei.newsroom.models import StoryPage
from rongmei.newsroom.visibility import visible_pages_for

from .models import StoryChannelStatus

State = StoryChannelStatus.State
# What waits for a person: work a platform cannot do, and deliveries that gave up.
ATTENTION_STATES = (State.NEEDS_MANUAL, State.FAILED)
DESK_LIMIT = 30


def start_of_today():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def published_today(user, *, limit=DESK_LIMIT) -> list:
    """Stories published (or republished) since local midnight, newest first, each with
    ``channel_rows``: its status per channel in the channels' order."""
    stories = visible_pages_for(
        user, StoryPage.objects.live().filter(last_published_at__gte=start_of_today())
    ).order_by("-last_published_at", "-pk")[:limit]
    stories = list(stories)
    rows = {}
    for status in (
        StoryChannelStatus.objects.filter(story__in=[story.pk for story in stories])
        .select_related("channel")
        .order_by("channel__sort_order", "channel__code")
    ):
        rows.setdefault(status.story_id, []).append(status)
    for story in stories:
        story.channel_rows = rows.get(story.pk, [])
    return stories


def needing_attention(user, *, limit=DESK_LIMIT):
    """Channel statuses waiting for a person (需人工处理, failed), of stories the user may see."""
    visible = visible_pages_for(user, StoryPage.objects.all()).values("pk")
    return (
        StoryChannelStatus.objects.filter(state__in=ATTENTION_STATES, story__in=visible)
        .select_related("story", "channel")
        .order_by("-changed_at", "-pk")[:limit]
    )


def recent_channel_versions(user, *, days=7, limit=50) -> list:
    """Stories worked on in the last ``days`` with the channel versions of their latest revision
    (drafts and stories in review keep their versions in the revision, not in the tables)."""
    since = timezone.now() - timedelta(days=days)
    stories = list(
        visible_pages_for(user, StoryPage.objects.filter(latest_revision_created_at__gte=since))
        .select_related("latest_revision")
        .order_by("-latest_revision_created_at", "-pk")[:limit]
    )
    for story in stories:
        latest = story.latest_revision.as_object() if story.latest_revision_id else story
        story.versions = list(latest.channel_versions.all())
    return stories


class DistributionDeskPanel(Component):
    name = "distribution_desk"
    template_name = "distribution/panels/desk.html"
    order = 40

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        return {
            "stories": published_today(request.user),
            "attention": needing_attention(request.user),
            "request": request,
        }
