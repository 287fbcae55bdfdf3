"""Signing in: throttling (django-axes) and the refusal of the published demo password.

Decision: docs/decisions/0012-login-throttling-and-csp.md. In short:

* `NewsroomAuthBackend` is the first authentication backend: Axes' lockout check, then Django's
  `ModelBackend`, then the demo-password rule. The LDAP and OIDC backends of rongmei.sso come after
  it when configured (decision 0038), so a locked-out sign-in never reaches them.
* `NewsroomAxesHandler` keeps Axes' database handler (every gunicorn worker and host sees the same
  counts, on SQLite and PostgreSQL) and gives a network address a larger allowance than an account,
  because a whole newsroom often signs in from one office address.
* `NewsroomLoginForm` (Wagtail's login form) says why a sign-in was refused, on the login page.
* An administrator unlocks with `rongmei axes_reset_username NAME` (or `axes_reset_ip ADDRESS`,
  `axes_reset` for everything); `rongmei axes_list_attempts` lists the counts.
"""

from axes.backends import AxesBackend, AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

DEMO_PASSWORD_REFUSED = _(
    "This is the public demo password, which cannot be used outside the demo. "
    "Please ask an administrator to set a new password for this account."
)


def lockout_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message(request) -> str:
    minutes = lockout_minutes(request)
    if getattr(request, "rongmei_locked_by", "account") == "address":
        return gettext(
            "Too many failed sign-ins from your network address: signing in from it is paused. "
            "Please try again in %(minutes)s minutes (each further attempt starts the wait again), "
            "or ask an administrator to unlock it."
        ) % {"minutes": minutes}
    return gettext(
        "Too many failed sign-ins: this account is locked for now. "
        "Please try again in %(minutes)s minutes (each further attempt starts the wait again), "
        "or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def uses_published_demo_password(password) -> bool:
    """The demo's password is printed in the README: outside DEBUG and the demo it opens nothing."""
    if settings.DEBUG or settings.RONGMEI_DEMO:
        return False
    from rongmei.demo.loader import DEMO_PASSWORD

    return password == DEMO_PASSWORD


class NewsroomAuthBackend(AxesBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        # A sign-in without a request (the test client's login(), a shell) cannot come from the
        # network, so Axes has nothing to count; every login form passes its request.
        if request is not None:
            # Raises AxesBackendPermissionDenied (a PermissionDenied) while locked out.
            AxesStandaloneBackend.authenticate(self, request, username, password, **kwargs)
        user = ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)
        if user is not None and uses_published_demo_password(password):
            if request is not None:
                request.rongmei_login_refusal = DEMO_PASSWORD_REFUSED
            # Stops authenticate() at once and counts as a failed sign-in.
            raise PermissionDenied("the published demo password")
        return user


class NewsroomAxesHandler(AxesDatabaseHandler):
    """Axes compares one number with AXES_FAILURE_LIMIT; an address may fail more often.

    With AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"], Axes counts the failures of the
    account and of the address and takes the larger. Here the address's count is scaled so that
    it reaches the limit at RONGMEI_LOGIN_FAILURE_LIMIT_PER_ADDRESS.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.AXES_FAILURE_LIMIT
        scaled = by_address * limit // settings.RONGMEI_LOGIN_FAILURE_LIMIT_PER_ADDRESS
        if request is not None:
            request.rongmei_locked_by = "account" if by_account >= scaled else "address"
        return max(by_account, scaled)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # A directory that is down (rongmei.sso.ldap_backend) is nobody's wrong password.
        if getattr(request, "rongmei_directory_down", False):
            return
        super().user_login_failed(sender, credentials, request, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: keep Wagtail's login page (it shows the reason), answer 429."""
    match = getattr(request, "resolver_match", None)
    if (
        original_response is not None
        and original_response.status_code == 200
        and match is not None
        and match.url_name == "wagtailadmin_login"
    ):
        original_response.status_code = settings.AXES_HTTP_RESPONSE_CODE
        return original_response
    return HttpResponse(
        lockout_message(request),
        status=settings.AXES_HTTP_RESPONSE_CODE,
        content_type="text/plain; charset=utf-8",
    )


class NewsroomLoginForm(LoginForm):
    """Wagtail's login form, saying why a sign-in was refused when it was not the password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's field has no label, so Django shows its name, "Password", in every language.
        self.fields["password"].label = _("Password")

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(self.request), code="locked_out")
        refusal = getattr(self.request, "rongmei_login_refusal", None)
        if refusal:
            return ValidationError(refusal, code="demo_password")
        return super().get_invalid_login_error()
