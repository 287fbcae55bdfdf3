"""Faults (issue 15): what a killed worker, a restarted PostgreSQL and a full disk do to Rongmei.

    .venv/bin/python bench/faults.py                       # all three parts, SQLite for the kills
    .venv/bin/python bench/faults.py --parts kills --kills 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/faults.py --parts kills

1. **kills**: the publishing pipeline of bench/publish.py (its contract servers of WeChat, Weibo and a
   partner center, its two real ``db_worker`` processes and the scheduler, six channels per story,
   reused by import) while stories are published one every 0.5 s; a killer SIGKILLs a random worker
   after a random delay (``--min-delay`` … ``--max-delay`` s after the previous kill, so the kills
   land while Django loads, while a task is claimed, mid-request to a platform, between the answer
   and the row's update …) ``--kills`` times (100), starting it again each time. Then it waits for
   the leases of the interrupted sends (``outbox.DEFAULT_LEASE``, 5 minutes) with a sweep
   (``outbox.retry_due``) every 5 s and counts, from the platforms' own records (WeChat articles,
   Weibo posts by the story's link, partner pushes by Idempotency-Key; website/app/rss: outbox rows),
   what was lost and what was delivered twice (bench/publish.py's ``audit``), and the outbox rows of
   those stories not in a final state (pending, sending, failed with a retry still planned).
   Database: SQLite in WAL mode in a temporary directory, or a throwaway database next to
   DATABASE_URL when it is a PostgreSQL URL.
2. **pg**: a private PostgreSQL 15 (initdb into a temporary directory, its own port and socket
   directory, run as the ``postgres`` OS user; the shared server on 5432 is never touched), the
   bench/site_read.py newsroom in it, gunicorn (2 workers × 4 threads) against it, 8 reader threads
   on home, section, article and feed with the page cache off (every request reaches the database),
   and PostgreSQL stopped (fast shutdown) for ``--outage`` s and started again mid-run. Counted: the
   answers before, during and after; an error is clean when it is a 5xx with Rongmei's own error page
   and no traceback or SQL in it; recovered when every answer in the last ``--after`` s is 200, with
   the same gunicorn (its pids unchanged).
3. **disk**: tests/faults/test_full_disk.py run by pytest (a 2 MB tmpfs as MEDIA_ROOT and
   PRIVATE_ROOT when mounting is permitted, i.e. as root; otherwise skipped with the reason).

The last line is key=value figures.
"""

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
PG_BIN = Path("/usr/lib/postgresql/15/bin")


# --- 1. worker kills -------------------------------------------------------------------------------


def kills_part(args, figures: dict) -> None:
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(REPO))
    import publish

    tmp = Path(tempfile.mkdtemp(prefix="rongmei-faults-kills-"))
    url = os.environ.get("DATABASE_URL", "")
    db_args = argparse.Namespace(db="postgres" if url.startswith("postgres") else "sqlite", keep=False)
    database_url, drop, db_label = publish.set_up_database(db_args, tmp)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rongmei.settings",
        "DATABASE_URL": database_url,
        "RONGMEI_VAR_DIR": str(tmp),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
        "RONGMEI_CHANNEL_WECHAT_APP_SECRET": publish.WECHAT_SECRET,
        "RONGMEI_CHANNEL_WEIBO_ACCESS_TOKEN": publish.WEIBO_TOKEN,
        "PYTHONPATH": str(REPO),
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    contracts = workers = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"kills: database {db_label} ({database_url.split('@')[-1]})", flush=True)
        contracts = publish.Contracts(env)
        bench = publish.Bench(argparse.Namespace(), contracts)
        workers = publish.Workers(env, 2, tmp)
        for _ in range(2):
            bench.publish(*bench.draft("warm"), "warm")
        warm = [pk for pk, s in bench.stories.items() if s["run"] == "warm"]
        bench.wait_all(warm, deadline=time.monotonic() + 120, quiet=True)

        rng = random.Random(args.seed)
        kills: list[float] = []

        def killer():
            for _ in range(args.kills):
                time.sleep(rng.uniform(args.min_delay, args.max_delay))
                slot = rng.randrange(len(workers.processes))
                workers.kill(slot)
                kills.append(time.time())
                workers.start(slot)
                if len(kills) % 10 == 0:
                    print(f"  {len(kills)} kills", flush=True)

        thread = threading.Thread(target=killer, daemon=True)
        pks, _first, _last = publish.run_volume(
            bench, 1, "kill", on_start=thread.start, keep_going=thread.is_alive, pace=0.5
        )
        thread.join()
        print(f"kills: {len(kills)} SIGKILLs while {len(pks)} stories were published", flush=True)
        drained = drain(bench, pks + warm, deadline=kills[-1] - time.time() + time.monotonic() + args.drain)
        done = bench.published(pks)
        complete = sum(1 for pk in pks if len(done[pk]) == len(publish.CHANNELS))
        records = contracts.records()
        lost, duplicated, manual, details = publish.audit(bench, records, pks + warm)
        for line in details[:30]:
            print("  " + line)
        not_final, interrupted = outbox_leftovers(pks + warm)
        from django_tasks_db.models import DBTaskResult

        orphaned = DBTaskResult.objects.filter(status="RUNNING").count()
        print(
            f"kills: {complete}/{len(pks)} stories on all 6 channels; lost {lost}, duplicated {duplicated}, "
            f"needs manual check {manual}; outbox rows not final {not_final}; sends interrupted and "
            f"taken over after the lease {interrupted}; partner pushes {records['partner']['pushes']} "
            f"({records['partner']['duplicates_answered']} answered 'duplicate'); WeChat drafts "
            f"{len(records['wechat']['drafts'])} for {len(records['wechat']['articles'])} articles; "
            f"tasks left 'running' by killed workers {orphaned}",
            flush=True,
        )
        print(f"kills: the outbox drained {drained:.0f} s after the last kill", flush=True)
        figures.update(
            db=db_label,
            kills=len(kills),
            drained_s=round(drained),
            kill_stories=len(pks),
            deliveries=len(pks + warm) * len(publish.CHANNELS),
            lost=lost,
            duplicated=duplicated,
            manual=manual,
            outbox_not_final=not_final,
            interrupted=interrupted,
            orphaned_tasks=orphaned,
        )
    finally:
        if workers is not None:
            workers.stop()
        if contracts is not None:
            contracts.stop()
        if drop is not None:
            from django.db import connections

            connections.close_all()
            drop()
        shutil.rmtree(tmp, ignore_errors=True)


def drain(bench, pks, *, deadline: float) -> float:
    """Wait until every outbox row of these stories is final (or the deadline); seconds waited.

    Every 5 s the sweep runs as the scheduler's would (``retry_due``: rows whose lease ran out).
    A message whose task a killed worker had taken (its task row "running" for ever) is re-queued
    by the sweep only ``LOST_TASK_GRACE`` (15 min) after it was written, so a backlog is not queued
    twice; once the task queue is empty the bench sweeps as if that time had passed (a row that is
    not due yet is not claimed: the worker's own clock decides), which only saves the wait."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from rongmei.core import outbox

    started = time.monotonic()
    while time.monotonic() < deadline:
        not_final, _ = outbox_leftovers(pks)
        if not not_final:
            break
        if DBTaskResult.objects.ready().exists():
            outbox.retry_due()
        else:
            outbox.retry_due(now=timezone.now() + outbox.LOST_TASK_GRACE)
        if int(time.monotonic() - started) % 60 < 5:
            print(f"  waiting: {not_final} outbox rows not final", flush=True)
        time.sleep(5)
    return time.monotonic() - started


def outbox_leftovers(pks) -> tuple[int, int]:
    """(rows not in a final state, rows with more than one attempt) among these stories' messages."""
    from django.db.models import Q

    from rongmei.core.models import OutboxMessage

    Status = OutboxMessage.Status
    rows = OutboxMessage.objects.filter(target__startswith="distribution.", object_id__in=list(pks))
    waiting = Q(status__in=(Status.PENDING, Status.SENDING)) | Q(
        status=Status.FAILED, next_attempt_at__isnull=False
    )
    return rows.filter(waiting).count(), rows.filter(attempts__gt=1).count()


# --- 2. PostgreSQL restarted under load ---------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL of our own: initdb in a temporary directory, its own port and socket directory."""

    def __init__(self, port: int):
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="rongmei-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.run(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--locale=C", "--no-sync")  # fmt: skip
        self.start()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True, cwd=self.root)

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", options, "start")

    def stop(self):
        self.run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


LEAKS = re.compile(rb"Traceback|OperationalError|psycopg|connection to server|File \"/", re.IGNORECASE)


def classify(status: int, body: bytes) -> str:
    """ok, clean (a 5xx with Rongmei's own error page, nothing internal in it) or unclean."""
    if status == 200:
        return "ok"
    if status >= 500 and b"<html" in body.lower() and not LEAKS.search(body):
        return "clean"
    return "unclean"


def readers(port: int, paths: list[str], stop: threading.Event, log: list, threads: int = 8):
    def read(n):
        i = n
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            started = time.time()
            try:
                connection = HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", path)
                answer = connection.getresponse()
                status, body = answer.status, answer.read()
                connection.close()
            except OSError as exc:
                status, body = 0, str(exc).encode()
            log.append((started, path, status, classify(status, body), body[:2000]))

    pool = [threading.Thread(target=read, args=(n,), daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    return pool


def start_gunicorn(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    """bench/site_read.py's gunicorn (2 workers × 4 threads), its log (the outage's tracebacks) in a file."""
    import site_read

    command = [
        PYTHON, "-m", "gunicorn", "rongmei.wsgi:application", "--workers", str(site_read.WORKERS),
        "--threads", str(site_read.THREADS), "--bind", f"127.0.0.1:{port}", "--timeout", "60",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log, start_new_session=True)


def gunicorn_pids(server) -> set[int]:
    out = subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True).stdout
    return {int(pid) for pid in out.split()}


def pg_part(args, figures: dict) -> None:
    sys.path.insert(0, str(BENCH))
    import site_read

    postgres = PrivatePostgres(site_read.free_port())
    workdir = Path(tempfile.mkdtemp(prefix="rongmei-faults-web-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rongmei.settings",
        "RONGMEI_VAR_DIR": str(workdir),
        "DATABASE_URL": postgres.url,
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "RONGMEI_BENCH_BARE_VIEW": "1",
        "PUBLIC_PAGE_CACHE_ENABLED": "0",  # every request reaches the database
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONPATH": str(REPO),
    }
    env.pop("REDIS_URL", None)
    server = None
    try:
        output = subprocess.run(
            [PYTHON, str(BENCH / "site_read.py"), "--setup"],
            cwd=REPO, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        import json

        made = json.loads(output.strip().splitlines()[-1])
        paths = [made["home"], "/yaowen/", made["article"], "/feeds/latest.xml"]
        port = site_read.free_port()
        server = start_gunicorn(env, port, workdir / "gunicorn.log")
        site_read.wait_until_up(port)
        pids_before = gunicorn_pids(server)
        log: list = []
        stop = threading.Event()
        pool = readers(port, paths, stop, log)
        time.sleep(args.before)
        down_at = time.time()
        postgres.stop()
        time.sleep(args.outage)
        postgres.start()
        up_at = time.time()
        time.sleep(args.after)
        stop.set()
        for thread in pool:
            thread.join(timeout=40)
        pids_after = gunicorn_pids(server)
    finally:
        if server is not None:
            site_read.stop_server(server)
        postgres.destroy()
        shutil.rmtree(workdir, ignore_errors=True)

    def tally(rows):
        out = {"ok": 0, "clean": 0, "unclean": 0}
        for row in rows:
            out[row[3]] += 1
        return out

    before = tally(r for r in log if r[0] < down_at)
    during = tally(r for r in log if down_at <= r[0] < up_at)
    after_rows = [r for r in log if r[0] >= up_at]
    after = tally(after_rows)
    settle = up_at + args.after / 2
    last_half = [r for r in after_rows if r[0] >= settle]
    first_ok = min((r[0] for r in after_rows if r[3] == "ok"), default=float("nan"))
    recovered = bool(last_half) and all(r[3] == "ok" for r in last_half) and pids_before == pids_after
    statuses = sorted({r[2] for r in log if r[3] != "ok"})
    for row in [r for r in log if r[3] == "unclean"][:3]:
        print(f"  unclean: {row[1]} → {row[2]}: {row[4][:300]!r}")
    print(
        f"pg: before {before}, during the {args.outage:.0f} s outage {during}, after {after}; "
        f"error statuses {statuses}; first 200 {first_ok - up_at:.2f} s after the restart; "
        f"gunicorn pids unchanged: {pids_before == pids_after}",
        flush=True,
    )
    # Requests in flight when PostgreSQL stopped started "before": their errors count too.
    errors = sum(t["clean"] + t["unclean"] for t in (before, during, after))
    figures.update(
        pg_requests=len(log),
        pg_restart_errors=errors,
        pg_restart_errors_clean=before["clean"] + during["clean"] + after["clean"],
        pg_unclean=before["unclean"] + during["unclean"] + after["unclean"],
        pg_errors_after_restart=after["clean"] + after["unclean"],
        pg_recovered=int(recovered),
        pg_first_ok_s=round(first_ok - up_at, 2),
    )


# --- 3. full disk ---------------------------------------------------------------------------------------


def disk_part(args, figures: dict) -> None:
    command = [
        PYTHON,
        "-m",
        "pytest",
        "tests/faults/test_full_disk.py",
        "-q",
        "-rs",
        "-p",
        "no:cacheprovider",
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    tail = result.stdout.strip().splitlines()
    for line in tail[-6:]:
        print("  " + line)
    summary = tail[-1] if tail else ""
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", summary)) else 0
    skipped = "skipped" in summary
    figures.update(full_disk_clean=int(result.returncode == 0 and passed > 0), full_disk_tests=passed)
    if skipped:
        figures["full_disk_skipped"] = 1


# --- main -----------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="kills,pg,disk", help="comma-separated: kills, pg, disk")
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--min-delay", type=float, default=0.3, help="seconds between kills, at least")
    parser.add_argument("--max-delay", type=float, default=5.0, help="seconds between kills, at most")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument(
        "--drain", type=float, default=1800, help="kills: seconds to wait for the outbox at most"
    )
    parser.add_argument("--before", type=float, default=8.0, help="pg: seconds of load before the stop")
    parser.add_argument("--outage", type=float, default=5.0, help="pg: seconds PostgreSQL stays down")
    parser.add_argument("--after", type=float, default=12.0, help="pg: seconds of load after the start")
    args = parser.parse_args(argv)
    # Stopped with SIGTERM (or SIGINT in the background), still stop what was started (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    figures: dict = {}
    started = time.monotonic()
    # The disk and PostgreSQL parts run first, in their own processes: the kill part sets up Django here.
    if "disk" in parts:
        disk_part(args, figures)
    if "pg" in parts:
        if PG_BIN.exists():
            pg_part(args, figures)
        else:
            print(f"pg: skipped, no PostgreSQL 15 in {PG_BIN}")
    if "kills" in parts:
        kills_part(args, figures)
    figures["seconds"] = round(time.monotonic() - started)
    order = [
        "kills", "lost", "duplicated", "manual", "outbox_not_final", "interrupted", "orphaned_tasks",
        "kill_stories", "deliveries", "drained_s", "db", "pg_restart_errors_clean", "pg_unclean", "pg_errors_after_restart",
        "pg_recovered", "pg_first_ok_s", "pg_requests", "full_disk_clean", "full_disk_tests",
        "full_disk_skipped", "seconds",
    ]  # fmt: skip
    print(" ".join(f"{key}={figures[key]}" for key in order if key in figures), flush=True)


if __name__ == "__main__":
    main()
