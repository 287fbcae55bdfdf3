"""Backup and restore benchmark: a round trip of a 100,000-story database with media and private files.

    .venv/bin/python bench/backup.py                  # 100,000 stories, throwaway SQLite database
    .venv/bin/python bench/backup.py --stories 5000   # quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/backup.py
        # PostgreSQL: throwaway databases are created next to the given one and dropped after

It generates the stories as bench/search.py does (its generator and database set-up, the same bulk
insert of Page and StoryPage rows; no search index), writes some media and private files, computes
the content checksum of the live database, runs ``rongmei.backup.archive.create_backup``, restores
the archive into a fresh empty database (and emptied file directories) with ``restore_backup`` and
compares the checksums of the source, the archive and the restored database. The last line is
key=value figures.
"""

import argparse
import hashlib
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from search import make_story, set_up_database  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--media-files", type=int, default=200, help="files of 100 KB in MEDIA_ROOT")
    parser.add_argument("--private-files", type=int, default=50, help="files of 20 KB in PRIVATE_ROOT")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--keep", action="store_true", help="keep the databases and the archive")
    args = parser.parse_args()

    drop = set_up_database(args)  # sets RONGMEI_VAR_DIR and DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongmei.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    fresh = {}
    try:
        run(args, fresh)
    finally:
        from django.db import connections

        connections.close_all()
        if fresh.get("drop") and not args.keep:
            fresh["drop"]()
        if drop is not None:
            drop()


def insert_stories(count, seed):
    """The bulk insert of bench/search.py: Page rows with computed paths, then StoryPage rows."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from rongmei.newsroom.models import HomePage, SectionPage, StoryPage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="基准融媒", slug="bench-home"))
    section = home.add_child(instance=SectionPage(title="要闻", slug="bench-yaowen"))
    rng = random.Random(seed)
    story_ct = ContentType.objects.get_for_model(StoryPage)
    locale_id = Locale.get_default().pk
    now = timezone.now()
    fields = list(StoryPage._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    insert_sql = (
        f"INSERT INTO {connection.ops.quote_name(StoryPage._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    for offset in range(0, count, 2000):
        chunk = [make_story(rng) for _ in range(min(2000, count - offset))]
        pages = []
        for number, (title, _lead, _body) in enumerate(chunk, start=offset + 1):
            slug = f"s{number}"
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    path=Page._get_path(section.path, section.depth + 1, number),
                    depth=section.depth + 1,
                    numchild=0,
                    url_path=f"{section.url_path}{slug}/",
                    content_type=story_ct,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now - timezone.timedelta(minutes=count - number),
                    last_published_at=now,
                    locale_id=locale_id,
                )
            )
        with transaction.atomic():
            created = Page.objects.bulk_create(pages)
            if created[0].pk is None:
                created = list(Page.objects.filter(path__in=[p.path for p in pages]).order_by("path"))
            rows = []
            for page, (title, lead, body) in zip(created, chunk, strict=True):
                story = StoryPage(
                    page_ptr_id=page.pk, id=page.pk, title=title, lead=lead, body=body, path=page.path
                )
                rows.append([f.get_db_prep_save(getattr(story, f.attname), connection) for f in fields])
            with connection.cursor() as cursor:
                cursor.executemany(insert_sql, rows)
    Page.objects.filter(pk=section.pk).update(numchild=count)


def fresh_database(db, tmp):
    """An empty database of the same vendor, and a function dropping it."""
    fresh = dict(db)
    if db["ENGINE"].endswith("sqlite3"):
        fresh["NAME"] = str(Path(tmp) / "restored.sqlite3")
        return fresh, None
    import psycopg

    fresh["NAME"] = f"rongmei_bench_backup_restored_{os.getpid()}"
    admin = psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{fresh["NAME"]}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh["NAME"]}" WITH (FORCE)')
        admin.close()

    return fresh, drop


def live_checksum(db):
    from rongmei.backup import archive

    if db["ENGINE"].endswith("sqlite3"):
        return archive.sqlite_checksum(Path(db["NAME"]))
    conn = archive._pg_connect(db)
    try:
        with conn.cursor() as cursor:
            return archive.pg_checksum(cursor)
    finally:
        conn.rollback()
        conn.close()


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def run(args, fresh_holder):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from rongmei.backup import archive

    call_command("migrate", verbosity=0)
    db = settings.DATABASES["default"]
    print(f"database: {connection.vendor} {db['NAME']}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    insert_stories(args.stories, args.seed)
    print(f"inserted {args.stories} stories in {time.perf_counter() - started:.1f} s", flush=True)

    rng = random.Random(args.seed)
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_ROOT)
    for number in range(args.media_files):
        path = media / "original_images" / f"photo{number:04d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(100_000))
    for number in range(args.private_files):
        path = private / "tips" / f"线索{number:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(20_000))
    files_before = (tree_digest(media), tree_digest(private))
    connections.close_all()

    started = time.perf_counter()
    source = live_checksum(db)
    checksum_s = time.perf_counter() - started
    print(
        f"source checksum {source.value} ({source.tables} tables, {source.rows} rows) in {checksum_s:.1f} s"
    )
    if db["ENGINE"].endswith("sqlite3"):
        db_mb = Path(db["NAME"]).stat().st_size / 1e6
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            db_mb = cursor.fetchone()[0] / 1e6
        connections.close_all()

    out_dir = Path(tempfile.mkdtemp(prefix="rongmei-bench-backup-out-"))
    started = time.perf_counter()
    made = archive.create_backup(out_dir)
    backup_s = time.perf_counter() - started
    print(
        f"backup {made.path.name}: {made.size / 1e6:.1f} MB in {backup_s:.1f} s, checksum {made.checksum.value}"
    )

    fresh, drop = fresh_database(db, settings.VAR_DIR)
    fresh_holder["drop"] = drop
    shutil.rmtree(media)
    shutil.rmtree(private)
    started = time.perf_counter()
    restored = archive.restore_backup(made.path, db=fresh)
    restore_s = time.perf_counter() - started
    print(f"restore into {fresh['NAME']}: {restore_s:.1f} s, checksum {restored.checksum.value}")
    again = live_checksum(fresh)
    files_after = (tree_digest(media), tree_digest(private))
    identical = int(
        source.value == made.checksum.value == restored.checksum.value == again.value
        and files_before == files_after
    )
    print(f"source == archive == restored: {bool(identical)}; files identical: {files_before == files_after}")
    if not args.keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    print(
        f"vendor={connection.vendor} stories={args.stories} rows={source.rows} identical={identical} "
        f"db_mb={db_mb:.1f} archive_mb={made.size / 1e6:.1f} files={made.files} "
        f"checksum_s={checksum_s:.1f} backup_s={backup_s:.1f} restore_s={restore_s:.1f}"
    )
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
