"""`rongmei backup`: one consistent archive of the database, MEDIA_ROOT and PRIVATE_ROOT."""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rongmei.backup.archive import BackupError, create_backup


def default_dir() -> Path:
    return Path(os.environ.get("RONGMEI_BACKUP_DIR") or Path(settings.VAR_DIR) / "backups")


class Command(BaseCommand):
    help = (
        "Back up the database, uploaded media and private files into one archive, safely while the "
        "site runs; --keep/--keep-days delete older archives in the same directory."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="directory for the archives (default: $RONGMEI_BACKUP_DIR, else VAR_DIR/backups)",
        )
        parser.add_argument("--keep", type=int, default=0, help="keep only the newest N archives there")
        parser.add_argument(
            "--keep-days", type=int, default=0, help="delete archives there older than N days"
        )

    def handle(self, *args, dir, keep, keep_days, **options):
        if keep < 0 or keep_days < 0:
            raise CommandError(_("--keep and --keep-days must be 0 or more."))
        started = time.perf_counter()
        try:
            result = create_backup(dir or default_dir(), keep=keep, keep_days=keep_days)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        self.stdout.write(
            _("Backup written: %(path)s (%(mb).1f MB in %(s).1f s).")
            % {"path": result.path, "mb": result.size / 1e6, "s": seconds}
        )
        self.stdout.write(
            _(
                "Database checksum: %(checksum)s (%(tables)s tables, %(rows)s rows); %(files)s files, %(fmb).1f MB."
            )
            % {
                "checksum": result.checksum.value,
                "tables": result.checksum.tables,
                "rows": result.checksum.rows,
                "files": result.files,
                "fmb": result.files_bytes / 1e6,
            }
        )
        for path in result.pruned:
            self.stdout.write(_("Deleted the older backup %(path)s.") % {"path": path})
        for note in result.notes:
            self.stdout.write(note)
