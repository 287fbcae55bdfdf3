"""Every publication and unpublication of a story ends here, whatever path led to it.

Wagtail publishes approved revisions itself (the workflow's final approval, the scheduler, 突发
through ``review.services.emergency_publish``) and unpublishes from its admin, bulk actions, expiry
and deletion; its ``page_published`` / ``page_unpublished`` signals fire inside the action's
transaction. ``services.story_published`` / ``services.story_unpublished`` classify the act (went
live, correction, retraction, unpublication), complete it (a retraction leaves the site in the same
transaction), write the review history and emit one story event on commit.
"""

from wagtail.log_actions import get_active_log_context
from wagtail.signals import page_published, page_unpublished


def on_story_published(sender, instance, revision, **kwargs):
    from rongmei.newsroom.models import StoryPage

    from . import services

    if isinstance(instance, StoryPage):
        services.story_published(instance, revision, actor=get_active_log_context().user)


def on_story_unpublished(sender, instance, **kwargs):
    from rongmei.newsroom.models import StoryPage

    from . import services

    if isinstance(instance, StoryPage):
        services.story_unpublished(instance, actor=get_active_log_context().user)


def register_signal_handlers():
    page_published.connect(on_story_published, dispatch_uid="rongmei.newsroom.story_published")
    page_unpublished.connect(on_story_unpublished, dispatch_uid="rongmei.newsroom.story_unpublished")
