"""Signing in with the directory password (LDAP), decision 0038.

Listed in AUTHENTICATION_BACKENDS only when LDAP_SERVER_URI is set, after NewsroomAuthBackend:
that one's Axes check runs first and stops a locked-out sign-in before the directory is asked, and
a wrong directory password ends as a failed sign-in that Axes counts. This module imports
python-ldap (the optional "ldap" extra), so nothing imports it unless a directory is configured.
"""

import logging

import ldap
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_auth_ldap.backend import LDAPBackend, ldap_error

from .roles import sync_roles

logger = logging.getLogger("rongmei.sso")

DIRECTORY_DOWN = _(
    "The directory server (LDAP) cannot be reached right now, so your directory password could not "
    "be checked. Please try again in a few minutes; if it persists, tell an administrator."
)
DIRECTORY_ERROR = _(
    "The directory server (LDAP) answered with an error (%(reason)s), so your directory password "
    "could not be checked. Please tell an administrator."
)
NO_ACCOUNT = _(
    "Your directory account %(name)s has no Rongmei account yet. "
    "Please ask an administrator to create one with this user name."
)


class NewsroomLDAPBackend(LDAPBackend):
    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if built and self.settings.NO_NEW_USERS and ldap_user._request is not None:
            # Reached only after the directory accepted the password.
            ldap_user._request.rongmei_login_refusal = str(NO_ACCOUNT) % {"name": username}
            logger.warning("ldap sign-in refused: no account %r (LDAP_CREATE_USERS is off)", username)
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is not None:
            # The map may name a group by its cn or by its DN.
            groups = [*ldap_user.group_names, *ldap_user.group_dns]
            sync_roles(user, groups, settings.RONGMEI_LDAP_ROLE_MAP, source="ldap")
        return user


def _directory_error(sender, context, user, request, exception, **kwargs):
    # Sign-in contexts only (looking the person up, binding, reading groups), not permission checks.
    if request is None or context in ("get_group_permissions", "populate_user"):
        return
    if isinstance(exception, (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)):
        logger.error("ldap: the directory cannot be reached (%s): %r", context, exception)
        request.rongmei_login_refusal = str(DIRECTORY_DOWN)
    else:
        logger.error("ldap: the directory answered with an error (%s): %r", context, exception)
        request.rongmei_login_refusal = str(DIRECTORY_ERROR) % {"reason": _ldap_reason(exception)}
    # Not the person's fault: NewsroomAxesHandler does not count this failure.
    request.rongmei_directory_down = True


def _ldap_reason(exception) -> str:
    details = exception.args[0] if exception.args and isinstance(exception.args[0], dict) else {}
    return str(details.get("desc") or exception.__class__.__name__)


ldap_error.connect(_directory_error, sender=NewsroomLDAPBackend, dispatch_uid="rongmei.sso.directory_down")
