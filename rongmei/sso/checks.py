from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_role_maps(app_configs=None, **kwargs):
    """A misspelt role code in OIDC_ROLE_MAP or LDAP_ROLE_MAP would silently grant nothing."""
    from .roles import unknown_role_codes

    problems = []
    for name in ("OIDC_ROLE_MAP", "LDAP_ROLE_MAP"):
        unknown = unknown_role_codes(getattr(settings, f"RONGMEI_{name}", {}) or {})
        if unknown:
            problems.append(
                checks.Error(
                    f"{name} names unknown role codes: {', '.join(sorted(unknown))}",
                    hint="Role codes are listed in rongmei/organisation/roles.py (reporter, editor, director, "
                    "chief, newmedia, analyst, tipsdesk, admin).",
                    id="rongmei.sso.E001",
                )
            )
    if getattr(settings, "RONGMEI_OIDC_ENABLED", False) and not getattr(
        settings, "OIDC_RP_CLIENT_SECRET", ""
    ):
        problems.append(checks.Warning("OIDC_CLIENT_SECRET is empty", id="rongmei.sso.W001"))
    return problems
