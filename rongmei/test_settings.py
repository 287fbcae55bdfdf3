"""Settings for the test suite: the real settings with test-friendly defaults."""

import os
import tempfile

os.environ.setdefault("RONGMEI_VAR_DIR", tempfile.mkdtemp(prefix="rongmei-test-"))
os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
# The suite signs sessions like production; without DEBUG the settings refuse to start keyless.
os.environ.setdefault("SECRET_KEY", "rongmei-test-suite-only-" + "x" * 40)
if os.environ.get("RONGMEI_TEST_REDIS") != "1":
    os.environ.pop("REDIS_URL", None)

from rongmei.settings import *  # noqa: E402,F403

# Tasks run inline in tests, so a service's whole effect is visible when it returns; the
# "database" alias is the real worker backend, for the tests of the worker itself.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: the browser tests' live server thread and the test thread
    # then use SQLite's real locking (WAL + busy timeout), as the web and worker processes do.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# Every task run and page edit logs at INFO; in a failing test's report that hides the failure.
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Tests write the page cache's tag rows and read them back at once from the same process; with
# no clock window every hit reads the tables (rongmei/website/tests/test_cache_clock.py tests
# the window itself).
PUBLIC_PAGE_CACHE_CLOCK_SECONDS = 0
# The per-process memo of site, navigation and sections follows the clock, which moves on commit;
# most tests never commit (memo tests turn it on with committed bumps).
PUBLIC_MEMO_ENABLED = False
# A test that imports rongmei.wsgi would freeze the test process's objects, garbage-to-be included
# (core/tests/test_wsgi_gc.py turns it on in a process of its own).
WEB_GC_FREEZE = env_bool("WEB_GC_FREEZE", False)  # noqa: F405 (from rongmei.settings)
