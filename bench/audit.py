"""Audit chain (issue 15): what the hash chain adds to a logged act, and how fast it verifies.

    .venv/bin/python bench/audit.py                    # throwaway SQLite database, 100,000 records
    .venv/bin/python bench/audit.py --records 10000    # quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/audit.py
        # PostgreSQL: a throwaway database is created next to the given one and dropped after

1. **act**: ``--acts`` logged acts (``wagtail.log_actions.log`` about a user, each in its own
   transaction, as a service does), alternately in rounds with the chain capturing (one
   ``AuditRecord`` appended in the same transaction, under the chain's lock) and paused (the
   log entry alone); the ratio is the per-act time with the chain over the time without.
2. **seal**: ``--records`` log entries bulk-inserted while the chain is paused, then
   ``chain.seal()`` chains them (the backfill a site runs once when it gets this app).
3. **verify**: ``verify()`` over the whole chain, with and without comparing each record with
   its source row. The last line is key=value figures.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def set_up_database(args):
    """A throwaway database: SQLite in a temp dir, or a new database on the given PostgreSQL."""
    tmp = tempfile.mkdtemp(prefix="rongmei-bench-audit-")
    os.environ["RONGMEI_VAR_DIR"] = tmp
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # production settings, DEBUG off
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        name = f"rongmei_bench_audit_{os.getpid()}"
        admin = psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name

        def drop():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
            shutil.rmtree(tmp, ignore_errors=True)

    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"

        def drop():
            shutil.rmtree(tmp, ignore_errors=True)

    return drop


def run(args) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry

    from rongmei.audit import chain
    from rongmei.audit.models import AuditRecord
    from rongmei.audit.verify import verify

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}, migrated in {time.perf_counter() - started:.1f} s", flush=True)
    user = get_user_model().objects.create_user("bench", password="x")
    figures = {"db": connection.vendor}

    # 1. one logged act, with and without the chain, in alternating rounds
    def acts(count, capture):
        begin = time.perf_counter()
        for n in range(count):
            if capture:
                with transaction.atomic():
                    log(instance=user, action="wagtail.edit", user=user, data={"n": n})
            else:
                with chain.paused(), transaction.atomic():
                    log(instance=user, action="wagtail.edit", user=user, data={"n": n})
        return time.perf_counter() - begin

    per_round = max(1, args.acts // (2 * args.rounds))
    timed = {True: 0.0, False: 0.0}
    for _round in range(args.rounds):
        for capture in (False, True):
            timed[capture] += acts(per_round, capture)
    done = per_round * args.rounds
    figures["act_ms"] = round(timed[False] / done * 1000, 3)
    figures["act_chained_ms"] = round(timed[True] / done * 1000, 3)
    figures["act_ratio"] = round(timed[True] / timed[False], 2)
    print(f"act: {done} each way; {figures}", flush=True)

    # 2. seal: bulk log entries, then the backfill
    content_type = ContentType.objects.get_for_model(user)
    now = timezone.now()
    log_entries = chain.SOURCES["wagtailcore.ModelLogEntry"]
    missing = args.records - AuditRecord.objects.count() - chain.unchained(log_entries).count()
    batch = []
    for n in range(max(0, missing)):
        batch.append(
            ModelLogEntry(
                content_type=content_type,
                label=user.username,
                action="wagtail.edit",
                data={"n": n, "note": "稿件修改"},
                timestamp=now,
                user=user,
                object_id=str(user.pk),
            )
        )
        if len(batch) == 5000:
            ModelLogEntry.objects.bulk_create(batch)
            batch = []
    ModelLogEntry.objects.bulk_create(batch)
    begin = time.perf_counter()
    sealed = chain.seal()
    seal_s = time.perf_counter() - begin
    figures["records"] = AuditRecord.objects.count()
    figures["seal_per_s"] = round(sealed / seal_s) if sealed else 0
    print(f"seal: {sealed} entries in {seal_s:.1f} s", flush=True)

    # 3. verify, with and without the source rows
    for check_sources, key in ((True, "verify_per_s"), (False, "verify_chain_only_per_s")):
        begin = time.perf_counter()
        report = verify(check_sources=check_sources)
        elapsed = time.perf_counter() - begin
        if not report.ok:
            sys.exit(f"the bench's chain does not verify: {report.problems[:3]}")
        figures[key] = round(report.records / elapsed)
        print(f"verify (sources {check_sources}): {report.records} records in {elapsed:.1f} s", flush=True)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--acts", type=int, default=2000, help="logged acts, half with the chain")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--records", type=int, default=100_000, help="chain length for seal and verify")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongmei.settings")
    drop = set_up_database(args)
    try:
        figures = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        drop()
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
