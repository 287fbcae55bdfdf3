from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.INSECURE_DEFAULT_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development default; set SECRET_KEY in the environment.", id="rongmei.E001"
            )
        ]
    return []


def demo_accounts_with_demo_password() -> list[str]:
    """The demo's accounts (rongmei load_demo) that still have the password printed in the README."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    from rongmei.demo.loader import DEMO_PASSWORD, DEMO_USERS

    try:
        users = list(get_user_model().objects.filter(username__in=[name for name, _label in DEMO_USERS]))
    except DatabaseError:  # not migrated yet: nothing to warn about
        return []
    return sorted(user.username for user in users if user.check_password(DEMO_PASSWORD))


@register(Tags.security, deploy=True)
def demo_password_accounts(app_configs, **kwargs):
    names = demo_accounts_with_demo_password()
    if not names:
        return []
    return [
        Warning(
            f"Demo accounts still have the published demo password: {', '.join(names)}. They cannot sign "
            "in outside the demo; set new passwords (rongmei changepassword NAME) or delete the accounts.",
            id="rongmei.W002",
        )
    ]
