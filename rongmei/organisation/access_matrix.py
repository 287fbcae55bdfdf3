"""The roles × actions matrix: who may do what, declared once and tested cell by cell.

Four kinds of action are enumerated from the code itself, so a new one without an entry here
fails the suite (rongmei/organisation/tests/test_access_matrix.py):

- admin views: every URL pattern under ``/admin/`` whose view lives in a ``rongmei.`` module, plus a
  short list of Wagtail's own acts that matter to a newsroom (``WAGTAIL_ACTS``);
- API operations: every operation in the OpenAPI documents of the content API and the partner API;
- service acts: every public function of a ``rongmei/**/services.py`` module that takes the acting
  user (a parameter named as in ``ACTOR_PARAMETERS``);
- management commands of Rongmei's apps (run by the server operator from a shell, never by a role).

Each entry names the columns (``COLUMNS``) allowed; every other column is denied. The generated
table is docs/access-matrix.md (``rongmei access_matrix --write docs/access-matrix.md``).
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
from dataclasses import dataclass, field

from rongmei.organisation import roles

ANONYMOUS = "anonymous"
PARTNER = "partner"  # a partner center's API token (rongmei.partners), no session
ROLE_COLUMNS = tuple(role.code for role in roles.ALL_ROLES)
COLUMNS = (ANONYMOUS, *ROLE_COLUMNS, PARTNER)
# Admin views, services and commands take a person (or none), never a partner token: the token
# column is asked of the APIs only.
PERSON_COLUMNS = (ANONYMOUS, *ROLE_COLUMNS)


def columns_for(kind: str) -> tuple[str, ...]:
    return COLUMNS if kind == "api" else PERSON_COLUMNS


COLUMN_TITLES = {
    ANONYMOUS: "匿名 anonymous",
    PARTNER: "合作方令牌 partner token",
    **{role.code: f"{role.group_name} {role.code}" for role in roles.ALL_ROLES},
}
# The administrator role is held by superusers (the demo loader and production set both).
SUPERUSER_ROLE = roles.ADMIN.code

# Parameters through which a service function receives the person acting.
ACTOR_PARAMETERS = ("acting_user", "actor", "user", "by", "requested_by", "decided_by")


# --- who ----------------------------------------------------------------------------------------


def _roles_with(permission: str) -> frozenset[str]:
    app_label, codename = permission.split(".")
    found = {role.code for role in roles.ALL_ROLES if (app_label, codename) in role.permissions}
    return frozenset(found | {SUPERUSER_ROLE})


def _roles_with_page(action: str) -> frozenset[str]:
    found = {role.code for role in roles.ALL_ROLES if action in role.page_permissions}
    return frozenset(found | {SUPERUSER_ROLE})


@dataclass(frozen=True)
class Who:
    """The columns allowed, with the reason in words (shown in the generated table)."""

    allowed: frozenset[str]
    basis: str

    def __or__(self, other: Who) -> Who:
        return Who(self.allowed | other.allowed, f"{self.basis} or {other.basis}")


def perm(*permissions: str) -> Who:
    """Roles holding any of ``permissions`` (from roles.py), and the superuser administrator."""
    allowed = frozenset().union(*(_roles_with(p) for p in permissions))
    return Who(allowed, " / ".join(f"`{p}`" for p in permissions))


def page(action: str) -> Who:
    return Who(_roles_with_page(action), f"page `{action}`")


def only(*codes: str, basis: str = "") -> Who:
    unknown = set(codes) - set(COLUMNS)
    assert not unknown, f"unknown columns {unknown}"
    return Who(frozenset(codes), basis or "listed")


STAFF = Who(frozenset(ROLE_COLUMNS), "any newsroom role (admin access)")
SUPERUSER = Who(frozenset({SUPERUSER_ROLE}), "superuser")
EVERYONE = Who(frozenset(COLUMNS), "public")
NOBODY = Who(frozenset(), "nobody (operator's shell only)")
PARTNERS_ONLY = Who(frozenset({PARTNER}), "a partner token")
OTHERS_WORK = perm("newsroom.view_others_work_storypage")
PAGE_EDITORS = page("add")
IMAGES = perm("wagtailimages.change_image")
# Edit, transcode again, delete: an asset's uploader (who holds add) or who may change any.
VIDEO = perm("video.add_videoasset", "video.change_videoasset")
VIDEO_UPLOAD = perm("video.add_videoasset")
# 突发发布 is granted person by person (review/permissions.py): no role holds it, and a superuser
# does not imply it.
EMERGENCY = Who(frozenset(), "`review.emergency_publish`, granted to a person, never to a role")
# Not an act: a helper that records or formats for the services that call it (they check).
INTERNAL = Who(frozenset(), "not an act: a helper its callers check for")
# The person's own things (their notifications, their second factor): any signed-in role.
OWN = Who(frozenset(ROLE_COLUMNS), "the person's own (any role)")
# The reporter the assignment names (assignments are per person, not per role).
ASSIGNEE = Who(frozenset(ROLE_COLUMNS) - {"analyst"}, "the assignee named on the assignment")
# 三审: members of the level's group (初审编辑, 复审主任, 终审总编); never their own story, never two
# levels of one submission (review/permissions.py decision_barred_reason).
REVIEWERS = Who(
    frozenset({roles.EDITOR.code, roles.DIRECTOR.code, roles.CHIEF.code}),
    "the level's group (初审/复审/终审); not the author; not two levels of one submission",
)
# The public tips form (爆料): anyone, signed in or not.
PUBLIC_PEOPLE = Who(frozenset({ANONYMOUS, *ROLE_COLUMNS}), "anyone (the public tips form)")
# The outbox shows each sender's messages to whoever may see that sender's screen (core/outbox.py).
OUTBOX = Who(
    OTHERS_WORK.allowed | perm("monitoring.view_alert").allowed,
    "a sender's viewers: colleagues' work (distribution) or 舆情 alerts",
)


# --- entries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    who: Who
    # URL kwargs: values or names of fixture objects (``"@story"``: the world's story's pk).
    kwargs: dict = field(default_factory=dict)
    # "GET" or "POST" (an act whose GET is refused as a method)
    method: str = "GET"
    # POST data (values as kwargs: "@name" is a world object's pk)
    data: dict = field(default_factory=dict)
    # The allowed roles reach past the permission gate but the object is not built (404 counts).
    object_missing: bool = False
    # Instead of a request here: the test that covers this action (path::name); checked to exist.
    covered_by: str = ""
    # Services: "predicate" (called with each role's user alone) or "factory" (the test module's
    # SERVICE_CALLS gives the arguments); commands: what it does.
    call: str = ""
    note: str = ""


@dataclass(frozen=True)
class Action:
    kind: str  # "admin" / "wagtail" / "api" / "service" / "command"
    key: str  # route, operation id, dotted function, command name
    name: str = ""  # URL name, summary
    view: str = ""  # dotted view or function


# --- enumeration --------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        else:
            yield prefix + str(pattern.pattern), pattern, namespace


def _view_path(callback) -> str:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return f"{view_class.__module__}.{view_class.__qualname__}"
    return f"{callback.__module__}.{callback.__qualname__}"


def admin_actions() -> list[Action]:
    """Every URL pattern under /admin/ served by a Rongmei view, sorted by route: the resolver's order
    follows the order apps' hooks were imported in, which differs between a command and a test run."""
    from django.urls import get_resolver

    found = []
    for route, pattern, namespace in _walk(get_resolver().url_patterns):
        if not route.startswith("admin/"):
            continue
        view = _view_path(pattern.callback)
        if not view.startswith("rongmei."):
            continue
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
        found.append(Action("admin", route, name, view))
    return sorted(found, key=lambda action: (action.key, action.name, action.view))


def wagtail_actions() -> list[Action]:
    return [Action("wagtail", key, key) for key in WAGTAIL_ACTS]


def api_actions() -> list[Action]:
    """Every operation of the two OpenAPI documents: ``METHOD /path``, with the credential it asks."""
    found = []
    for api in _apis():
        schema = api.get_openapi_schema()
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                schemes = sorted({name for need in operation.get("security") or [] for name in need})
                found.append(
                    Action(
                        "api",
                        f"{method.upper()} {path}",
                        operation.get("summary", ""),
                        ", ".join(schemes) or "none (public)",
                    )
                )
    return found


def _apis():
    from rongmei.api.api import api as content_api
    from rongmei.partners.api import api as partner_api

    return [content_api, partner_api]


def service_modules() -> list[str]:
    root = pathlib.Path(__file__).resolve().parent.parent
    names = []
    for path in sorted(root.rglob("services.py")):
        relative = path.relative_to(root.parent).with_suffix("")
        if "tests" in relative.parts:
            continue
        names.append(".".join(relative.parts))
    return names


def actor_parameter(function) -> str | None:
    for name in inspect.signature(function).parameters:
        if name in ACTOR_PARAMETERS:
            return name
    return None


def service_actions() -> list[Action]:
    found = []
    for module_name in service_modules():
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameter = actor_parameter(function)
            if parameter is not None:
                found.append(Action("service", f"{module_name}.{name}", parameter, f"{module_name}.{name}"))
    return found


def command_actions() -> list[Action]:
    from django.core.management import get_commands

    return [
        Action("command", name, name, app)
        for name, app in sorted(get_commands().items())
        if app.startswith("rongmei.") or app == "rongmei"
    ]


def all_actions() -> list[Action]:
    return admin_actions() + wagtail_actions() + api_actions() + service_actions() + command_actions()


def entry_for(action: Action) -> Entry | None:
    return TABLES[action.kind].get(action.key)


# The declared tables follow; each is keyed as its enumeration is.
ADMIN_VIEWS: dict[str, Entry] = {
    "admin/pages/search/": Entry(PAGE_EDITORS),  #  VisiblePageSearchView
    "admin/pages/search/results/": Entry(PAGE_EDITORS),  #  VisiblePageSearchView
    "admin/choose-page/<int:parent_page_id>/": Entry(
        OTHERS_WORK, kwargs={"parent_page_id": "@story"}
    ),  #  VisibleChooserBrowseView
    "admin/reports/site-history/": Entry(
        STAFF, note="lists only the pages the person may see"
    ),  #  VisibleSiteHistoryView
    "admin/reports/site-history/results/": Entry(
        STAFF, note="lists only the pages the person may see"
    ),  #  VisibleSiteHistoryView
    "admin/reports/page-types-usage/": Entry(PAGE_EDITORS),  #  VisiblePageTypesUsageView
    "admin/reports/page-types-usage/results/": Entry(PAGE_EDITORS),  #  VisiblePageTypesUsageView
    "admin/api/main/^pages/": Entry(
        STAFF, note="answers only with the pages the person may see"
    ),  # wagtailadmin_api:pages:listing VisiblePagesAdminAPIViewSet
    "admin/api/main/^pages/<int:pk>/": Entry(
        OTHERS_WORK, kwargs={"pk": "@story"}
    ),  # wagtailadmin_api:pages:detail VisiblePagesAdminAPIViewSet
    "admin/api/main/^pages/find/": Entry(
        STAFF, object_missing=True, note="answers only with the pages the person may see"
    ),  # wagtailadmin_api:pages:find VisiblePagesAdminAPIViewSet
    "admin/api/main/^pages/<int:pk>/action/<str:action_name>/": Entry(
        STAFF, kwargs={"pk": 999999, "action_name": "x"}, object_missing=True, method="POST"
    ),  # wagtailadmin_api:pages:action VisiblePagesAdminAPIViewSet
    "admin/outbox/": Entry(OUTBOX),  # core_outbox OutboxView
    "admin/outbox/<int:pk>/retry/": Entry(
        OUTBOX, kwargs={"pk": 999999}, method="POST", object_missing=True
    ),  # core_outbox_retry OutboxRetryView
    "admin/review/history/<int:page_id>/": Entry(
        OTHERS_WORK, kwargs={"page_id": "@story"}
    ),  # review_history ReviewHistoryView
    "admin/review/decided/<int:task_state_id>/": Entry(
        STAFF, kwargs={"task_state_id": "@task_state"}, note="only reads the person's own decision"
    ),  # review_decided DecidedView
    "admin/review/emergency-publish/<int:page_id>/": Entry(
        EMERGENCY, kwargs={"page_id": "@story"}
    ),  # review_emergency_publish EmergencyPublishView
    "admin/reports/emergency-publications/": Entry(
        perm("review.view_emergencypublication")
    ),  # review_emergency_report EmergencyPublicationReportView
    "admin/reports/emergency-publications/results/": Entry(
        perm("review.view_emergencypublication")
    ),  # review_emergency_report_results EmergencyPublicationReportView
    "admin/proofing/lists/<int:pk>/import/": Entry(
        perm("proofing.add_term"), kwargs={"pk": "@word_list"}
    ),  # proofing_import_terms ImportTermsView
    "admin/proofing/lists/<int:pk>/export/<str:fmt>/": Entry(
        perm("proofing.view_wordlist"), kwargs={"pk": "@word_list", "fmt": "csv"}
    ),  # proofing_export_terms export_terms
    "admin/proofing/story/<int:page_id>/": Entry(
        OTHERS_WORK, kwargs={"page_id": "@story"}
    ),  # proofing_story StoryProofingView
    "admin/proofing/report/": Entry(perm("proofing.view_proofcheck")),  # proofing_report ProofingReportView
    "admin/guide/": Entry(STAFF),  # rongmei_guide guide_view
    "admin/guide/<slug:name>/": Entry(STAFF, kwargs={"name": "index"}),  # rongmei_guide_page guide_view
    "admin/distribution/": Entry(OTHERS_WORK),  # distribution_board BoardView
    "admin/distribution/status/<int:pk>/retry/": Entry(
        perm("distribution.view_storychannelstatus"),
        kwargs={"pk": 999999},
        method="POST",
        object_missing=True,
    ),  # distribution_retry RetryView
    "admin/distribution/status/<int:pk>/done/": Entry(
        perm("distribution.view_storychannelstatus"),
        kwargs={"pk": 999999},
        object_missing=True,
        method="POST",
    ),  # distribution_done_by_hand CompleteByHandView
    "admin/distribution/story/<int:page_id>/": Entry(
        OTHERS_WORK, kwargs={"page_id": "@story"}
    ),  # distribution_story StoryDistributionView
    "admin/distribution/versions/": Entry(
        perm("distribution.view_storychannelversion")
    ),  # distribution_versions ChannelVersionsView
    "admin/distribution/xuexi/<int:pk>/": Entry(
        perm("distribution.view_storychannelstatus"), kwargs={"pk": 999999}, object_missing=True
    ),  # distribution_xuexi XuexiStatusView
    "admin/distribution/xuexi/<int:pk>/package/": Entry(
        perm("distribution.view_storychannelstatus"), kwargs={"pk": 999999}, object_missing=True
    ),  # distribution_xuexi_package package_download
    "admin/distribution/xuexi/<int:pk>/package/make/": Entry(
        perm("distribution.view_storychannelstatus"),
        kwargs={"pk": 999999},
        method="POST",
        object_missing=True,
    ),  # distribution_xuexi_rebuild RebuildPackageView
    "admin/distribution/xuexi/<int:pk>/done/": Entry(
        perm("distribution.view_storychannelstatus"),
        kwargs={"pk": 999999},
        method="POST",
        object_missing=True,
    ),  # distribution_xuexi_done MarkDoneView
    "admin/media-library/": Entry(
        STAFF, note="each role sees what it may choose"
    ),  # media_library LibraryView
    "admin/media-library/images/<int:image_id>/crops/": Entry(
        IMAGES, kwargs={"image_id": "@image"}
    ),  # media_channel_crops CropsView
    "admin/media-library/images/<int:image_id>/crops/<str:key>/": Entry(
        IMAGES, kwargs={"image_id": "@image", "key": "social_card"}, method="POST"
    ),  # media_channel_crop_save SaveCropView
    "admin/media-library/images/<int:image_id>/crops/<str:key>/reset/": Entry(
        IMAGES, kwargs={"image_id": "@image", "key": "social_card"}, method="POST"
    ),  # media_channel_crop_reset ResetCropView
    "admin/video/": Entry(VIDEO),  # video_index LibraryView
    "admin/video/status/": Entry(VIDEO),  # video_status StatusView
    "admin/video/upload/": Entry(VIDEO),  # video_upload UploadPage
    # an empty upload is refused on input (400) after the gate
    "admin/video/uploads/": Entry(VIDEO, method="POST", object_missing=True),  # video_upload_start
    "admin/video/uploads/<uuid:upload_id>/": Entry(
        VIDEO_UPLOAD,
        kwargs={"upload_id": "00000000-0000-0000-0000-000000000000"},
        method="POST",
        object_missing=True,
    ),  # video_upload_chunk UploadChunkView
    "admin/video/uploads/<uuid:upload_id>/forget/": Entry(
        VIDEO_UPLOAD,
        kwargs={"upload_id": "00000000-0000-0000-0000-000000000000"},
        method="POST",
        object_missing=True,
    ),  # video_upload_forget UploadForgetView
    "admin/video/<str:kind>/<int:pk>/": Entry(
        VIDEO, kwargs={"kind": "video", "pk": 999999}, object_missing=True
    ),  # video_edit EditView
    "admin/video/<str:kind>/<int:pk>/transcode/": Entry(
        VIDEO, kwargs={"kind": "video", "pk": 999999}, method="POST", object_missing=True
    ),  # video_transcode TranscodeAgainView
    "admin/video/<str:kind>/<int:pk>/delete/": Entry(
        VIDEO, kwargs={"kind": "video", "pk": 999999}, method="POST", object_missing=True
    ),  # video_delete DeleteView
    "admin/printing/": Entry(perm("printing.view_printissue")),  # printing_issues IssueListView
    "admin/printing/<int:pk>/": Entry(
        perm("printing.view_printissue"), kwargs={"pk": "@print_issue"}
    ),  # printing_issue IssueView
    "admin/printing/page/<int:pk>/export/": Entry(
        perm("printing.view_printissue"), kwargs={"pk": "@print_page"}, method="POST"
    ),  # printing_export ExportPageView
    "admin/printing/story/<int:page_id>/": Entry(
        perm("printing.view_printissue"), kwargs={"page_id": "@story"}
    ),  # printing_story StoryPrintView
    "admin/neican/": Entry(perm("neican.view_neican")),  # neican_issues IssueIndexView
    "admin/neican/new/": Entry(perm("neican.view_neican")),  # neican_issue_add IssueFormView
    "admin/neican/<int:pk>/": Entry(
        perm("neican.view_neican"), kwargs={"pk": "@neican_issue"}
    ),  # neican_issue IssueView
    "admin/neican/<int:pk>/edit/": Entry(
        perm("neican.view_neican"), kwargs={"pk": "@neican_issue"}
    ),  # neican_issue_edit IssueFormView
    "admin/neican/<int:pk>/<slug:act>/": Entry(
        perm("neican.approve_neican"), kwargs={"pk": "@neican_issue", "act": "approve"}, method="POST"
    ),  # neican_issue_act IssueActView
    "admin/neican/<int:pk>/copies/make/": Entry(
        perm("neican.view_neican"), kwargs={"pk": "@neican_issue"}, method="POST"
    ),  # neican_generate GenerateCopiesView
    "admin/neican/<int:issue_pk>/articles/new/": Entry(
        perm("neican.view_neican"), kwargs={"issue_pk": "@neican_issue"}
    ),  # neican_article_add ArticleFormView
    "admin/neican/<int:issue_pk>/articles/from-story/": Entry(
        perm("neican.view_neican"), kwargs={"issue_pk": "@neican_issue"}, method="POST"
    ),  # neican_article_from_story ArticleFromStoryView
    "admin/neican/articles/<int:pk>/": Entry(
        perm("neican.view_neican"), kwargs={"pk": 999999}, object_missing=True
    ),  # neican_article_edit ArticleFormView
    "admin/neican/articles/<int:pk>/<slug:act>/": Entry(
        perm("neican.view_neican"), kwargs={"pk": 999999, "act": "x"}, method="POST", object_missing=True
    ),  # neican_article_act ArticleActView
    "admin/neican/copies/<int:pk>/download/": Entry(
        perm("neican.view_neican"), kwargs={"pk": 999999}, object_missing=True, method="POST"
    ),  # neican_copy_download CopyDownloadView
    "admin/neican/copies/<int:pk>/received/": Entry(
        perm("neican.view_neican"), kwargs={"pk": 999999}, method="POST", object_missing=True
    ),  # neican_copy_received CopyReceivedView
    "admin/neican/recipients/": Entry(perm("neican.view_neican")),  # neican_recipients RecipientIndexView
    "admin/neican/recipients/new/": Entry(
        perm("neican.view_neican")
    ),  # neican_recipient_add RecipientFormView
    "admin/neican/recipients/<int:pk>/": Entry(
        perm("neican.view_neican"), kwargs={"pk": 999999}, object_missing=True
    ),  # neican_recipient_edit RecipientFormView
    "admin/partners/": Entry(perm("partners.manage_partner")),  # partners_index PartnerListView
    "admin/partners/add/": Entry(perm("partners.manage_partner")),  # partners_add PartnerCreateView
    "admin/partners/<int:pk>/": Entry(
        perm("partners.manage_partner"), kwargs={"pk": "@partner"}
    ),  # partners_edit PartnerEditView
    "admin/partners/<int:pk>/tokens/": Entry(
        perm("partners.manage_partner"), kwargs={"pk": "@partner"}, method="POST"
    ),  # partners_token_add CreateTokenView
    "admin/partners/<int:pk>/secret/": Entry(
        perm("partners.manage_partner"), kwargs={"pk": "@partner"}, method="POST"
    ),  # partners_secret SetSecretView
    "admin/partners/tokens/<int:pk>/revoke/": Entry(
        perm("partners.manage_partner"), kwargs={"pk": "@token"}, method="POST"
    ),  # partners_token_revoke RevokeTokenView
    "admin/wire/": Entry(perm("wire.view_wireitem")),  # wire_items WireListView
    "admin/wire/item/<int:pk>/": Entry(
        perm("wire.view_wireitem"), kwargs={"pk": 999999}, object_missing=True
    ),  # wire_item WireItemView
    "admin/wire/item/<int:pk>/adopt/": Entry(
        perm("wire.view_wireitem"), kwargs={"pk": 999999}, method="POST", object_missing=True
    ),  # wire_adopt AdoptView
    "admin/wire/item/<int:pk>/ignore/": Entry(
        perm("wire.view_wireitem"), kwargs={"pk": 999999}, method="POST", object_missing=True
    ),  # wire_ignore IgnoreView
    "admin/wire/sources/": Entry(perm("wire.view_wiresource")),  # wire_sources SourcesView
    "admin/wire/sources/fetch/": Entry(
        perm("wire.fetch_wiresource"), method="POST"
    ),  # wire_fetch_all FetchNowView
    "admin/wire/sources/<int:pk>/fetch/": Entry(
        perm("wire.fetch_wiresource"), kwargs={"pk": "@wire_source"}, method="POST"
    ),  # wire_fetch_source FetchNowView
    "admin/planning/": Entry(perm("planning.view_topic")),  # planning_board BoardView
    "admin/planning/topics/new/": Entry(perm("planning.view_topic")),  # planning_propose ProposeView
    "admin/planning/topics/<int:pk>/": Entry(
        perm("planning.view_topic"), kwargs={"pk": "@topic"}
    ),  # planning_topic TopicView
    "admin/planning/topics/<int:pk>/edit/": Entry(
        perm("planning.view_topic"), kwargs={"pk": "@topic"}
    ),  # planning_topic_edit TopicEditView
    "admin/planning/topics/<int:pk>/decide/": Entry(
        perm("planning.decide_topic"), kwargs={"pk": "@topic"}, method="POST", data={"decision": "approve"}
    ),  # planning_topic_decide DecideView
    "admin/planning/topics/<int:pk>/assign/": Entry(
        perm("planning.decide_topic"),
        kwargs={"pk": "@topic"},
        method="POST",
        data={"format": "text", "assignee": "@reporter", "deadline": "2026-12-31 18:00"},
    ),  # planning_topic_assign AssignView
    "admin/planning/topics/<int:pk>/move/": Entry(
        perm("planning.view_topic"), kwargs={"pk": "@topic"}, method="POST"
    ),  # planning_topic_move MoveTopicView
    "admin/planning/mine/": Entry(perm("planning.view_topic")),  # planning_my_assignments MyAssignmentsView
    "admin/planning/assignments/": Entry(perm("planning.view_topic")),  # planning_assignments AssignmentsView
    "admin/planning/assignments/<int:pk>/write/": Entry(
        perm("planning.view_topic"), kwargs={"pk": 999999}, object_missing=True, method="POST"
    ),  # planning_assignment_write StartStoryView
    "admin/planning/assignments/<int:pk>/<slug:act>/": Entry(
        perm("planning.view_topic"), kwargs={"pk": 999999, "act": "x"}, method="POST", object_missing=True
    ),  # planning_assignment_act AssignmentActView
    "admin/planning/calendar/": Entry(perm("planning.view_topic")),  # planning_calendar CalendarView
    "admin/planning/calendar/new/": Entry(
        perm("planning.add_plannedevent")
    ),  # planning_event_add EventFormView
    "admin/planning/calendar/<int:pk>/": Entry(
        perm("planning.add_plannedevent"), kwargs={"pk": 999999}, object_missing=True
    ),  # planning_event_edit EventFormView
    "admin/planning/calendar/export.ics": Entry(
        perm("planning.view_topic")
    ),  # planning_calendar_export ExportView
    "admin/planning/calendar/import/": Entry(
        perm("planning.add_plannedevent")
    ),  # planning_calendar_import ImportView
    "admin/campaigns/": Entry(perm("campaigns.view_campaign")),  # campaigns:index IndexView
    "admin/campaigns/new/": Entry(perm("campaigns.manage_campaign")),  # campaigns:add FormView
    "admin/campaigns/<int:pk>/": Entry(
        perm("campaigns.view_campaign"), kwargs={"pk": "@campaign"}
    ),  # campaigns:detail DetailView
    "admin/campaigns/<int:pk>/edit/": Entry(
        perm("campaigns.manage_campaign"), kwargs={"pk": "@campaign"}
    ),  # campaigns:edit FormView
    "admin/campaigns/<int:pk>/topic-page/": Entry(
        perm("campaigns.manage_campaign"), kwargs={"pk": "@campaign"}, method="POST"
    ),  # campaigns:create_topic_page CreateTopicPageView
    "admin/campaigns/<int:pk>/topics/": Entry(
        perm("campaigns.manage_campaign"),
        kwargs={"pk": "@campaign"},
        method="POST",
        data={"topics": "@topic"},
    ),  # campaigns:attach_topics AttachTopicsView
    "admin/campaigns/<int:pk>/topics/<int:topic_pk>/detach/": Entry(
        perm("campaigns.manage_campaign"),
        kwargs={"pk": "@campaign", "topic_pk": 999999},
        method="POST",
        object_missing=True,
    ),  # campaigns:detach_topic DetachTopicView
    "admin/tips/": Entry(perm("tips.desk_tip")),  # tips_desk DeskView
    "admin/tips/mine/": Entry(STAFF, note="only the tips assigned to the person"),  # tips_mine MineView
    "admin/tips/hotline/": Entry(perm("tips.desk_tip")),  # tips_hotline HotlineView
    "admin/tips/rewards/": Entry(perm("tips.desk_tip")),  # tips_rewards RewardsView
    "admin/tips/rewards/export/": Entry(
        perm("tips.desk_tip"), method="POST"
    ),  # tips_rewards_export RewardsExportView
    "admin/tips/<int:pk>/": Entry(perm("tips.desk_tip"), kwargs={"pk": "@tip"}),  # tips_tip TipView
    "admin/tips/<int:pk>/contact/": Entry(
        perm("tips.desk_tip"), kwargs={"pk": "@tip"}, method="POST"
    ),  # tips_contact ContactView
    "admin/tips/<int:pk>/act/<slug:act>/": Entry(
        perm("tips.desk_tip"), kwargs={"pk": "@tip", "act": "note"}, method="POST", data={"note": "矩阵备注"}
    ),  # tips_act TipActView
    "admin/tips/attachments/<int:pk>/download/": Entry(
        perm("tips.desk_tip"), kwargs={"pk": 999999}, object_missing=True
    ),  # tips_attachment AttachmentView
    "admin/command/": Entry(perm("command.view_dashboard")),  # command_dashboard DashboardView
    "admin/command/panels/": Entry(perm("command.view_dashboard")),  # command_panels PanelsView
    "admin/snippets/proofing/wordlist/": Entry(
        perm("proofing.view_wordlist")
    ),  # wagtailsnippets_proofing_wordlist:list WordListIndexView
    "admin/snippets/proofing/wordlist/results/": Entry(
        perm("proofing.view_wordlist")
    ),  # wagtailsnippets_proofing_wordlist:list_results WordListIndexView
    "admin/monitoring/events/": Entry(perm("monitoring.view_source")),  # monitoring_events:index EventsView
    "admin/monitoring/events/<int:pk>/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": "@mon_event"}
    ),  # monitoring_events:detail EventDetailView
    "admin/monitoring/matches/": Entry(
        perm("monitoring.view_source")
    ),  # monitoring_matches:index MatchedItemsView
    "admin/monitoring/rules/try/": Entry(
        perm("monitoring.view_source")
    ),  # monitoring_matches:rule_trial RuleTrialView
    "admin/monitoring/alerts/": Entry(perm("monitoring.view_source")),  # monitoring_alerts:index AlertsView
    "admin/monitoring/alerts/deliveries/<int:pk>/retry/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": 999999}, method="POST", object_missing=True
    ),  # monitoring_alerts:retry RetryDeliveryView
    "admin/monitoring/notifications/read/": Entry(
        STAFF, method="POST", note="marks the person's own notifications read"
    ),  # monitoring_alerts:notifications_read MarkNotificationsReadView
    "admin/monitoring/cases/": Entry(perm("monitoring.view_source")),  # monitoring_cases:index CaseBoardView
    "admin/monitoring/cases/<int:pk>/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": 999999}, object_missing=True
    ),  # monitoring_cases:case CaseView
    "admin/monitoring/alerts/<int:pk>/case/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": 999999}, object_missing=True, method="POST"
    ),  # monitoring_cases:open_from_alert OpenCaseView
    "admin/monitoring/reports/": Entry(
        perm("monitoring.view_source")
    ),  # monitoring_reports:index ReportsView
    "admin/monitoring/reports/<int:pk>/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": 999999}, object_missing=True
    ),  # monitoring_reports:html report_html
    "admin/monitoring/reports/<int:pk>/pdf/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": 999999}, object_missing=True
    ),  # monitoring_reports:pdf report_pdf
    "admin/monitoring/reports/<int:pk>/email/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": 999999}, method="POST", object_missing=True
    ),  # monitoring_reports:email EmailReportView
    "admin/monitoring/reprints/": Entry(
        perm("monitoring.view_source")
    ),  # monitoring_reprints:index ReprintsView
    "admin/snippets/monitoring/watchrule/": Entry(
        perm("monitoring.view_source")
    ),  # wagtailsnippets_monitoring_watchrule:list WatchRuleIndexView
    "admin/snippets/monitoring/watchrule/results/": Entry(
        perm("monitoring.view_source")
    ),  # wagtailsnippets_monitoring_watchrule:list_results WatchRuleIndexView
    "admin/snippets/monitoring/watchrule/edit/<int:pk>/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": 999999}, object_missing=True
    ),  # wagtailsnippets_monitoring_watchrule:edit WatchRuleEditView
    "admin/snippets/monitoring/source/": Entry(
        perm("monitoring.view_source")
    ),  # wagtailsnippets_monitoring_source:list SourceIndexView
    "admin/snippets/monitoring/source/results/": Entry(
        perm("monitoring.view_source")
    ),  # wagtailsnippets_monitoring_source:list_results SourceIndexView
    "admin/monitoring/health/": Entry(
        perm("monitoring.view_source")
    ),  # monitoring_sources:health SourceHealthView
    "admin/monitoring/sources/import/": Entry(
        perm("monitoring.view_source")
    ),  # monitoring_sources:import SourceImportView
    "admin/monitoring/sources/fetch/": Entry(
        perm("monitoring.view_source"), method="POST"
    ),  # monitoring_sources:fetch_all FetchAllNowView
    "admin/monitoring/sources/<int:pk>/fetch/": Entry(
        perm("monitoring.view_source"), kwargs={"pk": "@mon_source"}, method="POST"
    ),  # monitoring_sources:fetch FetchSourceNowView
    "admin/snippets/proofing/term/add/": Entry(
        perm("proofing.add_term")
    ),  # wagtailsnippets_proofing_term:add TermCreateView
    "admin/snippets/proofing/term/edit/<int:pk>/": Entry(
        perm("proofing.add_term"), kwargs={"pk": 999999}, object_missing=True
    ),  # wagtailsnippets_proofing_term:edit TermEditView
    "admin/video-chooser/": Entry(VIDEO),  # video_chooser:choose VideoChooseView
    "admin/video-chooser/results/": Entry(VIDEO),  # video_chooser:choose_results VideoChooseResultsView
    "admin/audio-chooser/": Entry(VIDEO),  # audio_chooser:choose VideoChooseView
    "admin/audio-chooser/results/": Entry(VIDEO),  # audio_chooser:choose_results VideoChooseResultsView
    "admin/second-factor/": Entry(OWN, note="the person's own second factor (issue 15)"),
    "admin/second-factor-reset/<int:user_id>/": Entry(
        SUPERUSER, kwargs={"user_id": "@reporter"}, method="POST"
    ),
    "admin/users/": Entry(SUPERUSER),  # wagtailusers_users:index IndexView
    "admin/users/results/": Entry(SUPERUSER),  # wagtailusers_users:index_results IndexView
}
# Wagtail's own screens: the acts a newsroom cares about, asked like Rongmei's. The rest of
# Wagtail's admin follows the same Django and page permissions the roles hold (roles.py); they are
# not listed one by one (docs/decisions/0041-access-matrix.md).
WAGTAIL_ACTS: dict[str, Entry] = {
    "wagtailadmin_home": Entry(STAFF, note="the dashboard"),
    "wagtailadmin_pages:add_subpage": Entry(PAGE_EDITORS, kwargs={"parent_page_id": "@section"}),
    "wagtailadmin_pages:add": Entry(
        PAGE_EDITORS,
        kwargs={
            "content_type_app_name": "newsroom",
            "content_type_model_name": "storypage",
            "parent_page_id": "@section",
        },
    ),
    "wagtailadmin_pages:edit": Entry(
        page("change"), kwargs={"page_id": "@story"}, note="a colleague's story in 三审"
    ),
    "wagtailadmin_pages:unpublish": Entry(page("publish"), kwargs={"page_id": "@live_story"}),
    # Wagtail's rule: a page never published is deleted by whoever may change it; a live one
    # needs publish. The story asked about is a draft in 三审.
    "wagtailadmin_pages:delete": Entry(page("change"), kwargs={"page_id": "@story"}, note="a draft"),
    # Moving needs publish on the page (Wagtail).
    "wagtailadmin_pages:move": Entry(page("publish"), kwargs={"page_to_move_id": "@live_story"}),
    "wagtailusers_groups:index": Entry(SUPERUSER),
    "wagtailadmin_workflows:index": Entry(SUPERUSER),
    "wagtailsites:index": Entry(SUPERUSER),
    "wagtailsettings:edit": Entry(
        perm("tips.change_tipssettings"),
        kwargs={"app_name": "tips", "model_name": "tipssettings", "pk": "@tips_settings"},
    ),
}
# The content API is public by design (the website's and the app's readers); the partner API
# answers only a partner center's token, never a staff session.
_PUBLIC_API = "public read API: published stories only"
_PARTNER_API = "partner token (PartnerBearer); sessions are not credentials here"
API_OPERATIONS: dict[str, Entry] = {
    "GET /api/v1/items": Entry(EVERYONE, note=_PUBLIC_API),
    "GET /api/v1/items/{story_id}": Entry(EVERYONE, kwargs={"story_id": "@live_story"}, note=_PUBLIC_API),
    "GET /api/v1/sections": Entry(EVERYONE, note=_PUBLIC_API),
    "GET /api/v1/sections/{section_id}/items": Entry(
        EVERYONE, kwargs={"section_id": "@section"}, note=_PUBLIC_API
    ),
    "GET /api/v1/topics": Entry(EVERYONE, note=_PUBLIC_API),
    "GET /api/v1/topics/{topic_id}/items": Entry(
        EVERYONE, kwargs={"topic_id": "@topic_page"}, note=_PUBLIC_API
    ),
    "GET /api/v1/regions": Entry(EVERYONE, note=_PUBLIC_API),
    "GET /api/v1/regions/{slug}/items": Entry(EVERYONE, kwargs={"slug": "zibo"}, note=_PUBLIC_API),
    "GET /partners/api/v1/items": Entry(PARTNERS_ONLY, note=_PARTNER_API),
    "GET /partners/api/v1/items/{story_id}": Entry(
        PARTNERS_ONLY, kwargs={"story_id": "@live_story"}, note=_PARTNER_API
    ),
}
SERVICE_ACTS: dict[str, Entry] = {
    "rongmei.accounts.services.confirmed_totp": Entry(OWN, call="factory"),
    "rongmei.accounts.services.enrol_totp": Entry(
        OWN,
        covered_by="rongmei/accounts/tests/test_second_factor.py::test_a_key_signed_for_someone_else_is_refused",
    ),
    "rongmei.accounts.services.has_second_factor": Entry(
        OWN,
        covered_by="rongmei/accounts/tests/test_second_factor.py::test_turning_it_off_needs_a_current_code",
    ),
    "rongmei.accounts.services.key_from_signed": Entry(OWN, call="factory"),
    "rongmei.accounts.services.may_reset": Entry(SUPERUSER, call="factory"),
    "rongmei.accounts.services.new_enrolment_key": Entry(
        OWN,
        covered_by="rongmei/accounts/tests/test_second_factor.py::test_a_key_signed_for_someone_else_is_refused",
    ),
    "rongmei.accounts.services.otpauth_url": Entry(OWN, call="factory"),
    "rongmei.accounts.services.recovery_codes_left": Entry(OWN, call="factory"),
    "rongmei.accounts.services.renew_recovery_codes": Entry(OWN, call="factory"),
    "rongmei.accounts.services.reset_second_factor": Entry(SUPERUSER, call="factory"),
    "rongmei.accounts.services.turn_off": Entry(
        OWN,
        covered_by="rongmei/accounts/tests/test_second_factor.py::test_required_role_is_sent_to_enrolment_and_blocked_elsewhere",
    ),
    "rongmei.accounts.services.verify_second_factor": Entry(OWN, call="factory"),
    "rongmei.campaigns.services.attach_topics": Entry(perm("campaigns.manage_campaign"), call="factory"),
    "rongmei.campaigns.services.create_campaign": Entry(perm("campaigns.manage_campaign"), call="factory"),
    "rongmei.campaigns.services.create_topic_page": Entry(
        perm("campaigns.manage_campaign"),
        covered_by="rongmei/campaigns/tests/test_services.py::test_the_topic_page_refuses_bad_addresses_and_those_taken",
    ),
    "rongmei.campaigns.services.detach_topic": Entry(
        perm("campaigns.manage_campaign"), call="factory", object_missing=True
    ),
    "rongmei.campaigns.services.link_topic_page": Entry(perm("campaigns.manage_campaign"), call="factory"),
    "rongmei.campaigns.services.require_manage": Entry(perm("campaigns.manage_campaign"), call="predicate"),
    "rongmei.campaigns.services.require_view": Entry(perm("campaigns.view_campaign"), call="predicate"),
    "rongmei.campaigns.services.update_campaign": Entry(
        perm("campaigns.manage_campaign"),
        covered_by="rongmei/campaigns/tests/test_services.py::test_update_changes_and_logs_only_what_changed",
    ),
    "rongmei.distribution.services.board": Entry(OTHERS_WORK, call="factory"),
    # asked of a live story: whoever sees colleagues' work and may edit the story (distribution/permissions.py)
    "rongmei.distribution.services.complete_by_hand": Entry(
        Who(
            (OTHERS_WORK.allowed & page("change").allowed) | perm("distribution.change_storychannelstatus").allowed,
            "sees colleagues' work and may edit the story (page `change`), or `distribution.change_storychannelstatus`",
        ),
        call="factory",
    ),
    "rongmei.distribution.services.retry": Entry(
        perm("distribution.view_storychannelstatus"),
        covered_by="rongmei/distribution/tests/test_admin.py::test_retry_permission_is_checked_in_the_service",
    ),
    "rongmei.media.services.may_crop": Entry(IMAGES, call="factory"),
    "rongmei.media.services.reset_channel_crop": Entry(
        IMAGES,
        covered_by="rongmei/media/tests/test_channel_crops_admin.py::test_someone_who_may_not_edit_the_picture_may_not_crop_it",
    ),
    "rongmei.media.services.set_channel_crop": Entry(
        IMAGES,
        covered_by="rongmei/media/tests/test_channel_crops_admin.py::test_a_wrong_box_is_refused_with_a_message",
    ),
    "rongmei.monitoring.alerts.services.mark_read": Entry(OWN, call="factory"),
    "rongmei.monitoring.alerts.services.retry_now": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_alerts.py::test_only_people_who_may_change_rules_retry_a_delivery",
    ),
    "rongmei.monitoring.alerts.services.unread_notifications": Entry(OWN, call="factory"),
    "rongmei.monitoring.cases.services.add_note": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_cases.py::test_other_refusals",
    ),
    "rongmei.monitoring.cases.services.change_owner": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_cases.py::test_other_refusals",
    ),
    "rongmei.monitoring.cases.services.link_item": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_cases.py::test_other_refusals",
    ),
    "rongmei.monitoring.cases.services.move_case": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_cases.py::test_refused_moves",
    ),
    "rongmei.monitoring.cases.services.open_case": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_cases.py::test_every_act_on_a_case_needs_the_right_whoever_calls",
    ),
    "rongmei.monitoring.cases.services.open_case_from_alert": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_cases.py::test_refused_moves",
    ),
    "rongmei.monitoring.cases.services.record_response": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_cases.py::test_other_refusals",
    ),
    "rongmei.monitoring.reports.services.email_report": Entry(perm("monitoring.view_source"), call="factory"),
    "rongmei.monitoring.reports.services.generate_report": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_reports.py::test_report_pdf_download_checks_the_permission_and_streams_an_attachment",
    ),
    "rongmei.monitoring.reports.services.report_pdf_download": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_reports.py::test_report_pdf_download_checks_the_permission_and_streams_an_attachment",
    ),
    "rongmei.monitoring.sources.services.queue_fetch_now": Entry(
        perm("monitoring.view_source"),
        covered_by="rongmei/monitoring/tests/test_source_import.py::test_importing_and_fetching_now_need_the_right_whoever_calls",
    ),
    "rongmei.neican.services.approve_issue": Entry(
        perm("neican.approve_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_services_refuse_staff_without_the_permission",
    ),
    "rongmei.neican.services.article_from_story": Entry(
        perm("neican.manage_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_article_from_a_story_the_user_may_not_read_is_refused",
    ),
    "rongmei.neican.services.can_approve": Entry(perm("neican.approve_neican"), call="predicate"),
    "rongmei.neican.services.can_manage": Entry(perm("neican.manage_neican"), call="predicate"),
    "rongmei.neican.services.can_view": Entry(perm("neican.view_neican"), call="predicate"),
    "rongmei.neican.services.copies_of": Entry(perm("neican.view_neican"), call="factory"),
    "rongmei.neican.services.copy_download": Entry(
        perm("neican.view_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_services_refuse_staff_without_the_permission",
    ),
    "rongmei.neican.services.create_issue": Entry(
        perm("neican.manage_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_services_refuse_staff_without_the_permission",
    ),
    "rongmei.neican.services.delete_article": Entry(perm("neican.manage_neican"), call="factory"),
    "rongmei.neican.services.events_of": Entry(perm("neican.view_neican"), call="factory"),
    "rongmei.neican.services.generate_copies": Entry(
        perm("neican.manage_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_services_refuse_staff_without_the_permission",
    ),
    "rongmei.neican.services.issue_for": Entry(perm("neican.view_neican"), call="factory"),
    "rongmei.neican.services.issues_for": Entry(
        perm("neican.view_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_services_refuse_staff_without_the_permission",
    ),
    "rongmei.neican.services.move_article": Entry(perm("neican.manage_neican"), call="factory"),
    "rongmei.neican.services.recipients_for": Entry(perm("neican.view_neican"), call="factory"),
    "rongmei.neican.services.record": Entry(INTERNAL),
    "rongmei.neican.services.record_received": Entry(
        perm("neican.manage_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_services_refuse_staff_without_the_permission",
    ),
    "rongmei.neican.services.reopen_issue": Entry(
        perm("neican.approve_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_an_approved_issue_is_fixed_and_reopens_only_without_copies",
    ),
    "rongmei.neican.services.require_approve": Entry(perm("neican.approve_neican"), call="predicate"),
    "rongmei.neican.services.require_manage": Entry(perm("neican.manage_neican"), call="predicate"),
    "rongmei.neican.services.require_view": Entry(perm("neican.view_neican"), call="predicate"),
    "rongmei.neican.services.save_article": Entry(
        perm("neican.manage_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_an_approved_issue_is_fixed_and_reopens_only_without_copies",
    ),
    "rongmei.neican.services.save_recipient": Entry(perm("neican.manage_neican"), call="factory"),
    "rongmei.neican.services.story_source_for": Entry(
        OTHERS_WORK,
        call="factory",
        note="asked of a story in review; a live story's published text is public",
    ),
    "rongmei.neican.services.update_issue": Entry(
        perm("neican.manage_neican"),
        covered_by="rongmei/neican/tests/test_neican.py::test_an_approved_issue_is_fixed_and_reopens_only_without_copies",
    ),
    "rongmei.newsroom.services.correct": Entry(
        page("publish"),
        covered_by="rongmei/newsroom/tests/test_story_events.py::test_correct_and_retract_refuse_what_they_cannot_do",
    ),
    "rongmei.newsroom.services.retract": Entry(
        page("publish"),
        covered_by="rongmei/newsroom/tests/test_story_events.py::test_correct_and_retract_refuse_what_they_cannot_do",
    ),
    "rongmei.newsroom.services.story_published": Entry(INTERNAL),
    "rongmei.newsroom.services.story_unpublished": Entry(INTERNAL),
    "rongmei.newsroom.services.unpublish": Entry(
        page("publish"),
        covered_by="rongmei/newsroom/tests/test_story_events.py::test_unpublish_service_needs_publish_permission_and_records_the_reason",
    ),
    "rongmei.partners.services.can_manage": Entry(perm("partners.manage_partner"), call="predicate"),
    "rongmei.partners.services.create_token": Entry(
        perm("partners.manage_partner"),
        covered_by="rongmei/partners/tests/test_push.py::test_only_managers_change_partners",
    ),
    "rongmei.partners.services.revoke_token": Entry(perm("partners.manage_partner"), call="factory"),
    "rongmei.partners.services.save_partner": Entry(
        perm("partners.manage_partner"),
        covered_by="rongmei/partners/tests/test_push.py::test_only_managers_change_partners",
    ),
    "rongmei.partners.services.set_signing_secret": Entry(
        perm("partners.manage_partner"),
        covered_by="rongmei/partners/tests/test_push.py::test_only_managers_change_partners",
    ),
    "rongmei.planning.services.accept_assignment": Entry(ASSIGNEE, call="factory"),
    "rongmei.planning.services.allowed_moves": Entry(
        perm("planning.decide_topic", "planning.decide_any_topic"),
        call="factory",
        note="asked of a proposed topic of someone else's (its proposer may withdraw it)",
    ),
    "rongmei.planning.services.assign": Entry(
        perm("planning.decide_topic"),
        covered_by="rongmei/planning/tests/test_services.py::test_assign_needs_an_approved_topic_and_a_deciding_role",
    ),
    "rongmei.planning.services.cancel_assignment": Entry(
        perm("planning.decide_topic"),
        covered_by="rongmei/planning/tests/test_services.py::test_finish_and_cancel_are_for_the_director",
    ),
    "rongmei.planning.services.decide_topic": Entry(
        perm("planning.decide_topic"),
        covered_by="rongmei/planning/tests/test_services.py::test_another_departments_director_may_not_decide",
    ),
    "rongmei.planning.services.display_name": Entry(INTERNAL),
    "rongmei.planning.services.file_story": Entry(ASSIGNEE, call="factory"),
    "rongmei.planning.services.finish_assignment": Entry(
        perm("planning.decide_topic"),
        covered_by="rongmei/planning/tests/test_services.py::test_finish_and_cancel_are_for_the_director",
    ),
    "rongmei.planning.services.propose_topic": Entry(
        perm("planning.add_topic"),
        covered_by="rongmei/planning/tests/test_services.py::test_an_analyst_may_not_propose",
    ),
    "rongmei.planning.services.record": Entry(INTERNAL),
    "rongmei.planning.services.revise_topic": Entry(
        perm("planning.add_topic"),
        covered_by="rongmei/planning/tests/test_services.py::test_the_proposer_may_not_revise_an_approved_topic_nor_someone_else",
    ),
    "rongmei.planning.services.save_event": Entry(perm("planning.add_plannedevent"), call="factory"),
    "rongmei.planning.services.set_topic_state": Entry(
        perm("planning.decide_topic"),
        covered_by="rongmei/planning/tests/test_services.py::test_only_legal_moves",
    ),
    "rongmei.planning.services.start_assignment": Entry(ASSIGNEE, call="factory"),
    "rongmei.planning.services.start_story": Entry(
        Who(ASSIGNEE.allowed & PAGE_EDITORS.allowed, "the assignee named on the assignment, who may add a story"),
        call="factory",
    ),
    "rongmei.printing.services.back_to_galley": Entry(
        perm("printing.advance_printpage"), call="factory", object_missing=True
    ),
    "rongmei.printing.services.create_issue": Entry(
        perm("printing.add_printissue"),
        covered_by="rongmei/printing/tests/test_services.py::test_a_reporter_may_not_plan",
    ),
    "rongmei.printing.services.mark_page_proof": Entry(
        perm("printing.advance_printpage"),
        covered_by="rongmei/printing/tests/test_services.py::test_the_page_goes_galley_page_proof_signed_off_by_the_right_roles",
    ),
    "rongmei.printing.services.move_placement": Entry(
        perm("printing.change_printissue"),
        covered_by="rongmei/printing/tests/test_services.py::test_a_page_number_outside_the_issue_is_refused_clearly",
    ),
    "rongmei.printing.services.place_story": Entry(
        perm("printing.change_printissue"),
        covered_by="rongmei/printing/tests/test_services.py::test_a_draft_or_a_story_in_review_is_refused",
    ),
    "rongmei.printing.services.remove_placement": Entry(perm("printing.change_printissue"), call="factory"),
    "rongmei.printing.services.rename_page": Entry(perm("printing.change_printissue"), call="factory"),
    "rongmei.printing.services.reopen": Entry(
        perm("printing.sign_off_printpage"), call="factory", object_missing=True
    ),
    "rongmei.printing.services.set_page_count": Entry(perm("printing.add_printissue"), call="factory"),
    "rongmei.printing.services.sign_off": Entry(
        perm("printing.sign_off_printpage"),
        covered_by="rongmei/printing/tests/test_services.py::test_the_page_goes_galley_page_proof_signed_off_by_the_right_roles",
    ),
    "rongmei.printing.services.update_placement": Entry(
        perm("printing.change_printissue"),
        covered_by="rongmei/printing/tests/test_services.py::test_a_page_number_outside_the_issue_is_refused_clearly",
    ),
    "rongmei.proofing.services.import_terms": Entry(
        perm("proofing.add_term"),
        covered_by="rongmei/proofing/tests/test_services.py::test_import_without_header_or_from_a_broken_file_is_refused",
    ),
    "rongmei.review.services.approve": Entry(
        REVIEWERS,
        covered_by="rongmei/review/tests/test_services.py::test_one_person_cannot_approve_two_levels_of_one_submission",
    ),
    "rongmei.review.services.blocking_findings": Entry(
        INTERNAL, note="the approval's own check, run by `decide`/`approve` after theirs"
    ),
    # asked of a story waiting at 初审
    "rongmei.review.services.decide": Entry(
        Who(
            frozenset({roles.EDITOR.code}), "at 初审, the 初审编辑 group (each level its own); not the author"
        ),
        call="factory",
    ),
    "rongmei.review.services.emergency_publish": Entry(
        EMERGENCY,
        covered_by="rongmei/review/tests/test_go_live_gate.py::test_emergency_publishing_is_held_by_nobody_by_default",
    ),
    "rongmei.review.services.reject": Entry(
        REVIEWERS,
        covered_by="rongmei/review/tests/test_services.py::test_one_person_cannot_approve_two_levels_of_one_submission",
    ),
    "rongmei.review.services.submit_for_review": Entry(
        PAGE_EDITORS,
        covered_by="rongmei/review/tests/test_go_live_gate.py::test_author_cannot_clear_a_block_on_their_own_story",
    ),
    "rongmei.review.services.withdraw": Entry(
        PAGE_EDITORS,
        covered_by="rongmei/review/tests/test_go_live_gate.py::test_an_editor_cannot_cancel_someone_elses_review",
    ),
    "rongmei.tips.services.add_note": Entry(
        perm("tips.desk_tip"),
        covered_by="rongmei/tips/tests/test_services.py::test_a_tip_is_assigned_to_a_reporter_who_reads_it_but_not_the_contact",
    ),
    "rongmei.tips.services.assign": Entry(
        perm("tips.desk_tip"),
        covered_by="rongmei/tips/tests/test_services.py::test_a_tip_is_assigned_to_a_reporter_who_reads_it_but_not_the_contact",
    ),
    "rongmei.tips.services.link_story": Entry(perm("tips.desk_tip"), call="factory", object_missing=True),
    "rongmei.tips.services.receive_tip": Entry(PUBLIC_PEOPLE, call="factory"),
    "rongmei.tips.services.record_payment": Entry(perm("tips.desk_tip"), call="factory"),
    "rongmei.tips.services.reveal_contact": Entry(
        perm("tips.view_contact_tip"),
        covered_by="rongmei/tips/tests/test_services.py::test_a_tip_is_assigned_to_a_reporter_who_reads_it_but_not_the_contact",
    ),
    "rongmei.tips.services.reward_workbook": Entry(perm("tips.desk_tip"), call="factory"),
    "rongmei.tips.services.set_reward": Entry(perm("tips.desk_tip"), call="factory"),
    "rongmei.tips.services.triage": Entry(
        perm("tips.desk_tip"),
        covered_by="rongmei/tips/tests/test_services.py::test_triage_needs_the_desk_and_a_duplicate_names_its_original",
    ),
    "rongmei.tips.services.turn_into_topic": Entry(perm("tips.desk_tip"), call="factory"),
    "rongmei.video.services.delete_asset": Entry(VIDEO, call="factory"),
    "rongmei.video.services.forget_upload": Entry(VIDEO_UPLOAD, call="factory"),
    "rongmei.video.services.make_asset_from_file": Entry(VIDEO_UPLOAD, call="factory"),
    "rongmei.video.services.receive_chunk": Entry(VIDEO_UPLOAD, call="factory"),
    "rongmei.video.services.start_upload": Entry(
        VIDEO_UPLOAD, covered_by="rongmei/video/tests/test_upload.py::test_who_may_upload_and_edit"
    ),
    "rongmei.video.services.transcode_again": Entry(VIDEO, call="factory"),
    "rongmei.video.services.update_metadata": Entry(VIDEO, call="factory"),
    "rongmei.video.services.upload_for": Entry(VIDEO_UPLOAD, call="factory"),
    "rongmei.wire.services.adopt": Entry(
        perm("wire.adopt_wireitem"),
        covered_by="rongmei/wire/tests/test_adopt.py::test_a_withdrawn_item_cannot_be_adopted",
    ),
    "rongmei.wire.services.can_adopt": Entry(perm("wire.adopt_wireitem"), call="predicate"),
    "rongmei.wire.services.can_fetch": Entry(perm("wire.fetch_wiresource"), call="predicate"),
    "rongmei.wire.services.can_see_sources": Entry(perm("wire.view_wiresource"), call="predicate"),
    "rongmei.wire.services.can_see_wire": Entry(perm("wire.view_wireitem"), call="predicate"),
    "rongmei.wire.services.ignore": Entry(
        perm("wire.adopt_wireitem"), covered_by="rongmei/wire/tests/test_adopt.py::test_who_may_adopt"
    ),
    "rongmei.wire.services.items_for": Entry(perm("wire.view_wireitem"), call="factory"),
    "rongmei.wire.services.queue_fetch_now": Entry(perm("wire.fetch_wiresource"), call="factory"),
    "rongmei.wire.services.restore": Entry(perm("wire.adopt_wireitem"), call="factory"),
    "rongmei.wire.services.sections_for_adoption": Entry(
        PAGE_EDITORS, call="factory", note="the sections where the person may add a story"
    ),
}
# Management commands run from the server's shell (`rongmei NAME`): whoever may log in to the
# server, never a newsroom role through the web; no URL reaches them (tested).
COMMANDS: dict[str, Entry] = {
    "access_matrix": Entry(NOBODY, note="prints or writes this table"),
    "audit": Entry(NOBODY, note="checks the tamper-evident audit log (issue 15)"),
    "backup": Entry(NOBODY, note="backs up the database, media and private files (issue 15)"),
    "restore": Entry(NOBODY, note="restores a backup (issue 15)"),
    "contract_servers": Entry(NOBODY, note="runs the channels' contract servers for development"),
    "demo": Entry(NOBODY, note="runs the demo: migrate, load, web, worker and scheduler"),
    "load_demo": Entry(NOBODY, note="loads the demo newsroom and its accounts"),
    "fetch_sources": Entry(NOBODY, note="fetches the 舆情 sources now"),
    "sentiment": Entry(NOBODY, note="scores a text file's sentiment (no database writes)"),
    "proofread": Entry(NOBODY, note="proofreads a text file (no database writes)"),
    "scheduler": Entry(NOBODY, note="runs the periodic jobs"),
    "site_url": Entry(NOBODY, note="shows or sets the site's public address"),
    "update_index": Entry(NOBODY, note="rebuilds the search index (read in keyset chunks)"),
    "video_forget_stale_uploads": Entry(NOBODY, note="removes abandoned chunked uploads"),
    "video_transcode_waiting": Entry(NOBODY, note="queues the videos waiting for transcoding"),
}

TABLES = {
    "admin": ADMIN_VIEWS,
    "wagtail": WAGTAIL_ACTS,
    "api": API_OPERATIONS,
    "service": SERVICE_ACTS,
    "command": COMMANDS,
}


# --- the published table ------------------------------------------------------------------------

KIND_TITLES = {
    "admin": "Rongmei's admin views (`/admin/…`)",
    "wagtail": "Wagtail's own acts",
    "api": "API operations",
    "service": "Service acts",
    "command": "Management commands",
}


def how_tested(kind: str, entry: Entry) -> str:
    if entry.who is INTERNAL:
        return "not an act"
    if entry.covered_by:
        return f"covered by `{entry.covered_by}`"
    if kind in ("admin", "wagtail", "api"):
        return f"{entry.method} per role" + (
            " (object not built: past the gate)" if entry.object_missing else ""
        )
    if kind == "service":
        if not entry.call:
            return "declared, untested"
        return "called per role" + (" (refused on input: past the gate)" if entry.object_missing else "")
    return "no URL reaches it (tested)"


def declared_figures() -> dict:
    figures = {"actions": 0, "cells asked per role": 0, "rows covered by other tests": 0, "rows untested": 0}
    for action in all_actions():
        entry = entry_for(action)
        figures["actions"] += 1
        if entry is None:
            figures["rows untested"] += 1
            continue
        tested = how_tested(action.kind, entry)
        if tested.startswith("covered"):
            figures["rows covered by other tests"] += 1
        elif tested == "declared, untested":
            figures["rows untested"] += 1
        elif action.kind != "command" and entry.who is not INTERNAL:
            figures["cells asked per role"] += len(columns_for(action.kind))
    return figures


def render_markdown() -> str:
    figures = declared_figures()
    lines = [
        "# Roles × actions matrix",
        "",
        "Generated by `rongmei access_matrix --write docs/access-matrix.md` from",
        "`rongmei/organisation/access_matrix.py`; `rongmei/organisation/tests/test_access_matrix.py` asks every",
        "cell marked per role (a user per role, a request or a call each) and fails when a cell is wrongly",
        "allowed or wrongly denied, when an action has no entry, or when this file is stale.",
        "",
        "Figures: " + ", ".join(f"{name} {value}" for name, value in figures.items()) + ";",
        "wrongly allowed 0, wrongly denied 0 (the suite fails otherwise); one person holding two 三审 roles",
        "deciding two levels of one submission: refused for all 3 pairs of levels.",
        "",
        "✓ allowed, · denied. 管理员 admin is a superuser, as in the demo and in production.",
        "Decision record: docs/decisions/0041-access-matrix.md.",
    ]
    for kind, title in KIND_TITLES.items():
        columns = columns_for(kind)
        actions = [a for a in all_actions() if a.kind == kind]
        lines += ["", f"## {title} ({len(actions)})", ""]
        header = ["action", "who", *(COLUMN_TITLES[c] for c in columns), "tested"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for action in actions:
            entry = entry_for(action)
            if entry is None:
                cells = ["?"] * len(columns)
                who, tested = "**no entry**", ""
            else:
                cells = ["✓" if c in entry.who.allowed else "·" for c in columns]
                who = entry.who.basis + (f"; {entry.note}" if entry.note else "")
                tested = how_tested(kind, entry)
            label = f"`{action.key}`" + (f" {action.name}" if kind == "admin" and action.name else "")
            if kind == "api":
                label += f" — {action.name}; credential: {action.view}"
            lines.append("| " + " | ".join([label.replace("|", "\\|"), who, *cells, tested]) + " |")
    return "\n".join(lines) + "\n"
