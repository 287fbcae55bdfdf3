"""Who may see and act on the distribution of stories: the one place the views, the menus, the desk
and the services ask. Nothing here changes anything."""

CHANGE_STATUS = "distribution.change_storychannelstatus"
VIEW_STATUS = "distribution.view_storychannelstatus"
VIEW_OTHERS_WORK = "newsroom.view_others_work_storypage"


def _is_active(user) -> bool:
    return user is not None and user.is_active


def can_see_board(user) -> bool:
    """The board (Reports → 分发): staff who see colleagues' work."""
    return _is_active(user) and (user.is_superuser or user.has_perm(VIEW_OTHERS_WORK))


def may_use_desk(user) -> bool:
    """The desk of the 新媒体编辑 (and administrators): whoever reads the channels' statuses."""
    return _is_active(user) and (user.is_superuser or user.has_perm(VIEW_STATUS))


def can_see_story_status(user, story) -> bool:
    """A story's 分发 page: whoever may see its review history."""
    from rongmei.review.permissions import may_see_history

    return _is_active(user) and may_see_history(user, story)


def may_retry(user, status) -> bool:
    """Send a channel's act again, or record it done by hand: newsroom staff who see colleagues'
    work and may edit the story (editors, new-media editors)."""
    if not _is_active(user):
        return False
    if user.is_superuser or user.has_perm(CHANGE_STATUS):
        return True
    return can_see_board(user) and status.story.permissions_for_user(user).can_edit()


def may_complete_by_hand(user, status) -> bool:
    """Record that a person did on the platform what is waiting for one."""
    from .models import StoryChannelStatus

    return status.state == StoryChannelStatus.State.NEEDS_MANUAL and may_retry(user, status)


def may_handle_xuexi(user, story) -> bool:
    """A story's 学习强国 package and the record of its submission: staff who see the story's
    distribution and may edit the story (its editors, the new-media editors, the chief); a reporter
    who may edit only their own draft does not see others'."""
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    return can_see_story_status(user, story) and story.permissions_for_user(user).can_edit()
