"""`rongmei restore ARCHIVE`: check a backup entirely, then put the database and files back."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rongmei.backup.archive import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `rongmei backup`: refuses a damaged archive, a newer schema and a "
        "non-empty database (unless --force). Stop the site and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the rongmei-backup-….tar file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database (and files) that are not empty",
        )

    def handle(self, *args, archive, force, **options):
        started = time.perf_counter()
        try:
            manifest = read_manifest(archive)
            self.stdout.write(
                _("Backup of %(when)s, Rongmei %(version)s, %(vendor)s; database checksum %(checksum)s.")
                % {
                    "when": manifest.get("created_at"),
                    "version": manifest.get("rongmei_version"),
                    "vendor": manifest.get("database", {}).get("vendor"),
                    "checksum": manifest.get("database", {}).get("checksum"),
                }
            )
            result = restore_backup(archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Restored in %(s).1f s. Database checksum: %(checksum)s (%(tables)s tables, %(rows)s rows), identical to the backup; %(files)s files put back."
            )
            % {
                "s": time.perf_counter() - started,
                "checksum": result.checksum.value,
                "tables": result.checksum.tables,
                "rows": result.checksum.rows,
                "files": result.files,
            }
        )
        if result.pending_migrations:
            self.stdout.write(
                _(
                    "This version of Rongmei has %(count)s migrations newer than the backup; apply them now with `rongmei migrate`."
                )
                % {"count": len(result.pending_migrations)}
            )
        for note in result.notes:
            self.stdout.write(note)
