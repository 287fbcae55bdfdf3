import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from rongmei.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo_data
from rongmei.distribution.contract.demo import WECHAT_PORT


class Command(BaseCommand):
    help = "Migrate, load the demo newsroom, then run web server, task worker and scheduler until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--setup-only", action="store_true", help="Prepare the database and exit.")

    def handle(self, *args, port, host, setup_only, **options):
        if "BASE_URL" not in os.environ:
            # Links in e-mails and alerts (made while loading and by the worker) point at this port.
            os.environ["BASE_URL"] = settings.WAGTAILADMIN_BASE_URL = f"http://{host}:{port}"
        from rongmei.distribution.contract.demo import demo_environment

        # The channels' credentials for the local stand-in servers (WeChat, Weibo, Douyin, a partner
        # center), and loopback allowed for outbound calls: read by this process and the ones it starts.
        for name, value in demo_environment().items():
            os.environ.setdefault(name, value)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Loading demo data …")
        summary = load_demo_data(stdout=self.stdout)
        # The Site record names the address the demo serves, so feeds and canonical links work.
        call_command("site_url", f"http://{host}:{port}", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(summary))
        self.print_logins(host, port)
        if setup_only:
            return
        self.run_processes(host, port)

    def print_logins(self, host, port):
        base = f"http://{host}:{port}"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Rongmei demo: site {base}/   newsroom admin {base}/admin/"))
        self.stdout.write(f"Demo password for every account: {DEMO_PASSWORD}")
        for username, role_label in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role_label}")
        self.stdout.write("")

    def wait_for_port(self, port, seconds=10.0):
        import socket

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.1)

    def run_processes(self, host, port):
        python = sys.executable
        # RONGMEI_DEMO: the web server, worker and scheduler are the demo too (its key in
        # VAR_DIR/secret_key, the published demo password allowed); rongmei/settings.py.
        env = dict(
            os.environ, DJANGO_SETTINGS_MODULE="rongmei.settings", PYTHONUNBUFFERED="1", RONGMEI_DEMO="1"
        )
        commands = {
            # First, so the platforms' stand-ins listen before the worker sends to them.
            "contracts": [python, "-m", "rongmei", "contract_servers"],
            "web": [
                python,
                "-m",
                "gunicorn",
                "rongmei.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
            ],
            "worker": [python, "-m", "rongmei", "db_worker", "--no-reload", "--interval", "1"],
            "scheduler": [python, "-m", "rongmei", "scheduler"],
        }
        processes = {}
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, env=env, cwd=os.getcwd(), start_new_session=True)
            if name == "contracts":
                self.wait_for_port(WECHAT_PORT)
        self.stdout.write(
            f"Running web, worker and scheduler (data in {settings.VAR_DIR}); Ctrl-C stops all."
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the demo.")
                        stopping = True
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
            self.stdout.write("Stopped.")
