"""A local HTTP server for the fetching tests: fixtures from `fixtures/`, plus handlers that misbehave
(slow, huge, redirect loops, flaky). Runs on 127.0.0.1 with a free port, one thread per request."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name):
    return (FIXTURES / name).read_bytes()


class Route:
    def __init__(
        self, body=b"", *, status=200, content_type="text/html; charset=utf-8", headers=None, handler=None
    ):
        self.body = body
        self.status = status
        self.content_type = content_type
        self.headers = headers or {}
        self.handler = handler


class LocalServer:
    def __init__(self):
        self.routes = {}
        self.requests = []  # (path, headers) of every request, in order
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path) or server.routes.get(urlsplit(self.path).path)
                if route is None:
                    route = next(
                        (
                            r
                            for p, r in server.routes.items()
                            if p.endswith("*") and self.path.startswith(p[:-1])
                        ),
                        None,
                    )
                if route is None:
                    return server.send(self, 404, b"<html><body>not found</body></html>", "text/html")
                if route.handler:
                    return route.handler(server, self)
                server.send(self, route.status, route.body, route.content_type, route.headers)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path):
        return self.base + path

    def add(self, path, body=b"", **kwargs):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body.replace(b"{{BASE}}", self.base.encode()), **kwargs)

    def add_fixture(self, path, name, **kwargs):
        self.add(path, fixture(name), **kwargs)

    def add_handler(self, path, handler):
        self.routes[path] = Route(handler=handler)

    def paths(self):
        return [path for path, _headers in self.requests]

    @staticmethod
    def send(request, status, body, content_type, headers=None):
        request.send_response(status)
        if content_type:
            request.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


# -- misbehaving handlers -------------------------------------------------------------------------


def slow(seconds):
    def handler(server, request):
        time.sleep(seconds)
        try:
            server.send(request, 200, b"<html><body>too late</body></html>", "text/html")
        except OSError:
            pass  # the client gave up, as it should

    return handler


def huge(total_bytes, *, declare_length=False):
    """Stream `total_bytes` generated on the fly (never stored); optionally announce them up front."""

    def handler(server, request):
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        if declare_length:
            request.send_header("Content-Length", str(total_bytes))
            request.end_headers()
            return  # a client that trusts the header never asks for the body
        request.send_header("Connection", "close")
        request.end_headers()
        chunk = ("<p>" + "很长的页面。" * 2000 + "</p>\n").encode()
        sent = 0
        try:
            while sent < total_bytes:
                request.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the client stopped reading at its cap
        request.close_connection = True

    return handler


def with_etag(body, etag, content_type="application/rss+xml; charset=utf-8"):
    def handler(server, request):
        if request.headers.get("If-None-Match") == etag:
            request.send_response(304)
            request.send_header("ETag", etag)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        server.send(
            request, 200, body.replace(b"{{BASE}}", server.base.encode()), content_type, {"ETag": etag}
        )

    return handler


def flaky(failures, body=b"<html><body>ok</body></html>"):
    """Answer 503 `failures` times, then 200."""
    state = {"left": failures}

    def handler(server, request):
        if state["left"] > 0:
            state["left"] -= 1
            return server.send(request, 503, b"busy", "text/plain", {"Retry-After": "0"})
        server.send(request, 200, body, "text/html; charset=utf-8")

    return handler


def redirect(location, status=302):
    def handler(server, request):
        server.send(request, status, b"", "text/plain", {"Location": location})

    return handler
