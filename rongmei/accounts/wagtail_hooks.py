from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from . import admin_views, services


@hooks.register("register_admin_urls")
def register_accounts_urls():
    return [
        path("second-factor/", admin_views.SecondFactorView.as_view(), name="accounts_second_factor"),
        path(
            "second-factor-reset/<int:user_id>/",
            admin_views.ResetView.as_view(),
            name="accounts_second_factor_reset",
        ),
    ]


@hooks.register("register_account_menu_item")
def second_factor_account_item(request):
    return {
        "url": reverse("accounts_second_factor"),
        "label": _("Second factor"),
        "help_text": _("A code from an authenticator app on your phone, asked after your password."),
    }


@hooks.register("register_user_listing_buttons")
def second_factor_reset_button(user, request_user):
    if not services.may_reset(request_user, user):
        return []
    return [
        Button(
            gettext_lazy("Reset second factor"),
            reverse("accounts_second_factor_reset", args=[user.pk]),
            icon_name="key",
            priority=60,
        )
    ]


@hooks.register("register_log_actions")
def register_accounts_log_actions(actions):
    for action, label, message in (
        ("second_factor_on", gettext_lazy("Turn second factor on"), gettext_lazy("Second factor turned on")),
        (
            "second_factor_off",
            gettext_lazy("Turn second factor off"),
            gettext_lazy("Second factor turned off"),
        ),
        ("second_factor_reset", gettext_lazy("Reset second factor"), gettext_lazy("Second factor reset")),
        (
            "recovery_codes_renewed",
            gettext_lazy("Renew recovery codes"),
            gettext_lazy("New recovery codes made"),
        ),
        (
            "recovery_code_used",
            gettext_lazy("Use recovery code"),
            gettext_lazy("Signed in with a recovery code"),
        ),
    ):
        actions.register_action(f"rongmei.accounts.{action}", label, message)
