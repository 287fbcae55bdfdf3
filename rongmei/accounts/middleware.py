"""Session expiry and the second factor, checked on every request of a signed-in person.

``SessionExpiryMiddleware``: a session ends SESSION_COOKIE_AGE seconds after signing in (however busy)
and after RONGMEI_SESSION_IDLE_MINUTES without a request; in the admin the login page then says why.

``SecondFactorMiddleware``: in the admin, a person with a second factor who has only given the
password is sent to the code page, and a person whose role requires one but has none is sent to
enrolment; nothing else in the admin answers until then. Outside the admin such a half-signed-in
person counts as anonymous (a session-authenticated view elsewhere must not see them as staff); the
public site, the token-authenticated APIs, /healthz, static and media files are never redirected.
Whatever backend signed the person in (password, LDAP, OIDC), the checks are the same.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from rongmei.core.middleware import ADMIN_PREFIX

from .roles import second_factor_required
from .services import has_second_factor

AUTH_AT = "rongmei_auth_at"
SEEN_AT = "rongmei_seen_at"
# The last-seen time is written at most this often: not a session save on every request.
SEEN_RESOLUTION_SECONDS = 60

# Paths of the admin a person may reach before the second factor: signing in and out, and what the
# code and enrolment pages load: the translations script and the icon sprite (which the admin's
# script puts into the page as it comes: a redirect there would paste a whole page into it).
ADMIN_OPEN_SUFFIXES = ("login/", "logout/", "jsi18n/")
ADMIN_OPEN_PREFIXES = ("sprite",)
# Outside the admin: where a half-signed-in person stays themselves (the code page, the SSO flow).
OWN_PREFIXES = ("/accounts/", "/sso/")


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN_PREFIX)


def admin_open(path: str) -> bool:
    rest = path[len(ADMIN_PREFIX) :]
    return rest in ADMIN_OPEN_SUFFIXES or rest.startswith(ADMIN_OPEN_PREFIXES)


def _login_redirect(request):
    url = reverse("wagtailadmin_login")
    target = request.get_full_path() if request.method == "GET" else reverse("wagtailadmin_home")
    return redirect(f"{url}?{urlencode({'next': target})}")


class SessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and SESSION_KEY in request.session:
            reason = self.expiry_reason(request.session)
            if reason:
                logout(request)
                if is_admin_path(request.path_info) and not admin_open(request.path_info):
                    messages.info(request, reason)
                    return _login_redirect(request)
        return self.get_response(request)

    @staticmethod
    def expiry_reason(session) -> str:
        now = int(time.time())
        auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
        if auth_at is None:  # a session from before these checks: counted from now
            session[AUTH_AT] = auth_at = now
        if now - auth_at > settings.SESSION_COOKIE_AGE:
            hours = max(1, round(settings.SESSION_COOKIE_AGE / 3600))
            return _(
                "You were signed out because a session lasts at most %(hours)s hours. Please sign in again."
            ) % {"hours": hours}
        idle = settings.RONGMEI_SESSION_IDLE_MINUTES
        if idle and seen_at is not None and now - seen_at > idle * 60:
            return _(
                "You were signed out after %(minutes)s minutes without activity. Please sign in again."
            ) % {"minutes": idle}
        if seen_at is None or now - seen_at >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
        return ""


def mark_signed_in(sender, request, user, **kwargs):
    """user_logged_in: the session's clocks start; a new sign-in always asks for the code again."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    if getattr(user, "otp_device", None) is None:
        # Django keeps a session's data when the same person signs in again (cycle_key); a
        # verification from before must not carry over to a new password step.
        request.session.pop(DEVICE_ID_SESSION_KEY, None)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or SESSION_KEY not in request.session:
            return self.get_response(request)
        user = request.user
        if is_admin_path(path):
            if not admin_open(path) and user.is_authenticated and not user.is_verified():
                answer = self.admin_gate(request, user)
                if answer is not None:
                    return answer
        elif not path.startswith(OWN_PREFIXES) and DEVICE_ID_SESSION_KEY not in request.session:
            if user.is_authenticated and has_second_factor(user):
                request.user = AnonymousUser()
        return self.get_response(request)

    @staticmethod
    def admin_gate(request, user):
        target = request.get_full_path() if request.method == "GET" else reverse("wagtailadmin_home")
        if has_second_factor(user):
            return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': target})}")
        if second_factor_required(user) and not request.path_info.startswith(
            reverse("accounts_second_factor")
        ):
            return redirect("accounts_second_factor")
        return None
