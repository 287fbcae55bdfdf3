"""Who manages partner centers: the chief editors (终审总编), department directors (复审主任) and
administrators (管理员) hold ``partners.manage_partner``.

``organisation/roles.py`` owns the role groups; until it lists this permission for those roles,
``grant_partner_permissions()`` (idempotent) adds it to their groups. The demo loader calls it.
"""

from django.contrib.auth.models import Group, Permission

from rongmei.organisation import roles

MANAGING_ROLES = (roles.CHIEF, roles.DIRECTOR, roles.ADMIN)


def grant_partner_permissions() -> None:
    permission = Permission.objects.get(content_type__app_label="partners", codename="manage_partner")
    for role in MANAGING_ROLES:
        group = Group.objects.filter(name=role.group_name).first()
        if group is not None:
            group.permissions.add(permission)
