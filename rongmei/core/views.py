import hmac
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

# A worker counts as running if it finished a heartbeat (enqueued each minute) this recently.
WORKER_STALE_AFTER = timedelta(minutes=3)


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)}
    return {"ok": True, "vendor": connection.vendor, "name": str(settings.DATABASES["default"]["NAME"])}


def cache_state() -> dict:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    try:
        cache.set("healthz:probe", "1", 10)
        ok = cache.get("healthz:probe") == "1"
    except Exception as exc:
        return {"ok": False, "backend": backend, "error": str(exc)}
    return {"ok": ok, "backend": backend}


def worker_state() -> dict:
    from django_tasks_db.models import DBTaskResult

    try:
        last = (
            DBTaskResult.objects.filter(task_path="rongmei.core.tasks.worker_heartbeat", status="SUCCESSFUL")
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        waiting = DBTaskResult.objects.filter(status="READY").count()
    except Exception as exc:
        return {"ok": False, "state": "unknown", "error": str(exc)}
    if last is None:
        state = "never-seen"
    elif timezone.now() - last > WORKER_STALE_AFTER:
        state = "stale"
    else:
        state = "running"
    return {
        "ok": state == "running",
        "state": state,
        "last_heartbeat": last.isoformat() if last else None,
        "tasks_waiting": waiting,
    }


def may_see_details(request) -> bool:
    """Staff (or Wagtail admin users), or a monitoring system with the HEALTHZ_TOKEN header.

    The details name the database (for SQLite its file path), the cache backend and error texts:
    nothing a stranger needs, and a map for an attacker.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and (user.is_staff or user.has_perm("wagtailadmin.access_admin")):
        return True
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("X-Healthz-Token", "")
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


@never_cache
def healthz(request):
    """200 while the site can serve pages (database up); details say what else is degraded.

    Everyone gets {"status": "ok"|"degraded"} and the status code; only `may_see_details` the parts.
    """
    db = database_state()
    body = {"database": db, "cache": cache_state(), "worker": worker_state() if db["ok"] else {"ok": False}}
    status = "ok" if all(part["ok"] for part in (body["database"], body["cache"], body["worker"])) else "degraded"
    body = {"status": status, **body} if may_see_details(request) else {"status": status}
    return JsonResponse(body, status=200 if db["ok"] else 503, json_dumps_params={"ensure_ascii": False})
