from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from rongmei.api.api import api as content_api
from rongmei.core import views as core_views
from rongmei.media.views import serve_public_media
from rongmei.newsroom import admin_urls as newsroom_admin_urls
from rongmei.search import urls as search_urls
from rongmei.website import urls as website_urls

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Wagtail admin screens narrowed to what the user may see (newsroom/visibility.py); first, so
    # they answer Wagtail's own addresses.
    path("admin/", include(newsroom_admin_urls)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", content_api.urls),
    path("partners/", include("rongmei.partners.urls")),  # partner centers' pull, push and feeds
    path("wire/", include("rongmei.wire.urls")),
    path("h5/", include("rongmei.mobile.urls")),  # the mobile web app (H5) reading the content API
    path("tips/", include("rongmei.tips.urls")),  # the public tips form (爆料)
    path("accounts/", include("rongmei.accounts.urls")),  # second factor (issue 15)
    path("sso/", include("rongmei.sso.urls")),  # OIDC sign-in (issue 15)
    path("", include(website_urls)),
    path("", include(search_urls)),
]

if settings.SERVE_MEDIA:
    # Image renditions only: documents, originals and anything else under MEDIA_ROOT stay unserved.
    urlpatterns += [
        re_path(r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")), serve_public_media),
    ]

# Wagtail's page serving comes last: it catches every other path.
urlpatterns += [path("", include(wagtail_urls))]

# Error pages in the reader's language with the site's look (Django's defaults are English).
handler400 = "rongmei.website.views.bad_request"
handler403 = "rongmei.website.views.permission_denied"
handler404 = "rongmei.website.views.page_not_found"
handler500 = "rongmei.website.views.server_error"
