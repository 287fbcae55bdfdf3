"""Core's admin screens: the outbox list (Reports → Outbox) and its retry; Wagtail screens made Chinese."""

from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import outbox
from . import views_outbox as views


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return outbox.can_see_outbox(request.user)


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [
        path("outbox/", views.OutboxView.as_view(), name="core_outbox"),
        path("outbox/<int:pk>/retry/", views.OutboxRetryView.as_view(), name="core_outbox_retry"),
    ]


@hooks.register("register_reports_menu_item")
def register_outbox_menu_item():
    return OutboxMenuItem(_("Outbox (外发队列)"), reverse("core_outbox"), icon_name="mail", order=900)


# --- Wagtail screens that stay English in zh-Hans ------------------------------------------------
# Some Wagtail 7.4 screens build their labels in ways no catalogue can reach; these put them back
# through gettext. rongmei/core/tests/test_admin_zh_hans.py walks every admin screen as each demo
# role and fails on English left in them.


def _translate_site_columns():
    """Settings → Sites: Wagtail's columns have no labels, so it shows the field names "Port",
    "Site name", "Root page" as they are; the fields' own verbose names are translated."""
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.label == capfirst(column.name.replace("_", " ")):
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


def _translate_redirect_filters():
    """Settings → Redirects: Wagtail's filter translates its labels once, when first imported (in
    whatever language is active then, usually none): make them follow each request's language."""
    from wagtail.contrib.redirects.filters import RedirectsReportFilterSet

    kind = RedirectsReportFilterSet.base_filters["is_permanent"]
    kind.label = _("Type")
    kind.extra["choices"] = ((True, _("Permanent")), (False, _("Temporary")))
    kind.extra["empty_label"] = _("All")


def _translate_snippet_chooser_texts():
    """Snippet choosers ("Choose outlet", "Edit this region"): Wagtail formats the lazy messages
    when the form class is built, in the language active then, and keeps that text for good."""
    from wagtail.snippets.widgets import AdminSnippetChooser

    if getattr(AdminSnippetChooser.__init__, "rongmei_lazy_texts", False):
        return
    original_init = AdminSnippetChooser.__init__
    messages = {
        "choose_one_text": "Choose %(object)s",
        "choose_another_text": "Choose another %(object)s",
        "link_to_chosen_text": "Edit this %(object)s",
    }

    def __init__(self, model, **kwargs):
        original_init(self, model, **kwargs)
        for attribute, message in messages.items():
            if attribute not in kwargs:
                setattr(self, attribute, _format_lazy_object(message, model))

    __init__.rongmei_lazy_texts = True
    AdminSnippetChooser.__init__ = __init__


def _translate_workflow_page_label():
    """Settings → Workflows: the page chooser's field has no label, so Django shows its name "Page"."""
    from wagtail.admin.forms.workflows import WorkflowPageForm

    WorkflowPageForm.base_fields["page"].label = _("Page")


def _format_object_message(message, model):
    return gettext(message) % {"object": model._meta.verbose_name}


_format_lazy_object = lazy(_format_object_message, str)

_translate_site_columns()
_translate_redirect_filters()
_translate_snippet_chooser_texts()
_translate_workflow_page_label()
