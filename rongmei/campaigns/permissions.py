"""Who may do what with campaigns (大型采访活动); asked by the menu, the views and the services.

- ``campaigns.view_campaign``: see the campaigns and their progress (every newsroom role that
  writes, edits or reviews stories, and administrators);
- ``campaigns.manage_campaign``: create and change campaigns, create their topic page (专题),
  attach topics (复审主任, 终审总编, 管理员).

A superuser may everything. The roles that hold them are listed in ``organisation/roles.py``
(``_CAMPAIGNS_VIEW``, ``_CAMPAIGNS_MANAGE``), granted by ``ensure_roles()``.
"""

VIEW = ("campaigns", "view_campaign")
MANAGE = ("campaigns", "manage_campaign")


def _has(user, perm) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(".".join(perm)))


def can_view(user) -> bool:
    return _has(user, VIEW) or _has(user, MANAGE)


def can_manage(user) -> bool:
    return _has(user, MANAGE)
