"""Signing in through the center's OpenID Connect provider (统一身份认证), decision 0038.

mozilla-django-oidc does the authorization-code flow (state, nonce, PKCE, the token request, the
JWKS look-up). Added here: the provider's endpoints from discovery on first use (never at start-up,
so a provider that is down does not stop the site), a stricter id_token check (issuer, audience,
expiry), accounts matched by a configured claim, roles from a groups claim, and every refusal shown
on the admin login page with its reason.
"""

import logging
import threading
import time

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from rongmei.core.auth import lockout_message

from .roles import sync_roles

logger = logging.getLogger("rongmei.sso")

_DISCOVERY_KEYS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovery_lock = threading.Lock()
_discovery: dict[str, tuple[float, dict]] = {}

PROVIDER_DOWN = _(
    "The unified sign-in service cannot be reached right now (%(reason)s). "
    "Please try again in a few minutes, or sign in with your Rongmei password."
)
PROVIDER_REFUSED = _("The unified sign-in service refused the sign-in (%(reason)s). Please try again.")
STATE_MISMATCH = _(
    "This sign-in reply does not belong to a sign-in started in this browser, or it was already used. "
    "Please click the unified sign-in button again."
)
UNVERIFIED = _(
    "The reply of the unified sign-in service could not be verified (%(reason)s), so you were not "
    "signed in. Please try again; if it happens again, tell an administrator."
)
UNKNOWN_USER = _(
    "Your unified sign-in account %(name)s has no Rongmei account. "
    "Please ask an administrator to create one with this user name."
)
INACTIVE_USER = _("The Rongmei account %(name)s is disabled. Please ask an administrator.")
NO_USERNAME = _(
    "The unified sign-in service did not say who you are (no %(claim)s claim). Please tell an administrator."
)


class ProviderUnavailable(Exception):
    pass


class SignInRefused(Exception):
    """A refusal with the message the person sees (already translated) and the reason for the log."""

    def __init__(self, message: str, log_reason: str):
        super().__init__(log_reason)
        self.message = message


def clear_discovery_cache() -> None:
    with _discovery_lock:
        _discovery.clear()


def discovery() -> dict:
    """The provider's /.well-known/openid-configuration, fetched on first use and kept for an hour."""
    issuer = settings.RONGMEI_OIDC_ISSUER
    if not issuer:
        return {}
    with _discovery_lock:
        cached = _discovery.get(issuer)
        if cached and time.monotonic() - cached[0] < settings.RONGMEI_OIDC_DISCOVERY_SECONDS:
            return cached[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery {url}: {exc}") from exc
    if document.get("issuer", "").rstrip("/") != issuer:
        raise ProviderUnavailable(f"discovery {url} names issuer {document.get('issuer')!r}, not {issuer!r}")
    with _discovery_lock:
        _discovery[issuer] = (time.monotonic(), document)
    return document


def provider_endpoint(name: str) -> str:
    explicit = getattr(settings, name, "")
    if explicit:
        return explicit
    value = discovery().get(_DISCOVERY_KEYS[name], "")
    if not value:
        raise ProviderUnavailable(f"no {_DISCOVERY_KEYS[name]} configured or discovered")
    return value


def _claim_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


class NewsroomOIDCBackend(OIDCAuthenticationBackend):
    # Django makes a backend for every request that loads a signed-in user: no endpoints read here.
    def __init__(self, *args, **kwargs):
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 (mozilla-django-oidc's attribute names)
        return provider_endpoint("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return provider_endpoint("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return provider_endpoint("OIDC_OP_JWKS_ENDPOINT")

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password sign-in never reaches the provider.
        if request is None or "nonce" not in kwargs or not getattr(settings, "RONGMEI_OIDC_ENABLED", False):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except SignInRefused as refusal:
            self._refuse(request, refusal)
        except ProviderUnavailable as exc:
            self._refuse(request, SignInRefused(str(PROVIDER_DOWN) % {"reason": _short(exc)}, str(exc)))
        except requests.HTTPError as exc:
            reason = _provider_error(exc.response)
            self._refuse(request, SignInRefused(str(PROVIDER_REFUSED) % {"reason": reason}, str(exc)))
        except requests.RequestException as exc:
            self._refuse(request, SignInRefused(str(PROVIDER_DOWN) % {"reason": _short(exc)}, str(exc)))
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError) as exc:
            self._refuse(request, SignInRefused(str(UNVERIFIED) % {"reason": _short(exc)}, repr(exc)))

    def _refuse(self, request, refusal: SignInRefused):
        request.rongmei_sso_refusal = refusal.message
        logger.warning("oidc sign-in refused: %s", refusal)
        # Stops authenticate() and counts as a failed sign-in for the address (django-axes).
        raise PermissionDenied(str(refusal))

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"id_token signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO}"
            )
        options = {"require": ["exp", "iat", "sub"]}
        issuer = settings.RONGMEI_OIDC_ISSUER or None
        # PyJWT checks the signature, exp/iat (a minute's leeway for clocks), aud and iss.
        return jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=issuer,
            leeway=60,
            options=options,
        )

    def verify_token(self, token, **kwargs):
        if not token:
            raise SuspiciousOperation("no id_token in the token response")
        return super().verify_token(token, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            # mozilla-django-oidc would swallow a SuspiciousOperation here: refuse with the reason.
            reason = "userinfo is about another subject than the id_token"
            raise SignInRefused(str(UNVERIFIED) % {"reason": reason}, reason)
        claims.update(userinfo)
        claim = settings.RONGMEI_OIDC_USERNAME_CLAIM
        username = str(claims.get(claim) or "").strip()
        if not username:
            raise SignInRefused(str(NO_USERNAME) % {"claim": claim}, f"no {claim} claim")
        user = self.UserModel.objects.filter(username=username).first()
        if user is None:
            if not settings.RONGMEI_OIDC_CREATE_USERS:
                raise SignInRefused(str(UNKNOWN_USER) % {"name": username}, f"no account {username!r}")
            user = self.UserModel(username=username)
            user.set_unusable_password()
            logger.info("oidc: created the account %s", username)
        if not user.is_active:
            raise SignInRefused(str(INACTIVE_USER) % {"name": username}, f"account {username!r} is disabled")
        self._update_user(user, claims)
        sync_roles(
            user,
            _claim_list(claims.get(settings.RONGMEI_OIDC_ROLES_CLAIM)),
            settings.RONGMEI_OIDC_ROLE_MAP,
            source="oidc",
        )
        return user

    def _update_user(self, user, claims):
        name = claims.get("name") or "".join(
            part for part in (claims.get("family_name"), claims.get("given_name")) if part
        )
        if name:
            user.first_name, user.last_name = str(name)[:150], ""
        if claims.get("email"):
            user.email = claims["email"]
        user.save()


def _short(exc) -> str:
    text = str(exc) or exc.__class__.__name__
    return text if len(text) <= 200 else text[:200] + "…"


def _provider_error(response) -> str:
    try:
        body = response.json()
        return body.get("error_description") or body.get("error") or f"HTTP {response.status_code}"
    except ValueError:
        return f"HTTP {response.status_code}"


def _refuse_to_login_page(request, message: str, log_reason: str):
    logger.warning("oidc sign-in refused: %s", log_reason)
    messages.error(request, message)
    return HttpResponseRedirect(reverse("wagtailadmin_login"))


class NewsroomOIDCLoginView(OIDCAuthenticationRequestView):
    """The button's target: remembers state, nonce and PKCE verifier, sends the browser to the provider."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not getattr(settings, "RONGMEI_OIDC_ENABLED", False):
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as exc:
            return _refuse_to_login_page(request, str(PROVIDER_DOWN) % {"reason": _short(exc)}, str(exc))
        return super().get(request)


class NewsroomOIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; any refusal goes to the login page with its reason."""

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or reverse("wagtailadmin_home")

    def get(self, request):
        if not getattr(settings, "RONGMEI_OIDC_ENABLED", False):
            raise Http404
        if request.GET.get("error"):
            super().get(request)  # forgets the state and signs out, as mozilla-django-oidc does
            reason = request.GET.get("error_description") or request.GET["error"]
            return _refuse_to_login_page(
                request, str(PROVIDER_REFUSED) % {"reason": reason[:200]}, f"provider error {reason!r}"
            )
        state = request.GET.get("state")
        if not request.GET.get("code") or not state or state not in request.session.get("oidc_states", {}):
            return _refuse_to_login_page(request, str(STATE_MISMATCH), f"unknown state {state!r}")
        return super().get(request)

    def login_failure(self):
        request = self.request
        if getattr(request, "axes_locked_out", False):
            message = lockout_message(request)
        else:
            message = getattr(request, "rongmei_sso_refusal", None) or str(UNVERIFIED) % {"reason": "unknown"}
        return _refuse_to_login_page(request, message, "sign-in failed")
