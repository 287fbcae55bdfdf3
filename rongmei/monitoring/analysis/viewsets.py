"""Admin of the clients' watch rules (snippets: a rule that does not parse is refused on the form with
the position of the problem; the list and the rule's page offer “try a rule”), and the matched
items screen with the rule trial."""

from urllib.parse import urlencode

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from rongmei.core.admin_columns import yes_no

from ..models import WatchRule
from ..permissions import can_see_matches
from ..views import MonitoringViewSet
from . import views

RULE_HELP = _(
    "Keywords with AND, OR, NOT and parentheses; two words side by side mean AND. "
    "“quoted phrase”; 淄博 NEAR/10 污染 (within 10 characters); region:张店 and person:张三 "
    "also match the region's and the person's other names. Traditional characters, full-width "
    "letters and case do not matter. Example: 淄博 AND (污染 OR 排放) NOT 演练. "
    "A rule has at most 4,000 characters, 500 terms, 500 operators (10 of them NEAR, up to NEAR/1000) "
    "and parentheses or NOT nested 20 deep; split a longer list into several rules."
)


class WatchRuleIndexView(IndexView):
    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("Try a rule"), url=reverse("monitoring_matches:rule_trial"), icon_name="search"),
        ]


class WatchRuleEditView(EditView):
    """The rule's page, with “try it” on the saved text (what it catches among recent items)."""

    @property
    def header_buttons(self):
        url = (
            reverse("monitoring_matches:rule_trial")
            + "?"
            + urlencode({"expression": self.object.expression, "days": 7})
        )
        return [*super().header_buttons, HeaderButton(_("Try this rule"), url=url, icon_name="search")]


class WatchRuleViewSet(SnippetViewSet):
    model = WatchRule
    index_view_class = WatchRuleIndexView
    edit_view_class = WatchRuleEditView
    icon = "search"
    menu_label = _("Watch rules")
    list_display = ["name", "client", "expression", yes_no(WatchRule, "enabled"), "updated_at"]
    list_filter = ["client", "enabled"]
    search_fields = ["name", "expression"]
    panels = [
        FieldRowPanel([FieldPanel("client"), FieldPanel("name")]),
        FieldPanel("expression", help_text=RULE_HELP),
        FieldPanel("enabled"),
    ]


class MatchedItemsViewSet(MonitoringViewSet):
    name = "monitoring_matches"
    menu_label = _("Matched items")
    menu_name = "monitoring-matches"
    icon = "search"
    shown_to = staticmethod(can_see_matches)

    def get_urlpatterns(self):
        return [
            path("matches/", views.MatchedItemsView.as_view(), name="index"),
            path("rules/try/", views.RuleTrialView.as_view(), name="rule_trial"),
        ]
