"""Who sees whose work in the admin: the one rule every listing, search, chooser, API, report and
per-story screen asks.

A newsroom grants ``newsroom.view_others_work_storypage`` to the roles that edit or review
colleagues' work (superusers hold it implicitly). Without it a user sees their own work (pages
they own, stories they are credited on) and the published site: a live page appears with its
live title, but a story whose unpublished changes are someone else's (a correction in progress,
a new headline) is left out, because the admin's listings show the draft headline.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

PERMISSION = "newsroom.view_others_work_storypage"


def sees_others_work(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(PERMISSION))


def _own_work_q(user) -> Q:
    from .models import StoryCredit

    credited = StoryCredit.objects.filter(staff_id=user.pk).values("story_id")
    return Q(owner_id=user.pk) | Q(pk__in=credited)


def _public_q() -> Q:
    from .models import StoryPage

    story_type = ContentType.objects.get_for_model(StoryPage)
    return Q(live=True) & ~Q(content_type=story_type, has_unpublished_changes=True)


def visible_pages_for(user, queryset):
    """The pages of ``queryset`` (any page model) that ``user`` may see listed in the admin."""
    if sees_others_work(user):
        return queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    # By primary key: search backends filter a queryset only on their indexed fields, and the
    # explorer and chooser searches run on the narrowed queryset.
    from wagtail.models import Page

    return queryset.filter(pk__in=Page.objects.filter(_own_work_q(user) | _public_q()).values("pk"))


def readable_work_for(user, queryset):
    """The pages of ``queryset`` whose unpublished revisions and record ``user`` may read: all of
    them with the permission, otherwise their own work only (see ``user_can_see_work``)."""
    if sees_others_work(user):
        return queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    from wagtail.models import Page

    return queryset.filter(pk__in=Page.objects.filter(_own_work_q(user)).values("pk"))


def is_own_work(user, page) -> bool:
    from .models import StoryCredit

    if user is None or not user.is_authenticated:
        return False
    return page.owner_id == user.pk or StoryCredit.objects.filter(story_id=page.pk, staff_id=user.pk).exists()


def user_can_see(user, page) -> bool:
    """Whether ``page`` may appear to ``user`` in a listing (the per-page form of the rule)."""
    from .models import StoryPage

    if sees_others_work(user) or is_own_work(user, page):
        return bool(user.is_active)
    is_story = issubclass(page.specific_class or object, StoryPage)
    return page.live and not (is_story and page.has_unpublished_changes)


def user_can_see_work(user, page) -> bool:
    """Whether ``user`` may read the page's unpublished revisions and the newsroom's record of it
    (history, review opinions, proofreading), which are not public even when the page is live."""
    if user is None or not user.is_active:
        return False
    return sees_others_work(user) or is_own_work(user, page)
