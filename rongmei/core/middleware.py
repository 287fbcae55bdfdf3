from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# The Wagtail admin's URL prefix (rongmei/urls.py).
ADMIN_PREFIX = "/admin/"


class NewsroomLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the reader chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show the site in
    English to every reader whose browser is set up in English. Rongmei's site and admin are
    zh-hans first: only the language cookie (the site's 简体中文/English switch) changes that; the
    admin follows each user's own language preference, which Wagtail applies in its views.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class NewsroomCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; the Wagtail admin also runs inline scripts.

    Wagtail 7.4 still prints inline <script> blocks (InlinePanel, MultipleChooserPanel, the date
    and time widgets) and offers no nonce, so the admin's policy adds 'unsafe-inline' to
    script-src. The public site, where anyone's content is shown, keeps script-src 'self'.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            parts.replace = {**(parts.replace or {}), "script-src": [SELF, UNSAFE_INLINE]}
        return parts


class PermissionsPolicyMiddleware:
    """Neither the site nor the admin needs a camera, microphone, location or payment."""

    HEADER_VALUE = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.HEADER_VALUE)
        return response
