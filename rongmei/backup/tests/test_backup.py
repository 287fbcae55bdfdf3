"""Backup and restore round trips, refusals and a backup taken while another thread writes.

Transactional tests: pg_dump and SQLite's backup API read committed data through their own
connections, as they do beside a running site.
"""

import io
import json
import tarfile
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from rongmei.backup import archive

transactional = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stores(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    (settings.MEDIA_ROOT / "original_images").mkdir(parents=True)
    (settings.PRIVATE_ROOT / "tips").mkdir(parents=True)
    (settings.MEDIA_ROOT / "original_images" / "桥.jpg").write_bytes(b"\xff\xd8jpeg" * 1000)
    (settings.PRIVATE_ROOT / "tips" / "线索.txt").write_text("举报人电话 139…", encoding="utf-8")
    return settings


def run(name, *args):
    out = io.StringIO()
    with translation.override("en"):
        call_command(name, *args, stdout=out)
    return out.getvalue()


def only_archive(folder: Path) -> Path:
    (found,) = sorted(folder.glob("rongmei-backup-*.tar"))
    return found


def rewrite(path: Path, change):
    """Copy the archive member by member, letting ``change(name, data)`` alter one."""
    members = []
    with tarfile.open(path) as tar:
        for member in tar:
            members.append((member, tar.extractfile(member).read()))
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for member, data in members:
            data = change(member.name, data)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


@transactional
def test_round_trip_gives_identical_checksum_and_content(stores, tmp_path):
    User.objects.create_user("zhang", password="x" * 12, first_name="张")
    Group.objects.create(name="夜班编辑")
    out = run("backup", "--dir", str(tmp_path / "bk"))
    backup_checksum = out.split("Database checksum: ")[1].split()[0]
    path = only_archive(tmp_path / "bk")
    manifest = archive.read_manifest(path)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["checksum"] == backup_checksum
    assert "0001_initial" in manifest["migrations"]["auth"]
    assert {f["path"] for f in manifest["files"]} == {"media/original_images/桥.jpg", "private/tips/线索.txt"}
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    # The site goes on: a row changes, one is added, a file is lost.
    User.objects.filter(username="zhang").update(first_name="李")
    Group.objects.create(name="后来的")
    (stores.PRIVATE_ROOT / "tips" / "线索.txt").unlink()

    with pytest.raises(CommandError, match="not empty.*--force"):
        run("restore", str(path))
    assert Group.objects.filter(name="后来的").exists()  # the refusal changed nothing

    out = run("restore", "--force", str(path))
    assert f"Database checksum: {backup_checksum}" in out
    assert User.objects.get(username="zhang").first_name == "张"
    assert not Group.objects.filter(name="后来的").exists()
    assert (stores.PRIVATE_ROOT / "tips" / "线索.txt").read_text(encoding="utf-8") == "举报人电话 139…"
    assert (stores.MEDIA_ROOT / "original_images" / "桥.jpg").read_bytes() == b"\xff\xd8jpeg" * 1000
    # A second backup of the restored site has the same database checksum.
    again = run("backup", "--dir", str(tmp_path / "bk"), "--keep", "1")
    assert f"Database checksum: {backup_checksum}" in again
    assert f"Deleted the older backup {path}" in again
    assert only_archive(tmp_path / "bk") != path
    assert "migrations newer than the backup" not in out


@transactional
def test_refuses_newer_schema_tampered_and_truncated_archives(stores, tmp_path):
    Group.objects.create(name="现在的")
    run("backup", "--dir", str(tmp_path))
    good = only_archive(tmp_path)

    def copy(name, change):
        path = tmp_path / name
        path.write_bytes(good.read_bytes())
        rewrite(path, change)
        return path

    def future(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["backup"] = ["0042_from_a_newer_rongmei"]
        manifest["rongmei_version"] = "9.0"
        return json.dumps(manifest).encode()

    def flip(member):
        def change(name, data):
            if name == member or (member == "database" and name.startswith("database.")):
                middle = len(data) // 2
                return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
            return data

        return change

    newer = copy("newer.tar", future)
    with pytest.raises(CommandError, match="newer schema.*backup.0042_from_a_newer_rongmei.*9.0"):
        run("restore", "--force", str(newer))
    for member in ("media/original_images/桥.jpg", "database"):
        tampered = copy("tampered.tar", flip(member))
        with pytest.raises(CommandError, match="damaged or was altered"):
            run("restore", "--force", str(tampered))
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CommandError, match="damaged|not a readable"):
        run("restore", "--force", str(truncated))
    # Every refusal came before any change.
    assert list(Group.objects.values_list("name", flat=True)) == ["现在的"]
    assert (stores.MEDIA_ROOT / "original_images" / "桥.jpg").read_bytes() == b"\xff\xd8jpeg" * 1000


@transactional
def test_backup_while_another_thread_writes_is_consistent(stores, tmp_path):
    stop = threading.Event()
    written = []

    def writer():
        try:
            number = 0
            while not stop.is_set():
                Group.objects.create(name=f"g{number:06d}")
                written.append(number)
                number += 1
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        run("backup", "--dir", str(tmp_path))
        at_backup_end = len(written)
        while len(written) < at_backup_end + 5:  # the writer goes on after the snapshot
            threading.Event().wait(0.01)
    finally:
        stop.set()
        thread.join()
    path = only_archive(tmp_path)
    in_backup = archive.read_manifest(path)["database"]["checksum"]
    final = len(written)
    run("restore", "--force", str(path))  # raises unless the restored checksum is the backup's
    names = sorted(Group.objects.values_list("name", flat=True))
    # One moment: groups 0..k-1 with no gap, fewer than were finally written.
    assert names == [f"g{n:06d}" for n in range(len(names))]
    assert 20 <= len(names) <= at_backup_end < final
    assert archive.read_manifest(path)["database"]["checksum"] == in_backup


def test_clear_error_when_the_target_is_not_writable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(CommandError, match="Cannot write the backup to .*a-file"):
        run("backup", "--dir", str(blocker / "backups"))


def test_keep_and_keep_days_prune_older_archives(tmp_path):
    names = [
        "rongmei-backup-20200101T000000Z.tar",
        "rongmei-backup-20261201T000000Z.tar",
        "rongmei-backup-20261205T000000Z-2.tar",
        "rongmei-backup-20261205T000000Z.tar",
        "rongmei-backup-20261206T000000Z.tar",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not ours")
    now = datetime(2026, 12, 6, 1, tzinfo=UTC)
    gone = archive.prune(tmp_path, keep_days=30, now=now)
    assert [p.name for p in gone] == [names[0]]
    gone = archive.prune(tmp_path, keep=2, now=now)
    # Same second: the plain name came first, the -2 second.
    assert sorted(p.name for p in gone) == [names[1], names[3]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([names[2], names[4], "notes.txt"])


def test_missing_pg_tools_are_named(monkeypatch):
    monkeypatch.setattr(archive.shutil, "which", lambda name: None)
    with (
        translation.override("en"),
        pytest.raises(archive.BackupError, match="pg_dump was not found.*install"),
    ):
        archive.pg_tool("pg_dump")


def test_migrations_newer_than_the_backup_are_listed():
    from django.db.migrations.loader import MigrationLoader

    schema = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.nodes:
        schema.setdefault(app, []).append(name)
    assert archive.pending_migrations(schema) == []
    assert archive.unknown_migrations(schema) == []
    schema["auth"].remove("0012_alter_user_first_name_max_length")
    assert archive.pending_migrations(schema) == ["auth.0012_alter_user_first_name_max_length"]
