"""The browser tests' own harness: nothing of a closed page may still run when the database is flushed."""

import threading
import time
from types import SimpleNamespace

from .conftest import wait_for_requests_in_flight


def test_the_teardown_waits_for_the_live_servers_requests_in_flight():
    finished = []

    def request_still_writing():
        time.sleep(0.3)
        finished.append(True)

    thread = threading.Thread(target=request_still_writing)
    thread.start()
    live_server = SimpleNamespace(thread=SimpleNamespace(httpd=SimpleNamespace(_threads=[thread])))
    wait_for_requests_in_flight(live_server)
    assert finished == [True]


def test_a_request_that_never_ends_holds_the_teardown_only_so_long():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    live_server = SimpleNamespace(thread=SimpleNamespace(httpd=SimpleNamespace(_threads=[thread])))
    started = time.monotonic()
    wait_for_requests_in_flight(live_server, seconds=0.2)
    assert thread.is_alive() and time.monotonic() - started < 2
    stop.set()
    thread.join()
