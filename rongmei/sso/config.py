"""Settings of OIDC and LDAP sign-in, read from the environment (decision 0038).

Imported by rongmei/settings.py, so nothing here may import Django models; the tests call the same
functions with their own environment and pass the result to override_settings.
"""

import os
from collections.abc import Mapping

OIDC_BACKEND = "rongmei.sso.oidc.NewsroomOIDCBackend"
LDAP_BACKEND = "rongmei.sso.ldap_backend.NewsroomLDAPBackend"


def _flag(env: Mapping[str, str], name: str, default: str = "0") -> bool:
    return env.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def parse_role_map(text: str) -> dict[str, list[str]]:
    """``"newsroom-editors=editor; desk=editor; chiefs=chief"`` → {outside group: [role codes]}.

    Entries are separated by ";" or new lines; by "," only when every entry is a plain NAME=ROLE
    (so a group may also be named by its LDAP DN, which has commas). The role code is after the last
    "=". Names compare case-insensitively.
    """
    text = text.replace("\n", ";")
    if ";" not in text and text.count("=") == text.count(",") + 1:
        text = text.replace(",", ";")
    mapping: dict[str, list[str]] = {}
    for entry in text.split(";"):
        entry = entry.strip()
        if not entry:
            continue
        if "=" not in entry:
            raise ValueError(f"role map entry {entry!r} is not GROUP=ROLE")
        group, role = (part.strip() for part in entry.rsplit("=", 1))
        mapping.setdefault(group.casefold(), []).append(role)
    return mapping


def oidc_settings(env: Mapping[str, str] = os.environ) -> dict:
    issuer = env.get("OIDC_ISSUER", "").strip().rstrip("/")
    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": env.get("OIDC_AUTHORIZATION_ENDPOINT", "").strip(),
        "OIDC_OP_TOKEN_ENDPOINT": env.get("OIDC_TOKEN_ENDPOINT", "").strip(),
        "OIDC_OP_USER_ENDPOINT": env.get("OIDC_USERINFO_ENDPOINT", "").strip(),
        "OIDC_OP_JWKS_ENDPOINT": env.get("OIDC_JWKS_ENDPOINT", "").strip(),
    }
    client_id = env.get("OIDC_CLIENT_ID", "").strip()
    enabled = bool(client_id and (issuer or all(endpoints.values())))
    ca_bundle = env.get("OIDC_CA_BUNDLE", "").strip()
    return {
        "RONGMEI_OIDC_ENABLED": enabled,
        "RONGMEI_OIDC_ISSUER": issuer,
        **endpoints,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_RP_SIGN_ALGO": env.get("OIDC_SIGN_ALGO", "RS256"),
        "OIDC_RP_SCOPES": env.get("OIDC_SCOPES", "openid profile email"),
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": _flag(env, "OIDC_USE_PKCE", "1"),
        "OIDC_TIMEOUT": float(env.get("OIDC_TIMEOUT", "10")),
        # requests' `verify`: True, or the path of the CA bundle that signed the provider's certificate
        "OIDC_VERIFY_SSL": ca_bundle or True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:oidc_callback",
        "RONGMEI_OIDC_USERNAME_CLAIM": env.get("OIDC_USERNAME_CLAIM", "preferred_username"),
        "RONGMEI_OIDC_CREATE_USERS": _flag(env, "OIDC_CREATE_USERS"),
        "RONGMEI_OIDC_ROLES_CLAIM": env.get("OIDC_ROLES_CLAIM", "groups"),
        "RONGMEI_OIDC_ROLE_MAP": parse_role_map(env.get("OIDC_ROLE_MAP", "")),
        "RONGMEI_OIDC_DISCOVERY_SECONDS": int(env.get("OIDC_DISCOVERY_SECONDS", "3600")),
    }


_GROUP_TYPES = {
    "groupofnames": "GroupOfNamesType",
    "groupofuniquenames": "GroupOfUniqueNamesType",
    "posixgroup": "PosixGroupType",
    "activedirectory": "ActiveDirectoryGroupType",
}


def ldap_settings(env: Mapping[str, str] = os.environ) -> dict:
    uri = env.get("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {"RONGMEI_LDAP_ENABLED": False, "RONGMEI_LDAP_ROLE_MAP": {}}
    # python-ldap is the optional "ldap" extra: imported only when a directory is configured.
    import ldap
    from django_auth_ldap import config as ldap_config

    result = {
        "RONGMEI_LDAP_ENABLED": True,
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": _flag(env, "LDAP_START_TLS"),
        "AUTH_LDAP_USER_ATTR_MAP": {
            # The whole 姓名 in first_name (rongmei.organisation.names)
            "first_name": env.get("LDAP_DISPLAY_NAME_ATTR", "cn"),
            "email": env.get("LDAP_EMAIL_ATTR", "mail"),
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_NO_NEW_USERS": not _flag(env, "LDAP_CREATE_USERS"),
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "RONGMEI_LDAP_ROLE_MAP": parse_role_map(env.get("LDAP_ROLE_MAP", "")),
    }
    timeout = int(env.get("LDAP_TIMEOUT", "5"))
    options = {
        ldap.OPT_NETWORK_TIMEOUT: timeout,
        ldap.OPT_TIMEOUT: timeout * 2,
        ldap.OPT_REFERRALS: 0,
    }
    if ca_file := env.get("LDAP_CA_CERT_FILE", "").strip():
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    if uri.startswith("ldaps://") or result["AUTH_LDAP_START_TLS"]:
        demand = _flag(env, "LDAP_TLS_REQUIRE_CERT", "1")
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND if demand else ldap.OPT_X_TLS_NEVER
        # Applies the TLS options above to this connection (must come last).
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    result["AUTH_LDAP_CONNECTION_OPTIONS"] = options
    if template := env.get("LDAP_USER_DN_TEMPLATE", "").strip():
        result["AUTH_LDAP_USER_DN_TEMPLATE"] = template
    else:
        result["AUTH_LDAP_USER_SEARCH"] = ldap_config.LDAPSearch(
            env.get("LDAP_USER_SEARCH_BASE", ""),
            ldap.SCOPE_SUBTREE,
            env.get("LDAP_USER_FILTER", "(uid=%(user)s)"),
        )
    if group_base := env.get("LDAP_GROUP_SEARCH_BASE", "").strip():
        group_type = env.get("LDAP_GROUP_TYPE", "groupOfNames").strip().casefold()
        if group_type not in _GROUP_TYPES:
            raise ValueError(f"LDAP_GROUP_TYPE must be one of {', '.join(_GROUP_TYPES)}")
        result["AUTH_LDAP_GROUP_SEARCH"] = ldap_config.LDAPSearch(
            group_base,
            ldap.SCOPE_SUBTREE,
            env.get("LDAP_GROUP_FILTER", "(objectClass=groupOfNames)"),
        )
        result["AUTH_LDAP_GROUP_TYPE"] = getattr(ldap_config, _GROUP_TYPES[group_type])()
    return result


def sso_backends(sso: Mapping) -> list[str]:
    """Appended after NewsroomAuthBackend, whose Axes check runs first and stops a locked sign-in."""
    backends = []
    if sso.get("RONGMEI_LDAP_ENABLED"):
        backends.append(LDAP_BACKEND)
    if sso.get("RONGMEI_OIDC_ENABLED"):
        backends.append(OIDC_BACKEND)
    return backends
