"""Which newsroom roles hold the 内参 permissions.

内参 goes to the chief editors and directors only: 复审主任 read and compile issues and make the
copies, 终审总编 also approve (签发). No other role, and no model permission, reaches it.

``grant_to_roles()`` adds these to the role groups (idempotent); ``organisation.roles`` should
list them in the roles themselves so ``ensure_roles()`` grants them (see the report of issue 9).
"""

from django.contrib.auth.models import Group, Permission

from rongmei.organisation import roles

VIEW = ("neican", "view_neican")
MANAGE = ("neican", "manage_neican")
APPROVE = ("neican", "approve_neican")

ROLE_PERMISSIONS = {
    roles.DIRECTOR.code: (VIEW, MANAGE),
    roles.CHIEF.code: (VIEW, MANAGE, APPROVE),
}


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
