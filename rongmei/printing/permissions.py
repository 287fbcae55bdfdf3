"""Who may do what in the print edition, and which newsroom roles hold it.

* see the page plans and export a page: ``printing.view_printissue``
* plan (create an issue, name pages, place, move and remove stories): ``printing.add_printissue``
  (new issues) and ``printing.change_printissue`` (everything else in a plan)
* mark a page 大样 (layout done) or send it back to 小样: ``printing.advance_printpage``
* sign a page off (审签) as the duty editor, and reopen a signed-off page with a reason:
  ``printing.sign_off_printpage``: the 复审主任 and 终审总编 roles, who take the night duty
  (值班主任 / 值班总编); not 初审编辑, not 管理员 (a technical role: no editorial sign-off).

``ROLE_PERMISSIONS`` belongs in ``rongmei/organisation/roles.py`` with the other roles' grants;
until it moves there, ``grant_role_permissions()`` adds it to the role groups (after migrate, from
the demo loader and the tests).
"""

from django.contrib.auth.models import Group, Permission

VIEW = "printing.view_printissue"
CREATE = "printing.add_printissue"
PLAN = "printing.change_printissue"
ADVANCE = "printing.advance_printpage"
SIGN_OFF = "printing.sign_off_printpage"

_VIEW = (("printing", "view_printissue"),)
_PLAN = _VIEW + (("printing", "add_printissue"), ("printing", "change_printissue"))
_LAYOUT = _PLAN + (("printing", "advance_printpage"),)
_DUTY = _LAYOUT + (("printing", "sign_off_printpage"),)

# role code (organisation.roles) → (app_label, codename) pairs
ROLE_PERMISSIONS = {
    "editor": _LAYOUT,
    "director": _DUTY,
    "chief": _DUTY,
    "newmedia": _VIEW,
    "admin": _PLAN,
}


def grant_role_permissions() -> int:
    """Add the print permissions to the role groups that exist; idempotent. Returns the groups touched."""
    from rongmei.organisation.roles import ROLES_BY_CODE

    touched = 0
    for code, pairs in ROLE_PERMISSIONS.items():
        role = ROLES_BY_CODE.get(code)
        group = Group.objects.filter(name=role.group_name).first() if role is not None else None
        if group is None:
            continue
        perms = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in pairs
        ]
        group.permissions.add(*perms)
        touched += 1
    return touched


def _holds(user, permission) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(permission))


def can_view(user) -> bool:
    return _holds(user, VIEW)


def can_create(user) -> bool:
    return _holds(user, CREATE)


def can_plan(user) -> bool:
    return _holds(user, PLAN)


def can_advance(user) -> bool:
    return _holds(user, ADVANCE)


def can_sign_off(user) -> bool:
    return _holds(user, SIGN_OFF)
