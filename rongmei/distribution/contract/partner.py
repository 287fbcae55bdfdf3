"""A partner center's receiving end for our pushes (adapters/partner_push.py), as we document it to
partners: it checks what a careful partner checks.

- ``X-Rongmei-Timestamp`` within ±5 minutes of its clock, and ``X-Rongmei-Signature`` equal to
  ``sha256=`` + hex HMAC-SHA256(shared secret, timestamp + "." + body): else 401.
- ``Idempotency-Key`` present (else 400); a key seen before is answered 200 ``{"status":
  "duplicate"}`` and nothing is stored again.
- The body is JSON and a valid IPTC ninjs 2.1 item (``jsonschema``, a dev dependency, imported when
  the first item arrives; without it or the schema file the check is skipped): else 422 with the
  schema's complaints.
- Stored items are in ``received`` (every accepted push, in order) and ``items`` (the latest per
  ``uri``); ``GET /rongmei/items`` lists the latest ones (the demo shows them).

Besides the shared faults (``down``, ``5xx``, ``timeout``, ``html``, ``garbage``) it knows
``lost_answer``: it stores the item, then closes the connection without answering, as a partner
whose answer is lost on the way does; the retry must not give it a second copy; and ``quota``: it
takes no more pushes for now and answers HTTP 429 with ``Retry-After`` (seconds) and ``{"error":
"too many requests"}``, as our push protocol tells partners to (adapters/partner_push.py), storing
nothing.

Use::

    with PartnerContractServer(secret="…") as server:
        partner.push_url = server.push_url
"""

import hashlib
import hmac
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

from .base import ContractServer, Request, Response, parse_body

PUSH_PATH = "/rongmei/push"
ITEMS_PATH = "/rongmei/items"
TIMESTAMP_WINDOW = 300  # seconds either way
NINJS_SCHEMA_PATH = Path(__file__).resolve().parents[3].parent / "shared" / "ninjs" / "ninjs-schema-2.1.json"


class PartnerContractServer(ContractServer):
    routes = {("POST", PUSH_PATH): "receive", ("GET", ITEMS_PATH): "list_items"}
    platform_faults = ("lost_answer", "quota")
    retry_after_seconds = 60

    def __init__(self, secret: str = "", *, clock=time.time, schema_path: Path = NINJS_SCHEMA_PATH):
        super().__init__()
        self.secret = secret
        self.clock = clock
        self.schema_path = schema_path
        self.received: list[dict] = []  # {"key", "event", "item"} per accepted push
        self.items: dict[str, dict] = {}  # uri → latest item
        self.keys: set[str] = set()
        self.refused: list[tuple[int, str]] = []  # (status, reason) of refused pushes
        self._validator = None

    @property
    def push_url(self) -> str:
        return self.base_url + PUSH_PATH

    # --- checks -------------------------------------------------------------------------------------

    def _signature_problem(self, request) -> str:
        timestamp = request.headers.get("x-rongmei-timestamp", "")
        given = request.headers.get("x-rongmei-signature", "")
        if not timestamp.isdigit():
            return "missing or malformed X-Rongmei-Timestamp"
        if abs(self.clock() - int(timestamp)) > TIMESTAMP_WINDOW:
            return "stale timestamp"
        expected = (
            "sha256="
            + hmac.new(
                self.secret.encode("utf-8"), timestamp.encode("ascii") + b"." + request.body, hashlib.sha256
            ).hexdigest()
        )
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii")):
            return "bad signature"
        return ""

    def validator(self):
        if self._validator is None:
            try:
                from jsonschema import Draft202012Validator, FormatChecker
            except ImportError:  # a production install has no jsonschema: accept without the check
                return None
            if not self.schema_path.exists():
                return None
            schema = json.loads(self.schema_path.read_text(encoding="utf-8"))
            self._validator = Draft202012Validator(schema, format_checker=FormatChecker())
        return self._validator

    def _refuse(self, status, reason, **extra) -> Response:
        with self.lock:
            self.refused.append((status, reason))
        return Response(status, {"error": reason, **extra})

    # --- routes -------------------------------------------------------------------------------------

    def receive(self, request) -> Response:
        problem = self._signature_problem(request)
        if problem:
            return self._refuse(401, problem)
        key = request.headers.get("idempotency-key", "")
        if not key:
            return self._refuse(400, "Idempotency-Key is required")
        with self.lock:
            if key in self.keys:
                return Response(200, {"status": "duplicate"})
        item = request.json()
        if not isinstance(item, dict):
            return self._refuse(400, "the body is not a JSON object")
        validator = self.validator()
        if validator is not None:
            errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(item)]
            if errors:
                return self._refuse(422, "not a valid ninjs 2.1 item", errors=errors[:10])
        with self.lock:
            if key in self.keys:  # a concurrent duplicate won the race
                return Response(200, {"status": "duplicate"})
            self.keys.add(key)
            self.received.append(
                {"key": key, "event": request.headers.get("x-rongmei-event", ""), "item": item}
            )
            self.items[item.get("uri", "")] = item
        return Response(200, {"status": "received"})

    def list_items(self, request) -> Response:
        with self.lock:
            items = list(self.items.values())
        return Response(200, {"items": items})

    def platform_fault(self, fault, request) -> Response:
        if fault == "quota":
            return Response(
                429, {"error": "too many requests"}, headers={"Retry-After": str(self.retry_after_seconds)}
            )
        raise NotImplementedError(fault)

    def _dispatch(self, handler):
        # ``lost_answer``: take the push as usual, then drop the connection instead of answering.
        with self.lock:
            lost = bool(self.faults) and self.faults[0][0] == "lost_answer"
            if lost:
                self.faults.popleft()
        if not lost:
            return super()._dispatch(handler)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        form, files = parse_body(handler.headers.get("Content-Type", ""), body)
        request = Request(
            method=handler.command,
            path=urlsplit(handler.path).path,
            query={},
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
            form=form,
            files=files,
        )
        with self.lock:
            self.calls.append(request)
        self.receive(request)
        handler.close_connection = True
        handler.connection.shutdown(2)

    # --- for tests ----------------------------------------------------------------------------------

    def received_items(self) -> list[dict]:
        with self.lock:
            return [entry["item"] for entry in self.received]
