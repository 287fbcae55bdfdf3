from django.core.management.base import BaseCommand, CommandError

from rongmei.monitoring.models import Source
from rongmei.monitoring.sources import services as fetching


class Command(BaseCommand):
    help = "Fetch the monitored sources that are due now (or one source with --source ID), in this process."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, action="append", help="fetch this source now (repeatable)")

    def handle(self, *args, source=None, **options):
        if source:
            missing = set(source) - set(Source.objects.filter(pk__in=source).values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}.")
            reports = [fetching.fetch_source_now(pk) for pk in source]
        else:
            reports = fetching.fetch_due_sources_inline()
            if not reports:
                self.stdout.write("No source is due.")
        failed = 0
        for report in reports:
            if report.ok:
                line = f"[{report.source_id}] {report.source_name}: {report.new_items} new"
                self.stdout.write(self.style.SUCCESS(line))
            else:
                failed += 1
                line = f"[{report.source_id}] {report.source_name}: {report.error_message}"
                self.stdout.write(self.style.ERROR(line))
            for note in report.note_messages:
                self.stdout.write(f"    {note}")
        if failed:
            # Exit non-zero so cron or a shell loop notices; every source was still tried.
            raise CommandError(f"{failed} of {len(reports)} sources failed.")
