"""Admin of the alert rules (snippets: addresses that are addresses, keywords where the kind needs
them, a bot's webhook beside its signing secret), and the alerts screen with retrying a delivery
and marking notifications read."""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.views.snippets import SnippetViewSet

from rongmei.core.admin_columns import yes_no
from rongmei.core.emails import parse_emails

from ..models import AlertRule
from ..permissions import can_see_alerts
from ..views import MonitoringViewSet
from . import views
from .services import parse_keywords


class AlertRuleForm(WagtailAdminModelForm):
    """Input shape of a rule: addresses that are addresses, keywords where the kind needs them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "notify_users" in self.fields:
            self.fields["notify_users"].queryset = (
                get_user_model().objects.filter(is_active=True).order_by("username")
            )

    def clean_emails(self):
        text = self.cleaned_data.get("emails", "")
        _valid, invalid = parse_emails(text)
        if invalid:
            raise forms.ValidationError(
                _("Not e-mail addresses: %(entries)s. Write one address per line."),
                params={"entries": ", ".join(invalid)},
            )
        return text

    def clean_min_negative_probability(self):
        value = self.cleaned_data.get("min_negative_probability")
        if value is not None and not 0 <= value <= 1:
            raise forms.ValidationError(_("Give a probability between 0 and 1, e.g. 0.6."))
        return value

    def clean_max_alerts_per_hour(self):
        value = self.cleaned_data.get("max_alerts_per_hour")
        if value is not None and value < 1:
            raise forms.ValidationError(_("Allow at least one alert per hour, or switch the rule off."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == AlertRule.Kind.TOP_SOURCE_KEYWORD and not parse_keywords(
            cleaned.get("keywords", "")
        ):
            self.add_error(
                "keywords", _("This kind of rule needs keywords, separated by commas or new lines.")
            )
        for platform, secret_field, webhook_field in (
            ("DingTalk", "dingtalk_secret", "dingtalk_webhook"),
            ("Feishu", "feishu_secret", "feishu_webhook"),
        ):
            if (
                cleaned.get(secret_field)
                and not cleaned.get(webhook_field)
                and webhook_field not in self.errors
            ):
                self.add_error(
                    webhook_field,
                    _("A %(platform)s signing secret is set; give the bot's webhook address too.")
                    % {"platform": platform},
                )
        return cleaned


class AlertRuleViewSet(SnippetViewSet):
    model = AlertRule
    icon = "warning"
    menu_label = _("Alert rules")
    list_display = [
        "name",
        "client",
        "kind",
        "cooldown_minutes",
        "max_alerts_per_hour",
        yes_no(AlertRule, "enabled"),
    ]
    list_filter = ["kind", "enabled", "client"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("client"), FieldPanel("name"), FieldPanel("kind"), FieldPanel("enabled")],
                heading=_("Rule"),
            ),
            MultiFieldPanel(
                [FieldPanel("min_negative_probability"), FieldPanel("keywords")],
                heading=_("What triggers it"),
                help_text=_(
                    "Negative items use the probability; keywords (comma- or newline-separated) are for "
                    "central and provincial sources."
                ),
            ),
            FieldRowPanel([FieldPanel("cooldown_minutes"), FieldPanel("max_alerts_per_hour")]),
            MultiFieldPanel(
                [
                    FieldPanel("notify_users"),
                    FieldPanel("emails"),
                    FieldPanel("wecom_webhook"),
                    FieldRowPanel([FieldPanel("dingtalk_webhook"), FieldPanel("dingtalk_secret")]),
                    FieldRowPanel([FieldPanel("feishu_webhook"), FieldPanel("feishu_secret")]),
                ],
                heading=_("Who is told"),
            ),
        ],
        base_form_class=AlertRuleForm,
    )


class AlertsViewSet(MonitoringViewSet):
    name = "monitoring_alerts"
    menu_label = _("Alerts")
    menu_name = "monitoring-alert-list"
    icon = "warning"
    shown_to = staticmethod(can_see_alerts)

    def get_urlpatterns(self):
        return [
            path("alerts/", views.AlertsView.as_view(), name="index"),
            path("alerts/deliveries/<int:pk>/retry/", views.RetryDeliveryView.as_view(), name="retry"),
            path("notifications/read/", views.MarkNotificationsReadView.as_view(), name="notifications_read"),
        ]
