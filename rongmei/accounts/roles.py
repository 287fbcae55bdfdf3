"""Which people must use a second factor (settings.RONGMEI_OTP_REQUIRED_ROLES)."""

from django.conf import settings

from rongmei.organisation.roles import ADMIN, ROLES_BY_CODE


def second_factor_required(user) -> bool:
    """True if one of the user's roles is in RONGMEI_OTP_REQUIRED_ROLES ("admin" also covers superusers)."""
    codes = [code for code in settings.RONGMEI_OTP_REQUIRED_ROLES if code in ROLES_BY_CODE]
    if not codes or not user.is_authenticated:
        return False
    if ADMIN.code in codes and user.is_superuser:
        return True
    group_names = [ROLES_BY_CODE[code].group_name for code in codes]
    return user.groups.filter(name__in=group_names).exists()
