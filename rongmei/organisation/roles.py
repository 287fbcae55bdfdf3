"""Newsroom roles, kept as Django groups with permissions.

Group names are what staff see in the admin, so they are the Chinese job names; code refers to
roles through the constants below, never through literal names.
"""

import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Role:
    code: str
    group_name: str
    # (app_label, codename) pairs of Django model permissions
    permissions: tuple[tuple[str, str], ...] = field(default=())
    admin_access: bool = True
    # Wagtail page permissions on the site's root page ("add", "change", "publish", "lock", "unlock")
    page_permissions: tuple[str, ...] = ()


_IMAGE_PERMS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
)
_DOC_PERMS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)

# Video and audio in the media library (rongmei.video): reporters upload and edit their own; editors
# and directors edit any (rongmei/video/permissions.py).
_MEDIA_UPLOAD = (("video", "add_videoasset"), ("video", "add_audioasset"))
_MEDIA_EDIT = _MEDIA_UPLOAD + (("video", "change_videoasset"), ("video", "change_audioasset"))

_PROOFING_VIEW = tuple(
    ("proofing", f"view_{model}") for model in ("wordlist", "term", "persontitle", "proofcheck")
)
_PROOFING_MANAGE = _PROOFING_VIEW + tuple(
    ("proofing", f"{action}_{model}")
    for model in ("wordlist", "term", "persontitle")
    for action in ("add", "change", "delete")
)

# 舆情: analysts run the monitoring service (sources, clients' watchlists, alerts, cases, reports);
# what the machines produce (items, events, reprints, alerts) they read but do not edit.
_MONITORING_MANAGED = ("source", "client", "watchrule", "alertrule", "case", "report")
_MONITORING_READ = ("monitoreditem", "event", "reprint", "alert")
_MONITORING = tuple(
    ("monitoring", f"{action}_{model}")
    for model in _MONITORING_MANAGED
    for action in ("view", "add", "change", "delete")
) + tuple(("monitoring", f"view_{model}") for model in _MONITORING_READ)

# Seeing colleagues' drafts and stories in review (admin search, page explorer API, site history):
# everyone who edits or reviews others' work; reporters see their own work and the published site.
_OTHERS_WORK = (("newsroom", "view_others_work_storypage"),)
# 突发发布记录: the chief editors and administrators read the list of stories published around 三审.
_EMERGENCY_REPORT = (("review", "view_emergencypublication"),)

# 报纸版面 (rongmei.printing): editors lay pages out (小样 → 大样); the duty editors (复审主任, 终审总编)
# sign them off (审签); new-media editors read the plans; administrators plan issues.
_PRINT_VIEW = (("printing", "view_printissue"),)
_PRINT_PLAN = _PRINT_VIEW + (("printing", "add_printissue"), ("printing", "change_printissue"))
_PRINT_LAYOUT = _PRINT_PLAN + (("printing", "advance_printpage"),)
_PRINT_DUTY = _PRINT_LAYOUT + (("printing", "sign_off_printpage"),)
# 内参 (rongmei.neican): directors compile issues and make copies; the chief editor also signs them off.
_NEICAN_COMPILE = (("neican", "view_neican"), ("neican", "manage_neican"))
_NEICAN_APPROVE = _NEICAN_COMPILE + (("neican", "approve_neican"),)
# Partner centers (rongmei.partners): tokens, push addresses and signing secrets.
_PARTNERS = (("partners", "manage_partner"),)
# The incoming wire (rongmei.wire): editors read and adopt items; directors watch the sources and
# fetch now; the chief editor and administrators edit the sources.
_WIRE_READ = (("wire", "view_wireitem"), ("wire", "adopt_wireitem"))
_WIRE_SOURCES = (("wire", "view_wiresource"), ("wire", "fetch_wiresource"))
_WIRE_MANAGE = tuple(("wire", f"{action}_wiresource") for action in ("add", "change", "delete"))
# The channel registry (Settings → 渠道): administrators switch channels on and set their limits.
_CHANNELS = (("distribution", "view_channel"), ("distribution", "change_channel"))
# 融合发布 desk: new-media editors follow every story's state per channel (the dashboard's 今日发布,
# the work waiting for a person, the stories' channel versions).
_DISTRIBUTION_DESK = (
    ("distribution", "view_storychannelstatus"),
    ("distribution", "view_storychannelversion"),
)

# 策划指挥 (rongmei.planning): everyone in the newsroom sees the board and proposes topics (报题);
# editors also keep the events calendar; directors decide and assign their department's topics
# (审题, 派单); the chief editor any department's. 舆情分析师 have none.
_PLANNING_VIEW = (
    ("planning", "view_topic"),
    ("planning", "view_assignment"),
    ("planning", "view_plannedevent"),
)
_PLANNING_PROPOSE = _PLANNING_VIEW + (("planning", "add_topic"),)
_PLANNING_CALENDAR = (("planning", "add_plannedevent"), ("planning", "change_plannedevent"))
_PLANNING_DECIDE = (
    _PLANNING_PROPOSE
    + _PLANNING_CALENDAR
    + (("planning", "decide_topic"), ("planning", "add_assignment"), ("planning", "change_assignment"))
)
_PLANNING_DECIDE_ANY = _PLANNING_DECIDE + (("planning", "decide_any_topic"),)

# 指挥调度 (rongmei.command): the duty directors, the chief editor and administrators watch the
# day on the command dashboard.
_COMMAND = (("command", "view_dashboard"),)
# 大型活动 (rongmei.campaigns): the newsroom reads campaigns and their progress; directors, chief
# editors and administrators create and change them and their topic pages.
_CAMPAIGNS_VIEW = (("campaigns", "view_campaign"),)
_CAMPAIGNS_MANAGE = _CAMPAIGNS_VIEW + (("campaigns", "manage_campaign"),)

REPORTER = Role(
    "reporter",
    "记者",
    _IMAGE_PERMS + _DOC_PERMS + _MEDIA_UPLOAD + _PLANNING_PROPOSE + _CAMPAIGNS_VIEW,
    page_permissions=("add",),
)
EDITOR = Role(
    "editor",
    "初审编辑",
    _IMAGE_PERMS
    + _DOC_PERMS
    + _MEDIA_EDIT
    + _PROOFING_VIEW
    + _OTHERS_WORK
    + _PRINT_LAYOUT
    + _WIRE_READ
    + _PLANNING_PROPOSE
    + _PLANNING_CALENDAR
    + _CAMPAIGNS_VIEW,
    page_permissions=("add", "change", "lock"),
)
DIRECTOR = Role(
    "director",
    "复审主任",
    _IMAGE_PERMS
    + _DOC_PERMS
    + _MEDIA_EDIT
    + _PROOFING_VIEW
    + _OTHERS_WORK
    + _PRINT_DUTY
    + _NEICAN_COMPILE
    + _PARTNERS
    + _WIRE_READ
    + _WIRE_SOURCES
    + _PLANNING_DECIDE
    + _COMMAND
    + _CAMPAIGNS_MANAGE,
    page_permissions=("add", "change", "lock", "unlock"),
)
# The chief editor owns the newsroom's word lists (banned, caution, style) and the names-and-titles list.
CHIEF = Role(
    "chief",
    "终审总编",
    _IMAGE_PERMS
    + _DOC_PERMS
    + _MEDIA_EDIT
    + _PROOFING_MANAGE
    + _OTHERS_WORK
    + _EMERGENCY_REPORT
    + _PRINT_DUTY
    + _NEICAN_APPROVE
    + _PARTNERS
    + _WIRE_READ
    + _WIRE_SOURCES
    + _WIRE_MANAGE
    + _PLANNING_DECIDE_ANY
    + _COMMAND
    + _CAMPAIGNS_MANAGE,
    page_permissions=("add", "change", "publish", "lock", "unlock"),
)
NEW_MEDIA = Role(
    "newmedia",
    "新媒体编辑",
    _IMAGE_PERMS
    + _DOC_PERMS
    + _MEDIA_EDIT
    + _OTHERS_WORK
    + _PRINT_VIEW
    + _WIRE_READ
    + _DISTRIBUTION_DESK
    + _PLANNING_PROPOSE
    + _CAMPAIGNS_VIEW,
    page_permissions=("add", "change"),
)
ANALYST = Role("analyst", "舆情分析师", _MONITORING)
# 新闻线索 (rongmei.tips): the tips desk (线索编辑) works every tip, reads the tipsters' contact
# details (each read logged), pays the rewards and turns tips into topics (报题); no other role
# reaches the contact.
_TIPS_DESK = (("tips", "desk_tip"), ("tips", "view_contact_tip"))
TIPSDESK = Role("tipsdesk", "线索编辑", _TIPS_DESK + _PLANNING_PROPOSE)
ADMIN = Role(
    "admin",
    "管理员",
    _PROOFING_MANAGE
    + _MONITORING
    + _OTHERS_WORK
    + _EMERGENCY_REPORT
    + _PRINT_PLAN
    + _PARTNERS
    + (("wire", "view_wireitem"),)
    + _WIRE_SOURCES
    + _WIRE_MANAGE
    + _CHANNELS
    + _PLANNING_VIEW
    + _PLANNING_CALENDAR
    + _COMMAND
    + _CAMPAIGNS_MANAGE
    + (("tips", "change_tipssettings"),),  # the hotline and reward promise (Settings → 新闻线索设置)
    page_permissions=("add", "change", "publish", "lock", "unlock"),
)

ALL_ROLES = (REPORTER, EDITOR, DIRECTOR, CHIEF, NEW_MEDIA, ANALYST, TIPSDESK, ADMIN)
ROLES_BY_CODE = {role.code: role for role in ALL_ROLES}


def group_for(role: Role) -> Group:
    return Group.objects.get(name=role.group_name)


@transaction.atomic
def ensure_roles(root_page=None) -> dict[str, Group]:
    """Create or update the role groups and their permissions; idempotent.

    With ``root_page`` the page permissions are granted on that subtree (the site's home page).
    """
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    root_collection = Collection.get_first_root_node()
    groups = {}
    admin_perm = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for role in ALL_ROLES:
        group, _created = Group.objects.get_or_create(name=role.group_name)
        perms = [admin_perm] if role.admin_access else []
        for app_label, codename in role.permissions:
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*perms)
        # Wagtail checks image and document permissions per collection, not per model.
        for app_label, codename in role.permissions:
            if app_label in ("wagtailimages", "wagtaildocs") and root_collection is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
                )
        if root_page is not None:
            for action in role.page_permissions:
                permission = Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=f"{action}_page"
                )
                GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)
        groups[role.code] = group
    return groups


def refresh_existing_groups(**kwargs) -> None:
    """After ``migrate`` on an installed newsroom (one with role groups): ``ensure_roles()`` on the
    default site's home page, so a center upgrading Rongmei finds each role with the rights it lists
    now (a new screen's right, a new role's group); nothing is taken away. A fresh database (no
    role groups yet) is left to whoever sets it up (``load_demo``, an administrator)."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from wagtail.models import Site

    # migrate emits post_migrate once per app, and each app's permissions are made on its own turn:
    # only the last turn sees them all.
    sender = kwargs.get("sender")
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not None and sender is not with_models[-1]:
        return
    if not Group.objects.filter(name__in=[role.group_name for role in ALL_ROLES]).exists():
        return
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    try:
        ensure_roles(root_page=site.root_page if site else None)
    except Permission.DoesNotExist:
        # A migrate of some apps only: their rights come with the next full migrate.
        logger.warning("roles: a permission is not there yet; the next migrate grants it")
