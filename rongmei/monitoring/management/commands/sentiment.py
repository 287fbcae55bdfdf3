"""`rongmei sentiment FILE` — one JSON line of sentiment per input line, for batch use and evaluation."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from rongmei.monitoring.analysis.engine.sentiment import default_model


class Command(BaseCommand):
    # call_command(..., stdin=...) for tests and callers that pipe text in
    stealth_options = ("stdin",)
    # Reads text and the shipped model only: the URL and model checks would just slow a batch down.
    requires_system_checks = []
    help = (
        "Sentiment of each line of a UTF-8 text file (or - for standard input): prints one JSON line "
        'per input line, {"label": "negative|neutral|positive", "probability": 0.93}. A blank line '
        'prints {"label": null, "probability": null, "error": "blank line"}, so output line N always '
        "belongs to input line N."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="path to a UTF-8 text file with one item per line, or - for standard input"
        )

    def handle(self, *args, file, **options):
        model = default_model()
        out = self.stdout
        for number, raw in enumerate(self._lines(file, options.get("stdin")), 1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise CommandError(
                    f"{file}, line {number}: not UTF-8 text (invalid byte at column {exc.start + 1}); "
                    "convert it first, e.g. iconv -f GB18030 -t UTF-8"
                )
            text = line.rstrip("\r\n")
            if not text.strip():
                result = {"label": None, "probability": None, "error": "blank line"}
            else:
                result = model.predict(text).as_dict()
            out.write(json.dumps(result, ensure_ascii=False))

    def _lines(self, file, stdin=None):
        if file == "-":
            stream = stdin or sys.stdin
            stream = getattr(stream, "buffer", stream)
            for line in stream:
                yield line.encode("utf-8") if isinstance(line, str) else line
            return
        try:
            handle = open(file, "rb")  # closed by the with below
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}")
        with handle:
            yield from handle
