"""内参 in the admin: its own menu (only for staff granted it), its screens, its permissions under
Settings → Groups and its audit-log actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import services, views


@hooks.register("register_admin_urls")
def register_neican_urls():
    return [
        path("neican/", views.IssueIndexView.as_view(), name="neican_issues"),
        path("neican/new/", views.IssueFormView.as_view(), name="neican_issue_add"),
        path("neican/<int:pk>/", views.IssueView.as_view(), name="neican_issue"),
        path("neican/<int:pk>/edit/", views.IssueFormView.as_view(), name="neican_issue_edit"),
        path("neican/<int:pk>/<slug:act>/", views.IssueActView.as_view(), name="neican_issue_act"),
        path("neican/<int:pk>/copies/make/", views.GenerateCopiesView.as_view(), name="neican_generate"),
        path(
            "neican/<int:issue_pk>/articles/new/", views.ArticleFormView.as_view(), name="neican_article_add"
        ),
        path(
            "neican/<int:issue_pk>/articles/from-story/",
            views.ArticleFromStoryView.as_view(),
            name="neican_article_from_story",
        ),
        path("neican/articles/<int:pk>/", views.ArticleFormView.as_view(), name="neican_article_edit"),
        path(
            "neican/articles/<int:pk>/<slug:act>/", views.ArticleActView.as_view(), name="neican_article_act"
        ),
        path(
            "neican/copies/<int:pk>/download/", views.CopyDownloadView.as_view(), name="neican_copy_download"
        ),
        path(
            "neican/copies/<int:pk>/received/", views.CopyReceivedView.as_view(), name="neican_copy_received"
        ),
        path("neican/recipients/", views.RecipientIndexView.as_view(), name="neican_recipients"),
        path("neican/recipients/new/", views.RecipientFormView.as_view(), name="neican_recipient_add"),
        path("neican/recipients/<int:pk>/", views.RecipientFormView.as_view(), name="neican_recipient_edit"),
    ]


class NeicanMenuItem(MenuItem):
    def is_shown(self, request):
        return services.can_view(request.user)


class NeicanSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return services.can_view(request.user)


@hooks.register("register_admin_menu_item")
def register_neican_menu():
    menu = Menu(
        items=[
            NeicanMenuItem(_("Issues"), reverse("neican_issues"), icon_name="doc-full-inverse", order=10),
            NeicanMenuItem(_("Recipients"), reverse("neican_recipients"), icon_name="group", order=20),
        ]
    )
    return NeicanSubmenu(_("Internal reference (内参)"), menu, icon_name="lock", order=480)


@hooks.register("register_permissions")
def register_neican_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="neican", codename__in=["view_neican", "manage_neican", "approve_neican"]
    )


@hooks.register("register_log_actions")
def register_neican_log_actions(actions):
    actions.register_action(
        "rongmei.neican.create", _("Create internal reference issue"), _("内参 issue created")
    )
    actions.register_action("rongmei.neican.edit", _("Edit internal reference issue"), _("内参 issue edited"))
    actions.register_action(
        "rongmei.neican.approve", _("Approve internal reference issue"), _("内参 issue approved")
    )
    actions.register_action(
        "rongmei.neican.reopen", _("Reopen internal reference issue"), _("内参 issue reopened for editing")
    )
    actions.register_action("rongmei.neican.generate", _("Make internal reference copy"), _("内参 copy made"))
    actions.register_action(
        "rongmei.neican.download", _("Download internal reference copy"), _("内参 copy downloaded")
    )
    actions.register_action(
        "rongmei.neican.received", _("Record receipt of internal reference copy"), _("内参 copy received")
    )
