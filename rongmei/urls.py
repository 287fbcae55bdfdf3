from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve as serve_static_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from rongmei.core import views as core_views
from rongmei.search import urls as search_urls
from rongmei.website import urls as website_urls

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(website_urls)),
    path("", include(search_urls)),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            serve_static_file,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Wagtail's page serving comes last: it catches every other path.
urlpatterns += [path("", include(wagtail_urls))]
