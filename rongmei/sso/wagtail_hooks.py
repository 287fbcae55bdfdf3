from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_sso_log_actions(actions):
    actions.register_action(
        "rongmei.sso.roles",
        _("Roles from single sign-on"),
        _("Roles set from the sign-in provider or directory"),
    )
