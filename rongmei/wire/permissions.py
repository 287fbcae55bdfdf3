"""Who works with the incoming wire, granted to the newsroom's role groups.

The grants belong in ``rongmei/organisation/roles.py`` (``Role.permissions``); until they are
there, this module adds them whenever ``ensure_roles()`` creates a role group, and to existing
groups after ``migrate`` (``post_migrate``), so a fresh install, the demo and the tests get them.

- reading the incoming list and items: 初审编辑, 复审主任, 终审总编, 新媒体编辑, 管理员
- adopting or ignoring items: 初审编辑, 复审主任, 终审总编, 新媒体编辑
- the sources list and "fetch now": 复审主任, 终审总编, 管理员
- adding, changing and deleting sources (and their shared secrets): 终审总编, 管理员
"""

from django.db.models.signals import post_migrate, post_save

READ = (("wire", "view_wireitem"),)
ADOPT = (("wire", "adopt_wireitem"),)
SOURCES_READ = (("wire", "view_wiresource"), ("wire", "fetch_wiresource"))
SOURCES_MANAGE = tuple(("wire", f"{action}_wiresource") for action in ("add", "change", "delete"))

GRANTS = {
    "初审编辑": READ + ADOPT,
    "复审主任": READ + ADOPT + SOURCES_READ,
    "终审总编": READ + ADOPT + SOURCES_READ + SOURCES_MANAGE,
    "新媒体编辑": READ + ADOPT,
    "管理员": READ + SOURCES_READ + SOURCES_MANAGE,
}


def grant(group) -> None:
    from django.contrib.auth.models import Permission

    wanted = GRANTS.get(group.name)
    if not wanted:
        return
    codenames = [codename for _app, codename in wanted]
    perms = Permission.objects.filter(content_type__app_label="wire", codename__in=codenames)
    group.permissions.add(*perms)


def grant_all(**kwargs) -> None:
    from django.contrib.auth.models import Group

    for group in Group.objects.filter(name__in=GRANTS):
        grant(group)


def _group_created(sender, instance, created, **kwargs):
    if created and not kwargs.get("raw"):
        grant(instance)


def connect(app_config) -> None:
    from django.contrib.auth.models import Group

    post_save.connect(_group_created, sender=Group, dispatch_uid="rongmei.wire.grant_on_group")
    # After auth has created this app's permissions (its handler was connected first).
    post_migrate.connect(grant_all, sender=app_config, dispatch_uid="rongmei.wire.grant_after_migrate")
