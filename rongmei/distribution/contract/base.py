"""The shared frame of the contract servers: a threaded HTTP server on 127.0.0.1, request parsing
(query, JSON, form, multipart), a record of the calls, and injected faults.

A platform's server subclasses ``ContractServer``, lists its ``routes`` and answers with
``Response``. Tests start one per test::

    with WeChatContractServer() as server:
        channel.config = {"base_url": server.base_url}
        server.fail_next("expired_token")      # the next call answers 42001
        ...
        assert server.calls_to("/cgi-bin/draft/add")

Faults every server knows (``fail_next(fault, times=1, path=None)``; ``path`` narrows it to one
route): ``timeout`` (answers after ``timeout_seconds``), ``5xx`` (502 with an HTML page, as a proxy
in front of a platform does), ``html`` (200 with an HTML page instead of JSON), ``garbage`` (200 with
a body that is not JSON), ``down`` (the connection is closed without an answer). A platform adds its
own (``quota``, ``expired_token`` …) in ``platform_fault()``.
"""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GENERIC_FAULTS = ("timeout", "5xx", "html", "garbage", "down")


@dataclass
class UploadedFile:
    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    form: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)

    def json(self):
        """The body as JSON, or ``None`` when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def param(self, name, default=""):
        """A parameter from the query string or the form."""
        if name in self.query:
            return self.query[name]
        return self.form.get(name, default)


@dataclass
class Response:
    status: int = 200
    body: object = None  # dict/list → JSON; str/bytes as they are
    content_type: str = "application/json; charset=utf-8"
    headers: dict = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def parse_body(content_type: str, body: bytes) -> tuple[dict, dict]:
    """(form fields, files) of an urlencoded or multipart body."""
    content_type = content_type or ""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {
            k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()
        }, {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        form, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            data = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = UploadedFile(name, filename, part.get_content_type(), data)
            else:
                form[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
        return form, files
    return {}, {}


class ContractServer:
    """Subclass with ``routes = {("POST", "/path"): "method_name"}``; each method takes a ``Request``
    and returns a ``Response``. ``platform_fault(fault, request)`` answers a platform's own faults."""

    routes: dict = {}
    platform_faults: tuple = ()
    timeout_seconds = 2.0

    def __init__(self):
        self.lock = threading.RLock()
        self.calls: list[Request] = []
        self.faults: deque = deque()
        self._server = None
        self._thread = None

    # --- running ------------------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        contract = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # the tests' output stays readable
                pass

            def _handle(self):
                contract._dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=type(self).__name__, daemon=True
        )
        self._thread.start()
        return self.base_url

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- faults and calls ---------------------------------------------------------------------------

    def fail_next(self, fault: str, times: int = 1, path: str | None = None):
        if fault not in GENERIC_FAULTS + tuple(self.platform_faults):
            raise ValueError(f"{type(self).__name__} knows no fault {fault!r}")
        with self.lock:
            for _ in range(times):
                self.faults.append((fault, path))

    def _take_fault(self, path):
        with self.lock:
            for index, (fault, wanted) in enumerate(self.faults):
                if wanted is None or wanted == path:
                    del self.faults[index]
                    return fault
        return None

    def calls_to(self, path: str) -> list[Request]:
        with self.lock:
            return [call for call in self.calls if call.path == path]

    def platform_fault(self, fault: str, request: Request) -> Response:
        raise NotImplementedError(fault)

    # --- dispatch -----------------------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler):
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        form, files = parse_body(handler.headers.get("Content-Type", ""), body)
        request = Request(
            method=handler.command,
            path=parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
            form=form,
            files=files,
        )
        with self.lock:
            self.calls.append(request)
        fault = self._take_fault(request.path)
        if fault == "down":
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        if fault == "timeout":
            time.sleep(self.timeout_seconds)
            response = Response(504, "<html><body>timeout</body></html>", "text/html")
        elif fault == "5xx":
            response = Response(
                502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", "text/html"
            )
        elif fault == "html":
            response = Response(200, "<html><body>系统繁忙</body></html>", "text/html; charset=utf-8")
        elif fault == "garbage":
            response = Response(200, b"\x00{not json", "application/json")
        elif fault:
            response = self.platform_fault(fault, request)
        else:
            name = self.routes.get((request.method, request.path))
            if name is None:
                response = self.not_found(request)
            else:
                response = getattr(self, name)(request)
        data = response.encoded()
        try:
            self._answer(handler, response, data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout fault): nothing to answer

    def _answer(self, handler, response, data):
        handler.send_response(response.status)
        handler.send_header("Content-Type", response.content_type)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in response.headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def not_found(self, request: Request) -> Response:
        return Response(404, {"error": "not found", "path": request.path})
