"""`rongmei proofread FILE` — findings for a plain-text story as JSON lines."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation

from rongmei.proofing.engine import default_bundle, proofread
from rongmei.proofing.services import current_lists

MAX_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    # call_command(..., stdin=...) for tests and callers that pipe text in
    stealth_options = ("stdin",)
    # A batch tool: it reads text and lists, so the URL and model checks would only slow it down.
    requires_system_checks = []
    help = "Proofread a UTF-8 plain-text story (or - for standard input); prints one JSON line per finding."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a UTF-8 text file, or - for standard input")
        parser.add_argument(
            "--lang", choices=["en", "zh-hans"], default=None, help="language of the messages"
        )
        parser.add_argument(
            "--defaults-only", action="store_true", help="use only the shipped lists, not the newsroom's"
        )
        parser.add_argument("--no-adlaw", action="store_true", help="skip the Advertising Law terms")

    def handle(self, *args, file, lang, defaults_only, no_adlaw, **options):
        data = self._read(file, options.get("stdin"))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file}: not UTF-8 text (invalid byte at offset {exc.start}); convert it first, "
                "e.g. iconv -f GB18030 -t UTF-8"
            )
        # Offsets count characters of the text as given; only the line endings are normalised
        # (CRLF → LF keeps one character per line break, like the editor).
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            lists = default_bundle() if defaults_only else current_lists()
        except DatabaseError as exc:
            raise CommandError(
                f"cannot read the newsroom's lists ({exc}); run `rongmei migrate`, or use --defaults-only"
            )
        from rongmei.proofing.engine import CHECKS

        checks = [name for name in CHECKS if not (no_adlaw and name == "adlaw")]
        findings = proofread(text, lists=lists, checks=checks)
        out = self.stdout
        with translation.override(lang or translation.get_language() or "zh-hans"):
            for finding in findings:
                out.write(json.dumps(finding.as_dict(), ensure_ascii=False))

    def _read(self, file, stdin=None) -> bytes:
        if file == "-":
            stream = stdin or sys.stdin
            stream = getattr(stream, "buffer", stream)
            data = stream.read(MAX_BYTES + 1)
            if isinstance(data, str):
                data = data.encode("utf-8")
        else:
            try:
                with open(file, "rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
            except OSError as exc:
                raise CommandError(f"{file}: {exc.strerror}")
        if len(data) > MAX_BYTES:
            raise CommandError(f"{file}: larger than {MAX_BYTES // (1024 * 1024)} MB; split it first")
        return data
