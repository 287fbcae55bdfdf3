from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
