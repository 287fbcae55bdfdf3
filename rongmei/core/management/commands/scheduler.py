import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from rongmei.core.scheduler import run_due_jobs


class Command(BaseCommand):
    help = "Run the clock that enqueues periodic jobs (scheduled publishing, heartbeat) every minute."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between checks (default: SCHEDULER_INTERVAL_SECONDS, 60).",
        )

    def handle(self, *args, once=False, interval=None, **options):
        interval = interval or settings.RONGMEI_SCHEDULER_INTERVAL_SECONDS
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler: checking every {interval:g} s")
        while not stopping:
            close_old_connections()
            try:
                names = run_due_jobs()
                if names and options["verbosity"] > 1:
                    self.stdout.write("enqueued: " + ", ".join(names))
            except Exception as exc:  # a database hiccup must not stop the clock
                self.stderr.write(f"scheduler: {exc}")
            if once:
                break
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
