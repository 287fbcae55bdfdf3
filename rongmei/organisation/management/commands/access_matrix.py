"""``rongmei access_matrix``: the roles × actions matrix as Markdown (``--write FILE`` to save it)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from rongmei.organisation import access_matrix


class Command(BaseCommand):
    help = "Print the roles × actions matrix as Markdown, or write it with --write docs/access-matrix.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", metavar="FILE", help="write the table to FILE instead of printing it")

    def handle(self, *args, write=None, **options):
        text = access_matrix.render_markdown()
        if write:
            Path(write).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {write}")
        else:
            self.stdout.write(text, ending="")
