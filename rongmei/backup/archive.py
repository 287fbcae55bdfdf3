"""Backups of the database, MEDIA_ROOT and PRIVATE_ROOT in one tar archive, and their restore.

An archive (``rongmei-backup-<UTC time>.tar``) holds:

- ``database.sqlite3`` (SQLite's online backup API: one consistent copy while the site writes) or
  ``database.pgdump`` (``pg_dump --format=custom`` of one exported snapshot);
- ``media/…`` and ``private/…``: the files of MEDIA_ROOT and PRIVATE_ROOT (local disk only; with
  ``MEDIA_STORAGE=s3`` the buckets' own versioning keeps them, decision 0039);
- ``manifest.json``, last: format, Rongmei version, database vendor, every app's applied
  migrations (the schema), each member's size and SHA-256, and the *content checksum*.

The content checksum is computed from the database snapshot itself (the same transaction as
pg_dump, or the copied SQLite file) and again after a restore, so both commands print it and a
round trip must give the same value: for every table in name order, its rows in primary-key order
(all columns when it has none) hashed one by one (SQLite: ``repr`` of the row tuple; PostgreSQL:
the row's text form in UTC/ISO), then the table names, row counts and table digests hashed
together. SQLite's FTS5 virtual tables are left out; their shadow tables (the real storage) count.
"""

import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
ARCHIVE_PREFIX = "rongmei-backup-"
ARCHIVE_SUFFIX = ".tar"
ARCHIVE_NAME = re.compile(r"^rongmei-backup-(\d{8}T\d{6}Z)(-\d+)?\.tar$")
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
FILE_ROOTS = ("media", "private")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal or failure, with the message for the person running the command."""


@dataclass
class Checksum:
    value: str
    tables: int
    rows: int


@dataclass
class BackupResult:
    path: Path
    size: int
    checksum: Checksum
    files: int
    files_bytes: int
    pruned: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass
class RestoreResult:
    checksum: Checksum
    files: int
    pending_migrations: list
    notes: list = field(default_factory=list)


# --- where things are -----------------------------------------------------------------------


def rongmei_version() -> str:
    try:
        return importlib.metadata.version("rongmei")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def vendor_of(db: dict) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(_("This database engine cannot be backed up: %(engine)s.") % {"engine": engine})


def file_roots() -> dict:
    """Archive prefix → local directory, for the file stores kept on local disk (by class, not by
    name, so a subclass of FileSystemStorage counts; S3 storages do not)."""
    from django.core.files.storage import FileSystemStorage, storages

    roots = {}
    for prefix, alias in (("media", "default"), ("private", "private")):
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            roots[prefix] = Path(storage.location)
    return roots


def object_storage_note() -> str | None:
    if set(file_roots()) == set(FILE_ROOTS):
        return None
    return _(
        "Files in object storage (MEDIA_STORAGE=s3) are not in this archive: keep them with the "
        "buckets' versioning or a copy of the buckets (docs/deployment.md, “Backup and restore”)."
    )


# --- the content checksum ---------------------------------------------------------------------


def _finish(tables: list) -> Checksum:
    total = hashlib.sha256()
    rows = 0
    for name, count, digest in tables:
        total.update(f"{name}\t{count}\t{digest}\n".encode())
        rows += count
    return Checksum(total.hexdigest(), len(tables), rows)


def sqlite_checksum(path: Path) -> Checksum:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("BEGIN")  # one read snapshot for every table
        names = [
            name
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if not (sql or "").upper().startswith("CREATE VIRTUAL TABLE")
        ]
        tables = []
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            info = conn.execute(f"PRAGMA table_info({quoted})").fetchall()
            keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
            order = ", ".join('"' + c.replace('"', '""') + '"' for c in keys) or ", ".join(
                str(i + 1) for i in range(len(info))
            )
            digest, count = hashlib.sha256(), 0
            for row in conn.execute(f"SELECT * FROM {quoted} ORDER BY {order}"):
                digest.update(repr(row).encode())
                digest.update(b"\n")
                count += 1
            tables.append((name, count, digest.hexdigest()))
        conn.rollback()
    finally:
        conn.close()
    return _finish(tables)


def pg_checksum(cursor) -> Checksum:
    """The checksum of the database ``cursor`` reads, inside its current transaction."""
    cursor.execute("SET LOCAL TIME ZONE 'UTC'")
    cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
    cursor.execute("SET LOCAL IntervalStyle = 'postgres'")
    cursor.execute("SET LOCAL extra_float_digits = 1")
    cursor.execute("SET LOCAL bytea_output = 'hex'")
    cursor.execute(
        "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    tables = []
    for oid, name in cursor.fetchall():
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            [oid],
        )
        keys = [row[0] for row in cursor.fetchall()]
        quoted = '"' + name.replace('"', '""') + '"'
        order = ", ".join('"' + c.replace('"', '""') + '"' for c in keys) or "1"
        select = (
            f"SELECT t::text FROM {quoted} t ORDER BY {order}"
            if keys
            else f'SELECT t::text FROM {quoted} t ORDER BY t::text COLLATE "C"'
        )
        digest, count = hashlib.sha256(), 0
        cursor.execute(select)
        while batch := cursor.fetchmany(5000):
            for (text,) in batch:
                digest.update(text.encode())
                digest.update(b"\n")
                count += 1
        tables.append((name, count, digest.hexdigest()))
    return _finish(tables)


def _pg_connect(db: dict):
    import psycopg

    return psycopg.connect(
        dbname=db["NAME"],
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )


def _pg_env(db: dict) -> tuple[list, dict]:
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = {**os.environ, "PGCONNECT_TIMEOUT": "15"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def pg_tool(name: str) -> tuple[str, int]:
    """The path and major version of pg_dump or pg_restore, or a refusal saying how to get it."""
    path = shutil.which(name)
    if not path:
        raise BackupError(
            _(
                "%(tool)s was not found on this machine, so a PostgreSQL database cannot be backed "
                "up or restored. Install the PostgreSQL client of the server's version (e.g. apt-get "
                "install postgresql-client) and run the command again."
            )
            % {"tool": name}
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return path, int(match.group(1)) if match else 0


def applied_migrations(rows) -> dict:
    schema = {}
    for app, name in rows:
        schema.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(schema.items())}


# --- backup ---------------------------------------------------------------------------------


def _check_writable(target: Path):
    try:
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target, prefix=".rongmei-backup-probe-"):
            pass
    except OSError as exc:
        raise BackupError(
            _(
                "Cannot write the backup to %(dir)s: %(reason)s. Choose a directory this user may "
                "write to (--dir), or give this user the right to write there."
            )
            % {"dir": target, "reason": exc.strerror or exc}
        ) from exc


def _archive_path(target: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    path, number = target / f"{ARCHIVE_PREFIX}{stamp}{ARCHIVE_SUFFIX}", 1
    while path.exists():
        number += 1
        path = target / f"{ARCHIVE_PREFIX}{stamp}-{number}{ARCHIVE_SUFFIX}"
    return path


def _add_file(tar: tarfile.TarFile, name: str, source: Path) -> dict | None:
    """Add one file, hashing it as it is read; None when it vanished or shrank meanwhile."""
    try:
        handle = open(source, "rb")
    except FileNotFoundError:
        return None
    with handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o640
        digest = hashlib.sha256()
        state = {"left": info.size, "short": False}

        class Hashing(io.RawIOBase):
            def read(self, size=-1):
                size = state["left"] if size < 0 else min(size, state["left"])
                data = handle.read(size)
                if len(data) < size:
                    # Cut while we read it (being replaced): pad, so the tar stays whole; the
                    # manifest's hash is of what the archive holds, and says it changed.
                    data += b"\0" * (size - len(data))
                    state["short"] = True
                state["left"] -= len(data)
                digest.update(data)
                return data

        tar.addfile(info, Hashing())
    entry = {"path": name, "size": info.size, "sha256": digest.hexdigest()}
    if state["short"]:
        entry["changed_while_read"] = True
    return entry


def _sqlite_snapshot(db: dict, work: Path) -> tuple[Path, Checksum, dict]:
    source_path = Path(db["NAME"])
    if not source_path.exists():
        raise BackupError(_("The database %(name)s does not exist.") % {"name": source_path})
    snapshot = work / SQLITE_MEMBER
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(snapshot)
    try:
        # One step (pages=-1): a single read transaction, so the copy is one consistent moment
        # even while the site writes (WAL lets writers go on meanwhile).
        source.backup(target, pages=-1)
    finally:
        target.close()
        source.close()
    conn = sqlite3.connect(snapshot)
    try:
        rows = conn.execute("SELECT app, name FROM django_migrations").fetchall()
    except sqlite3.OperationalError:
        rows = []
    finally:
        conn.close()
    return snapshot, sqlite_checksum(snapshot), applied_migrations(rows)


def _pg_snapshot(db: dict, work: Path) -> tuple[Path, Checksum, dict, dict]:
    dump_path, dump_major = pg_tool("pg_dump")
    conn = _pg_connect(db)
    try:
        server_major = conn.info.server_version // 10000
        if dump_major < server_major:
            raise BackupError(
                _(
                    "pg_dump is version %(tool)s but the server is PostgreSQL %(server)s; a dump needs "
                    "pg_dump of the server's version or newer. Install postgresql-client-%(server)s."
                )
                % {"tool": dump_major, "server": server_major}
            )
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            # pg_dump reads the very snapshot this transaction sees, so the dump, the schema and the
            # checksum below are one moment.
            out = work / PG_MEMBER
            args, env = _pg_env(db)
            proc = subprocess.run(
                [dump_path, "--format=custom", f"--snapshot={snapshot_id}", f"--file={out}", *args],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            if proc.returncode:
                raise BackupError(_("pg_dump failed: %(error)s") % {"error": proc.stderr.strip()})
            cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
            schema = {}
            if cursor.fetchone()[0]:
                cursor.execute("SELECT app, name FROM django_migrations")
                schema = applied_migrations(cursor.fetchall())
            checksum = pg_checksum(cursor)
        conn.rollback()
    finally:
        conn.close()
    return out, checksum, schema, {"server_major": server_major, "pg_dump_major": dump_major}


def create_backup(target: Path, *, db: dict | None = None, keep: int = 0, keep_days: int = 0) -> BackupResult:
    """Write one archive into ``target``; then, with ``keep``/``keep_days``, prune older ones."""
    db = db or settings.DATABASES["default"]
    vendor = vendor_of(db)
    target = Path(target)
    _check_writable(target)
    now = datetime.now(UTC)
    path = _archive_path(target, now)
    partial = path.with_name("." + path.name + ".partial")
    extra = {}
    with tempfile.TemporaryDirectory(dir=target, prefix=".rongmei-backup-work-") as work:
        work = Path(work)
        try:
            if vendor == "sqlite":
                db_file, checksum, schema = _sqlite_snapshot(db, work)
            else:
                db_file, checksum, schema, extra = _pg_snapshot(db, work)
            members = []
            # The database first, then the files: a file a row of the snapshot names was written
            # before that row, so it is there; files newer than the snapshot are harmless extras.
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                entry = _add_file(tar, db_file.name, db_file)
                database_entry = {**entry, "vendor": vendor, **extra}
                files = []
                for prefix, root in file_roots().items():
                    if not root.is_dir():
                        continue
                    for dirpath, dirnames, filenames in os.walk(root):
                        dirnames.sort()
                        for filename in sorted(filenames):
                            source = Path(dirpath) / filename
                            if source.is_symlink():
                                continue
                            relative = source.relative_to(root).as_posix()
                            added = _add_file(tar, f"{prefix}/{relative}", source)
                            if added:
                                files.append(added)
                members = files
                manifest = {
                    "format": FORMAT_VERSION,
                    "rongmei_version": rongmei_version(),
                    "created_at": now.isoformat(),
                    "database": {
                        **database_entry,
                        "checksum": checksum.value,
                        "tables": checksum.tables,
                        "rows": checksum.rows,
                    },
                    "migrations": schema,
                    "file_stores": sorted(file_roots()),
                    "media_storage": "local" if "media" in file_roots() else "s3",
                    "files": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o640
                tar.addfile(info, io.BytesIO(data))
            os.chmod(partial, 0o600)  # it holds the private files and the users' password hashes
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    notes = [note] if (note := object_storage_note()) else []
    result = BackupResult(
        path=path,
        size=path.stat().st_size,
        checksum=checksum,
        files=len(members),
        files_bytes=sum(m["size"] for m in members),
        notes=notes,
    )
    result.pruned = prune(target, keep=keep, keep_days=keep_days, now=now, spare=path)
    return result


def archives(target: Path) -> list[tuple[datetime, Path]]:
    found = []
    for path in Path(target).iterdir():
        match = ARCHIVE_NAME.match(path.name)
        if match and path.is_file():
            when = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            found.append((when, int((match.group(2) or "-1")[1:]), path))
    return [(when, path) for when, _number, path in sorted(found)]


def prune(target: Path, *, keep: int = 0, keep_days: int = 0, now=None, spare: Path | None = None) -> list:
    """Delete the archives beyond the newest ``keep`` and those older than ``keep_days`` days."""
    if not keep and not keep_days:
        return []
    now = now or datetime.now(UTC)
    found = archives(target)
    doomed = set()
    if keep:
        doomed.update(path for _when, path in found[:-keep])
    if keep_days:
        doomed.update(path for when, path in found if when < now - timedelta(days=keep_days))
    doomed.discard(spare)
    for path in sorted(doomed):
        path.unlink(missing_ok=True)
    return sorted(doomed)


# --- restore --------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:") as tar:
            handle = tar.extractfile(MANIFEST)
            return json.loads(handle.read().decode())
    except FileNotFoundError as exc:
        raise BackupError(_("There is no backup at %(path)s.") % {"path": archive}) from exc
    except (tarfile.TarError, KeyError, ValueError, AttributeError, OSError, EOFError) as exc:
        raise BackupError(
            _(
                "%(path)s is not a readable Rongmei backup (damaged or cut short): %(reason)s. Nothing was changed."
            )
            % {"path": archive, "reason": exc}
        ) from exc


def unknown_migrations(schema: dict) -> list[str]:
    """The migrations the backup's database had that this version of Rongmei does not know."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(tuple(r) for r in migration.replaces)
    return [f"{app}.{name}" for app, names in schema.items() for name in names if (app, name) not in known]


def pending_migrations(db_schema: dict) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = {(app, name) for app, names in db_schema.items() for name in names}
    pending = []
    for key, migration in loader.graph.nodes.items():
        if key in applied or (migration.replaces and all(tuple(r) in applied for r in migration.replaces)):
            continue
        pending.append(f"{key[0]}.{key[1]}")
    return sorted(pending)


def check_manifest(manifest: dict, db: dict):
    """Refusals that need no reading of the data: format, vendor and schema."""
    if not isinstance(manifest, dict) or manifest.get("format") is None:
        raise BackupError(
            _("The archive has no valid manifest; it is not a Rongmei backup. Nothing was changed.")
        )
    if manifest["format"] > FORMAT_VERSION:
        raise BackupError(
            _(
                "This backup was made by a newer Rongmei (archive format %(found)s; this version "
                "reads up to %(known)s). Restore it with Rongmei %(version)s or newer. Nothing was changed."
            )
            % {
                "found": manifest["format"],
                "known": FORMAT_VERSION,
                "version": manifest.get("rongmei_version"),
            }
        )
    vendor = vendor_of(db)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            _(
                "This backup holds a %(found)s database but this site uses %(vendor)s; restore it "
                "into a %(found)s database (set DATABASE_URL). Nothing was changed."
            )
            % {"found": manifest["database"]["vendor"], "vendor": vendor}
        )
    unknown = unknown_migrations(manifest.get("migrations", {}))
    if unknown:
        shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise BackupError(
            _(
                "Refused: this backup comes from a newer schema than this version of Rongmei knows "
                "(Rongmei %(version)s; %(count)s unknown migrations: %(names)s). Restoring it would "
                "leave tables this code cannot use. Upgrade Rongmei to %(version)s or newer first, "
                "then restore. Nothing was changed."
            )
            % {"version": manifest.get("rongmei_version"), "count": len(unknown), "names": shown}
        )


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and len(path.parts) >= 2
        and path.parts[0] in FILE_ROOTS
    )


def _extract_verified(archive: Path, manifest: dict, staging: Path) -> Path:
    """Unpack into ``staging``, checking every member's size and SHA-256 against the manifest."""
    expected = {entry["path"]: entry for entry in manifest["files"]}
    db_entry = manifest["database"]
    expected[db_entry["path"]] = db_entry
    seen = set()
    damaged = []
    try:
        with tarfile.open(archive, "r:") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                entry = expected.get(member.name)
                if (
                    entry is None
                    or not member.isfile()
                    or (member.name != db_entry["path"] and not _safe_member(member.name))
                ):
                    damaged.append(member.name)
                    continue
                out = staging / member.name
                out.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with tar.extractfile(member) as source, open(out, "wb") as sink:
                    while data := source.read(CHUNK):
                        digest.update(data)
                        size += len(data)
                        sink.write(data)
                if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                    damaged.append(member.name)
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(
            _("%(path)s is damaged and cannot be read to the end: %(reason)s. Nothing was changed.")
            % {"path": archive, "reason": exc}
        ) from exc
    damaged.extend(sorted(set(expected) - seen))
    if damaged:
        shown = ", ".join(damaged[:10]) + (" …" if len(damaged) > 10 else "")
        raise BackupError(
            _(
                "Refused: the archive is damaged or was altered; %(count)s members do not match "
                "their checksums in the manifest (%(names)s). Use another backup. Nothing was changed."
            )
            % {"count": len(damaged), "names": shown}
        )
    return staging / db_entry["path"]


def describe_target(db: dict) -> list[str]:
    """What a restore would overwrite: the database's tables and rows, and files on disk."""
    vendor = vendor_of(db)
    found = []
    counts = {}
    if vendor == "sqlite":
        path = Path(db["NAME"])
        if path.exists() and path.stat().st_size:
            conn = sqlite3.connect(path, timeout=30)
            try:
                tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                for table in ("django_migrations", "wagtailcore_page", "auth_user"):
                    if table in tables:
                        counts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            finally:
                conn.close()
        else:
            tables = []
    else:
        conn = _pg_connect(db)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                tables = [r[0] for r in cursor.fetchall()]
                for table in ("django_migrations", "wagtailcore_page", "auth_user"):
                    if table in tables:
                        cursor.execute(f'SELECT count(*) FROM "{table}"')
                        counts[table] = cursor.fetchone()[0]
        finally:
            conn.close()
    if tables:
        found.append(
            _(
                "the database %(name)s: %(tables)s tables, %(migrations)s applied migrations, "
                "%(pages)s pages, %(users)s users"
            )
            % {
                "name": db["NAME"],
                "tables": len(tables),
                "migrations": counts.get("django_migrations", 0),
                "pages": counts.get("wagtailcore_page", 0),
                "users": counts.get("auth_user", 0),
            }
        )
    for root in file_roots().values():
        if root.is_dir():
            count = sum(len(f) for _d, _s, f in os.walk(root))
            if count:
                found.append(_("%(count)s files in %(dir)s") % {"count": count, "dir": root})
    return found


def _sqlite_restore(staged: Path, db: dict):
    target = Path(db["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(staged)
    dest = sqlite3.connect(target, timeout=30)
    try:
        # Page by page into the live file (WAL included), so no process keeps reading a deleted file.
        source.backup(dest, pages=-1)
    finally:
        dest.close()
        source.close()
    return sqlite_checksum(target)


def _pg_restore(staged: Path, manifest: dict, db: dict, *, replace: bool) -> Checksum:
    restore_path, restore_major = pg_tool("pg_restore")
    made_by = manifest["database"].get("pg_dump_major", 0)
    if restore_major < made_by:
        raise BackupError(
            _(
                "pg_restore is version %(tool)s but the backup was made with pg_dump %(dump)s; install "
                "postgresql-client-%(dump)s or newer. Nothing was changed."
            )
            % {"tool": restore_major, "dump": made_by}
        )
    conn = _pg_connect(db)
    try:
        if replace:
            with conn.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
            conn.commit()
    finally:
        conn.close()
    args, env = _pg_env(db)
    proc = subprocess.run(
        [
            restore_path,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *args,
            str(staged),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode:
        raise BackupError(
            _("pg_restore failed; the database is left empty: %(error)s") % {"error": proc.stderr.strip()}
        )
    conn = _pg_connect(db)
    try:
        with conn.cursor() as cursor:
            checksum = pg_checksum(cursor)
        conn.rollback()
    finally:
        conn.close()
    return checksum


def _place_files(staging: Path, manifest: dict) -> int:
    roots = file_roots()
    placed = 0
    for entry in manifest["files"]:
        prefix, relative = entry["path"].split("/", 1)
        root = roots.get(prefix)
        if root is None:
            continue
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / entry["path"], target)
        if prefix == "private":
            os.chmod(target, 0o640)
        placed += 1
    return placed


def restore_backup(archive: Path, *, db: dict | None = None, force: bool = False) -> RestoreResult:
    """Check ``archive`` entirely, then replace the database and put the files back.

    Refuses (BackupError, nothing changed) a newer format or schema, another database vendor, a
    damaged or altered archive, and a non-empty target without ``force``.
    """
    from django.db import connections

    db = db or settings.DATABASES["default"]
    archive = Path(archive)
    manifest = read_manifest(archive)
    check_manifest(manifest, db)
    staging_parent = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory(dir=staging_parent, prefix=".rongmei-restore-") as staging:
        staging = Path(staging)
        staged_db = _extract_verified(archive, manifest, staging)
        vendor = manifest["database"]["vendor"]
        if vendor == "sqlite":
            restored = sqlite_checksum(staged_db)
            if restored.value != manifest["database"]["checksum"]:
                raise BackupError(
                    _(
                        "Refused: the database in the archive does not match its checksum. Nothing was changed."
                    )
                )
        existing = describe_target(db)
        if existing and not force:
            raise BackupError(
                _(
                    "Refused: the target is not empty. A restore would overwrite %(what)s. Run again "
                    "with --force to replace them with the backup of %(when)s."
                )
                % {"what": "; ".join(existing), "when": manifest.get("created_at")}
            )
        connections.close_all()  # this process's connections see the old database otherwise
        if vendor == "sqlite":
            checksum = _sqlite_restore(staged_db, db)
        else:
            checksum = _pg_restore(staged_db, manifest, db, replace=bool(existing))
        files = _place_files(staging, manifest)
    connections.close_all()
    if checksum.value != manifest["database"]["checksum"]:
        raise BackupError(
            _(
                "The restored database's checksum %(found)s differs from the backup's %(expected)s; "
                "do not use it, and restore another backup."
            )
            % {"found": checksum.value, "expected": manifest["database"]["checksum"]}
        )
    notes = [note] if (note := object_storage_note()) else []
    return RestoreResult(
        checksum=checksum,
        files=files,
        pending_migrations=pending_migrations(manifest.get("migrations", {})),
        notes=notes,
    )


def elapsed(started: float) -> float:
    return time.perf_counter() - started
