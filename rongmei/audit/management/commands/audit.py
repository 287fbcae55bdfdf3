"""``rongmei audit verify`` checks the audit chain; ``rongmei audit seal`` chains older log entries."""

import argparse
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from rongmei.audit import chain
from rongmei.audit.verify import verify


class Command(BaseCommand):
    help = (
        "The tamper-evident audit trail. verify: recompute every hash and link and compare each record "
        "with its source row; exit 1 on a break. seal: chain the log entries and contact reads written "
        "before the chain existed (or while it was paused); safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lang", choices=["en", "zh-hans"], default=None, help="language of the messages"
        )
        actions = parser.add_subparsers(dest="subcommand", required=True)
        check = actions.add_parser("verify", help="check the chain; exit status 1 when it is broken")
        check.add_argument("--json", action="store_true", help="one JSON object on standard output")
        check.add_argument(
            "--chain-only", action="store_true", help="skip comparing records with their source rows"
        )
        sealing = actions.add_parser("seal", help="chain the source rows that are not in the chain yet")
        for subparser in (check, sealing):  # --lang also after the subcommand
            subparser.add_argument("--lang", choices=["en", "zh-hans"], default=argparse.SUPPRESS)

    def handle(self, *args, subcommand, lang=None, **options):
        with translation.override(lang or translation.get_language() or "zh-hans"):
            if subcommand == "seal":
                count = chain.seal()
                self.stdout.write(_("Sealed %(count)s entries into the audit chain.") % {"count": count})
                return
            self._verify(as_json=options["json"], check_sources=not options["chain_only"])

    def _verify(self, *, as_json: bool, check_sources: bool) -> None:
        report = verify(check_sources=check_sources)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": report.ok,
                        "records": report.records,
                        "head_hash": report.head_hash,
                        "problems": [problem.as_dict() for problem in report.problems],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            for problem in report.problems:
                self.stderr.write(problem.message)
            if report.ok:
                self.stdout.write(
                    _("The audit chain is intact: %(count)s entries, head %(head)s.")
                    % {"count": report.records, "head": report.head_hash}
                )
        if not report.ok:
            raise CommandError(
                _(
                    "The audit chain is broken: %(count)s problems in %(records)s entries (listed above). "
                    "Keep this database as it is and compare it with the latest backup."
                )
                % {"count": len(report.problems), "records": report.records},
                returncode=1,
            )
