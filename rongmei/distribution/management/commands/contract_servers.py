"""Serve the platforms' local stand-ins (WeChat, Weibo, Douyin, a partner center) for the demo."""

import signal
import threading

from django.core.management.base import BaseCommand

from rongmei.distribution.contract.demo import demo_servers


class Command(BaseCommand):
    help = "Serve the local contract servers of WeChat, Weibo, Douyin and a partner center until stopped."

    def handle(self, *args, **options):
        servers = demo_servers()
        for name, server, port in servers:
            server.start(port=port)
            self.stdout.write(f"  {name:<8} {server.base_url}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        signal.signal(signal.SIGINT, lambda *a: stop.set())
        stop.wait()
        for _name, server, _port in servers:
            server.stop()
