"""Who may do what with campaigns (大型采访活动); asked by the menu, the views and the services.

- ``campaigns.view_campaign``: see the campaigns and their progress (every newsroom role that
  writes, edits or reviews stories, and administrators);
- ``campaigns.manage_campaign``: create and change campaigns, create their topic page (专题),
  attach topics (复审主任, 终审总编, 管理员).

A superuser may everything. ``grant_to_roles()`` adds these to the role groups (idempotent);
``organisation.roles`` should list them in the roles themselves so ``ensure_roles()`` grants them.
"""

from django.contrib.auth.models import Group, Permission

from rongmei.organisation import roles

VIEW = ("campaigns", "view_campaign")
MANAGE = ("campaigns", "manage_campaign")

ROLE_PERMISSIONS = {
    roles.REPORTER.code: (VIEW,),
    roles.EDITOR.code: (VIEW,),
    roles.NEW_MEDIA.code: (VIEW,),
    roles.DIRECTOR.code: (VIEW, MANAGE),
    roles.CHIEF.code: (VIEW, MANAGE),
    roles.ADMIN.code: (VIEW, MANAGE),
}


def _has(user, perm) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(".".join(perm)))


def can_view(user) -> bool:
    return _has(user, VIEW) or _has(user, MANAGE)


def can_manage(user) -> bool:
    return _has(user, MANAGE)


def grant_to_roles() -> None:
    for code, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=roles.ROLES_BY_CODE[code].group_name).first()
        if group is None:
            continue
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in perms
            )
        )
