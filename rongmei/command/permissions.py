"""Who may see the command dashboard (指挥调度): ``command.view_dashboard`` (复审主任, 终审总编,
管理员; superusers). Asked by the menu item, the page and the figures' endpoint alike."""

from django.utils.translation import gettext_lazy as _

VIEW = "command.view_dashboard"

REFUSAL = _(
    "The command dashboard (指挥调度) is for the news directors, the chief editor and administrators; "
    "ask an administrator if you need it."
)


def can_view(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(VIEW))
