"""Rongmei settings, read from the environment.

Embedded default: SQLite in WAL mode under ./var/. Production: PostgreSQL via DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from rongmei.media.storage import public_media_origins, storages_from_environment

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("RONGMEI_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# `rongmei demo` sets RONGMEI_DEMO=1 for itself and the web/worker/scheduler it starts (rongmei/cli.py):
# the demo may then run without a SECRET_KEY and its accounts may use the published demo password.
RONGMEI_DEMO = env_bool("RONGMEI_DEMO", False)


def local_secret_key(path: Path) -> str:
    """A random key made once per installation and kept in VAR_DIR (for DEBUG and the demo only)."""
    import secrets
    import time

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or this very moment by a sibling process of the demo
        for _attempt in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.1)
        raise
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key


# Anyone who knows the key can sign session cookies and password-reset links, so outside DEBUG
# and the demo there is no fallback: the process refuses to start. This published value was the
# fallback up to 2026; it is refused like a missing key (and rongmei.E001 flags it in DEBUG).
INSECURE_DEFAULT_SECRET_KEY = "rongmei-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY or SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY:
    if DEBUG or RONGMEI_DEMO:
        SECRET_KEY = local_secret_key(VAR_DIR / "secret_key")
    elif env_bool("RONGMEI_KEYLESS_COMMAND", False):
        # makemigrations, makemessages, compilemessages, collectstatic (rongmei/cli.py): they
        # serve nothing and sign nothing that outlives the process.
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SECRET_KEY is not set (or is the published development key), and DEBUG is off. "
            "Set a random key in the environment, made once and kept secret, e.g.\n"
            "  export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\"\n"
            "For development set DEBUG=1; `rongmei demo` makes its own key in VAR_DIR/secret_key. "
            'See docs/deployment.md, "Production settings".'
        )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# An expired form says so in the reader's language (Django's page is English and talks of tokens).
CSRF_FAILURE_VIEW = "rongmei.website.views.csrf_failure"

INSTALLED_APPS = [
    "rongmei.core",
    "rongmei.organisation",
    "rongmei.newsroom",
    "rongmei.review",
    "rongmei.proofing",
    "rongmei.monitoring",
    "rongmei.search",
    "rongmei.website",
    "rongmei.distribution",
    "rongmei.demo",
    "rongmei.media",
    "rongmei.video",  # video and audio in the media library (issue 13)
    "rongmei.api",
    "rongmei.printing",
    "rongmei.neican",
    "rongmei.partners",
    "rongmei.mobile",
    "rongmei.wire",
    "rongmei.planning",  # 策划指挥: topics, assignments, events (issue 14)
    "rongmei.campaigns",  # campaigns and their topic pages (issue 14)
    "rongmei.tips",  # news tips from the public and their rewards (issue 14)
    "rongmei.command",  # 指挥调度: the command dashboard (issue 14)
    "rongmei.audit",  # the hash-chained audit trail (issue 15)
    "rongmei.accounts",  # second factor, password policy, session expiry (issue 15)
    "rongmei.sso",  # OIDC and LDAP sign-in (issue 15)
    "rongmei.backup",  # rongmei backup / rongmei restore (issue 15)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Wagtail formats relative times ("27 seconds ago") with humanize; installed, its zh_Hans catalogue loads.
    "django.contrib.humanize",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so pages answered from the public page cache get the headers too.
    "rongmei.core.middleware.NewsroomCSPMiddleware",
    "rongmei.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rongmei.core.middleware.NewsroomLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it knows the visitor's language and login and answers before URL routing.
    "rongmei.website.cache.PublicPageCacheMiddleware",
    # After the cache (a hit needs no site): a public page's site and home page from the process's
    # memo, without a query.
    "rongmei.website.memo.KnownSiteMiddleware",
    # Last (Axes' rule): turns a lockout into the login page with the reason, status 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rongmei.urls"
WSGI_APPLICATION = "rongmei.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "rongmei.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE transactions avoid the
    # "database is locked" upgrade deadlock between two writers. Connections are kept (CONN_MAX_AGE,
    # as for PostgreSQL): a new SQLite connection parses the whole schema again and starts with an
    # empty page cache, which cost an uncached article 14 ms of CPU instead of 6.5 (decision 0030).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=15000;"
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 15,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "rongmei"),
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "rongmei",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Public pages are cached for this many seconds and invalidated on publish/correction/retraction.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "600"))
PUBLIC_PAGE_CACHE_ENABLED = env_bool("PUBLIC_PAGE_CACHE_ENABLED", True)
# rongmei/wsgi.py leaves what the web process loaded out of Python's garbage collections
# (gc.freeze): a full collection walked ~240,000 objects, pausing a worker 100-190 ms (decision 0030).
WEB_GC_FREEZE = env_bool("WEB_GC_FREEZE", True)

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Passwords, i18n ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Signing in: throttling and the demo password (rongmei/core/auth.py, decision 0012) ----
AUTHENTICATION_BACKENDS = ["rongmei.core.auth.NewsroomAuthBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "rongmei.core.auth.NewsroomLoginForm"
# Counted in the database (every process and host sees the same numbers); per account and per
# network address, in this order (NewsroomAxesHandler relies on it).
AXES_HANDLER = "rongmei.core.auth.NewsroomAxesHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
RONGMEI_LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "50"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_CALLABLE = "rongmei.core.auth.lockout_response"
# A success does not wipe the counts: Axes would wipe the whole address's, which a person with one
# valid account could use to keep guessing another's password.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy: PROXY_COUNT=1 (one nginx) makes
# Axes read the client's address from X-Forwarded-For, which that proxy must set.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Clients' reports and other confidential files: outside MEDIA_ROOT, no URL at all; only views that
# check the permission hand them out (rongmei/core/storage.py).
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", VAR_DIR / "private"))
# The embedded set-up serves image renditions (MEDIA_ROOT/images/) itself, from disk before Django
# (rongmei/wsgi.py), and nothing else under MEDIA_ROOT; behind a web server set SERVE_MEDIA=0
# (docs/deployment.md, "Uploaded files").
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Local disk by default; S3-compatible object storage with MEDIA_STORAGE=s3 (decision 0035,
# docs/object-storage.md).
STORAGES = storages_from_environment(os.environ)
WAGTAILIMAGES_RENDITION_STORAGE = "renditions"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Documents only through Wagtail's view (/documents/<id>/<name>: collection privacy, CSP, nosniff),
# always as a download: an uploaded file never opens in place on our origin.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_EXTENSIONS = [
    "pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "dps", "odt", "ods", "odp",
    "rtf", "txt", "csv", "zip", "rar", "7z", "mp3", "m4a", "wav", "mp4",
]  # fmt: skip
# The upload forms' extra refusals: web pages/scripts as documents, images too large for Pillow.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "rongmei.media.forms.NewsDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "rongmei.media.forms.NewsImageForm"

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "融媒")
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# The public site's address for canonical links, feeds, the sitemap and the apps' image URLs
# (rongmei/website/site_url.py); empty: the Site record decides (checked at start: website.checks).
SITE_URL = os.environ.get("RONGMEI_SITE_URL", "")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("MAX_IMAGE_UPLOAD_BYTES", 10 * 1024 * 1024))
# Video and audio (rongmei.video): uploaded in chunks (resumable), kept in VIDEO_UPLOAD_DIR until
# complete; a web server in front must accept a chunk (client_max_body_size ≥ 9 MB).
VIDEO_MAX_UPLOAD_BYTES = int(os.environ.get("VIDEO_MAX_UPLOAD_BYTES", 2 * 1024**3))
AUDIO_MAX_UPLOAD_BYTES = int(os.environ.get("AUDIO_MAX_UPLOAD_BYTES", 200 * 1024**2))
# 指挥调度: how often the command dashboard asks for new figures (an ETag makes a quiet poll a 304).
COMMAND_DASHBOARD_POLL_SECONDS = int(os.environ.get("RONGMEI_COMMAND_DASHBOARD_POLL_SECONDS", "30"))
# Storage ceilings per kind of media (rongmei/media/quotas.py); 0: none.
MEDIA_QUOTA_BYTES = {
    kind: int(os.environ.get(f"MEDIA_QUOTA_{kind.upper()}_BYTES", "0") or 0)
    for kind in ("image", "video", "audio")
}
VIDEO_UPLOAD_CHUNK_BYTES = int(os.environ.get("VIDEO_UPLOAD_CHUNK_BYTES", 5 * 1024**2))
VIDEO_UPLOAD_DIR = Path(os.environ.get("VIDEO_UPLOAD_DIR", VAR_DIR / "video-uploads"))
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "rongmei.search.backend"},
}
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@rongmei.localhost")

# --- Rongmei --------------------------------------------------------------------------------
RONGMEI_TIPS_HOTLINE = os.environ.get("TIPS_HOTLINE", "0533-12345678")
RONGMEI_SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "60"))
# Intranet networks (CIDR) and host names that monitored sources and bot webhooks may reach anyway
# (everything else private or local is refused, see rongmei/core/outbound.py).
RONGMEI_OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS", "")
# /healthz shows its details (database, cache, worker) to staff and to a request carrying this
# value in the X-Healthz-Token header (for a monitoring system); everyone else sees ok/degraded.
HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "jieba": {"level": "WARNING"},
        # WeasyPrint logs each rendering step at INFO; fontTools each font subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # httpx logs each request's full URL at INFO, and some platforms (WeChat) put the access
        # token in the URL: never in the logs.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# --- Security headers and HTTPS (docs/deployment.md "Production settings", decision 0012) -----
# Off by default so the embedded set-up and the demo work over plain http://127.0.0.1; production
# behind TLS turns them on (`rongmei check --deploy` names any that are missing).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SESSION_COOKIE_HTTPONLY = True
# Behind a proxy that ends TLS: SECURE_PROXY_SSL_HEADER=1 trusts its X-Forwarded-Proto (the proxy
# must set or strip it), or name another header as HTTP_X_SCHEME etc.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip().upper()
if _proxy_ssl_header in {"1", "TRUE", "YES", "ON"}:
    _proxy_ssl_header = "HTTP_X_FORWARDED_PROTO"
if _proxy_ssl_header.startswith("HTTP_"):
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https")
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "strict-origin-when-cross-origin")
# Wagtail's preview shows the page in a frame of the admin (same origin), so not DENY.
X_FRAME_OPTIONS = os.environ.get("X_FRAME_OPTIONS", "SAMEORIGIN")
if X_FRAME_OPTIONS == "SAMEORIGIN":
    SILENCED_SYSTEM_CHECKS = ["security.W019"]  # "X_FRAME_OPTIONS is not DENY": see above
# Content-Security-Policy (django-csp): only our own scripts and styles, images also from data:
# and blob: (the image editor's previews). rongmei.core.middleware.NewsroomCSPMiddleware adds
# 'unsafe-inline' scripts for the Wagtail admin only, whose panels still print inline scripts.
# CSP_EXTRA_IMG_SRC / CSP_EXTRA_FRAME_SRC / CSP_EXTRA_MEDIA_SRC: more origins (a CDN, a video site's player).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [
            "'self'",
            "data:",
            "blob:",
            *public_media_origins(os.environ),
            *env_list("CSP_EXTRA_IMG_SRC", ""),
        ],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", *public_media_origins(os.environ), *env_list("CSP_EXTRA_MEDIA_SRC", "")],
        "frame-src": ["'self'", *env_list("CSP_EXTRA_FRAME_SRC", "")],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

WAGTAILIMAGES_IMAGE_MODEL = "media.NewsImage"
# No avatars from gravatar.com: the newsroom may run without internet access.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- accounts: second factor, password policy, session expiry (rongmei.accounts; issue 15) ---
# Decision 0037. The second factor: TOTP (an authenticator app) with one-time recovery codes.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# After the login is known: django-otp marks a verified session; then the session's age and idleness
# are checked; then the second factor is asked for in the admin (and enrolment where a role needs it).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "rongmei.accounts.middleware.SessionExpiryMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("rongmei.accounts.middleware.SessionExpiryMiddleware") + 1,
    "rongmei.accounts.middleware.SecondFactorMiddleware",
)
# Role codes (rongmei/organisation/roles.py: editor, director, chief, admin, ...) whose members must
# use a second factor; empty: it is each person's choice.
RONGMEI_OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "")
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Wrong codes: waits of 1, 2, 4, 8 ... seconds (django-otp), per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# A session lasts at most SESSION_COOKIE_AGE seconds from signing in (12 h: one shift), and ends
# after SESSION_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
RONGMEI_SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
# Password policy: Django's checks (the length one with words that have a Chinese translation) with
# the length from the environment, and the newsroom's own (rongmei/accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "rongmei.accounts.passwords.NewsroomMinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "rongmei.accounts.passwords.NewsroomPasswordValidator"},
]
# --- end accounts ---

# --- sso: OIDC and LDAP sign-in (rongmei.sso; issue 15) ---
# Off unless configured: OIDC_CLIENT_ID with OIDC_ISSUER (or the four OIDC_*_ENDPOINT), and/or
# LDAP_SERVER_URI. The variables are read in rongmei/sso/config.py; decision 0038.
from rongmei.sso.config import ldap_settings, oidc_settings, sso_backends  # noqa: E402

_sso_settings = {**oidc_settings(os.environ), **ldap_settings(os.environ)}
globals().update(_sso_settings)
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, *sso_backends(_sso_settings)]
# --- end sso ---
