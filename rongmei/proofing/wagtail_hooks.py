"""Admin entries: word lists, terms and people's titles under one 审校 menu; import and export."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.ui.menus import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from rongmei.core.admin_columns import yes_no
from rongmei.newsroom.story_admin import StoryMenuItem, add_story_menu_item

from . import permissions, views
from .models import PersonTitle, Term, WordList


@hooks.register("register_log_actions")
def register_proofing_log_actions(actions):
    actions.register_action(
        "rongmei.proofing.import", _("Import terms"), _("Terms imported into the list (词库导入)")
    )
    actions.register_action(
        "rongmei.proofing.not_error",
        _("Mark finding not an error"),
        _("Finding marked not an error (非错误)"),
    )
    actions.register_action(
        "rongmei.proofing.accept_all",
        _("Replace every occurrence"),
        _("Suggestion accepted at every occurrence (全部替换)"),
    )


@hooks.register("register_admin_urls")
def register_proofing_urls():
    return [
        path(
            "proofing/lists/<int:pk>/import/", views.ImportTermsView.as_view(), name="proofing_import_terms"
        ),
        path("proofing/lists/<int:pk>/export/<str:fmt>/", views.export_terms, name="proofing_export_terms"),
        path("proofing/story/<int:page_id>/", views.StoryProofingView.as_view(), name="proofing_story"),
        path("proofing/report/", views.ProofingReportView.as_view(), name="proofing_report"),
    ]


class StoryProofingMenuItem(StoryMenuItem):
    label = _("Proofreading (审校)")
    icon_name = "circle-check"
    url_name = "proofing_story"

    def may_see(self, user, story):
        return permissions.may_see_findings(user, story)


add_story_menu_item(StoryProofingMenuItem, listing_priority=56, header_priority=67)


class ProofingReportMenuItem(AdminMenuItem):
    def is_shown(self, request):
        return permissions.may_see_report(request.user)


@hooks.register("register_reports_menu_item")
def register_proofing_report_menu_item():
    return ProofingReportMenuItem(
        _("Proofreading report (审校报告)"), reverse("proofing_report"), icon_name="circle-check", order=700
    )


class WordListIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if permissions.may_import_terms(user):
            buttons.append(
                MenuItem(
                    _("Import terms"),
                    url=reverse("proofing_import_terms", args=[instance.pk]),
                    icon_name="upload",
                    priority=30,
                )
            )
        for priority, (label, fmt) in enumerate(
            ((_("Export CSV"), "csv"), (_("Export XLSX"), "xlsx")), start=31
        ):
            buttons.append(
                MenuItem(
                    label,
                    url=reverse("proofing_export_terms", args=[instance.pk, fmt]),
                    icon_name="download",
                    priority=priority,
                )
            )
        return buttons


class TermCreateView(CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        self.form.instance.updated_by = self.request.user
        return super().save_instance()


class TermEditView(EditView):
    def save_instance(self):
        self.form.instance.updated_by = self.request.user
        return super().save_instance()


class WordListViewSet(SnippetViewSet):
    model = WordList
    icon = "list-ul"
    menu_label = _("Word lists")
    index_view_class = WordListIndexView
    list_display = ["name", "category", "severity", yes_no(WordList, "enabled"), "updated_at"]
    list_filter = ["category", "severity", "enabled"]
    search_fields = ["name", "description"]


class TermViewSet(SnippetViewSet):
    model = Term
    icon = "tag"
    menu_label = _("Terms")
    add_view_class = TermCreateView
    edit_view_class = TermEditView
    list_display = ["term", "suggestion", "word_list", yes_no(Term, "enabled"), "updated_by", "updated_at"]
    list_filter = ["word_list", "enabled"]
    search_fields = ["term", "suggestion", "note"]
    list_export = ["term", "suggestion", "note", "enabled", "word_list"]
    export_headings = {
        "term": "term",
        "suggestion": "suggestion",
        "note": "note",
        "enabled": "enabled",
        "word_list": "list",
    }
    export_filename = "terms"
    list_per_page = 100


class PersonTitleViewSet(SnippetViewSet):
    model = PersonTitle
    icon = "user"
    menu_label = _("People and titles")
    list_display = ["name", "title", "unit", "valid_from", "valid_to", yes_no(PersonTitle, "enabled")]
    list_filter = ["enabled"]
    search_fields = ["name", "title", "unit"]
    list_export = ["name", "title", "unit", "valid_from", "valid_to", "enabled"]


class ProofingViewSetGroup(SnippetViewSetGroup):
    items = (WordListViewSet, TermViewSet, PersonTitleViewSet)
    menu_icon = "circle-check"
    menu_label = _("Proofreading (审校)")
    menu_name = "proofing"
    menu_order = 450


register_snippet(ProofingViewSetGroup)
