"""Drive schemathesis against the Django app in-process (WSGI) and count what happened.

Each API's OpenAPI document is read from the app itself (``schemathesis.openapi.from_wsgi``), so
the fuzzer sees what a client sees. For every operation, Hypothesis draws cases in both of
schemathesis' generation modes (positive: valid parameters; negative: parameters the schema
forbids) with a chosen credential, sends them through the WSGI app and runs the checks. Failures
are collected, not raised at once, so a run reports its totals: requests sent, server errors (5xx
or an exception out of the app) and check failures (schema conformance and the like).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Checks on every answer; a negative case may get any 4xx the schema lists or not (a 400 for a
# parameter Ninja refuses is promised, a 401 for a junk token too), so it gets fewer checks.
POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@dataclass
class Tally:
    """What one API's run did."""

    api: str
    requests: int = 0
    server_errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return f"{self.api}_requests={self.requests} {self.api}_server_errors={self.server_errors}"


def load(app, path: str):
    """The OpenAPI document at ``path`` of the WSGI ``app`` as a schemathesis schema."""
    return schemathesis.openapi.from_wsgi(path, app)


def fuzz(
    schema,
    *,
    api: str,
    examples: int,
    credentials,
    app=None,
    sign=None,
    path_parameters=None,
    tally: Tally | None = None,
) -> Tally:
    """Send ``examples`` cases per operation and mode; ``credentials`` is a strategy of header dicts.

    ``credentials`` lets a run mix a valid token with missing and broken ones, so the
    authentication code is fuzzed too, not only what lies behind it. ``sign(body, headers)``, when
    given, returns the headers to send with the JSON body as serialised here (a signed push);
    ``app`` is the WSGI app for a schema not loaded from it; ``path_parameters`` fixes some.
    """
    tally = tally or Tally(api)
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            _fuzz_operation(strategy, mode, examples, credentials, tally, app=app, sign=sign)
    tally.seconds += time.perf_counter() - started
    return tally


def _fuzz_operation(strategy, mode, examples, credentials, tally, *, app, sign):
    checks = POSITIVE_CHECKS if mode == schemathesis.GenerationMode.POSITIVE else NEGATIVE_CHECKS

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=["explicit", "generate"],  # no shrinking: a failure is recorded, not raised
    )
    @given(case=strategy, headers=credentials)
    def run(case, headers):
        tally.requests += 1
        where = f"{mode.value} {case.method} {case.formatted_path}"
        extra = {"app": app} if app is not None else {}
        if sign is not None:
            body = _as_json_bytes(case.body)
            headers = sign(body, headers)
            extra["data"] = body
        try:
            response = case.call(headers=headers, **extra)
        except Exception as exc:  # the app raised instead of answering: a server error
            tally.server_errors += 1
            tally.failures.append(f"{where}: {type(exc).__name__}: {exc}")
            return
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.server_errors += 1
        try:
            case.validate_response(response, checks=checks, headers=headers, transport_kwargs=extra or None)
        except FailureGroup as group:
            titles = "; ".join(sorted({failure.title for failure in group.exceptions}))
            tally.failures.append(f"{where} → {response.status_code}: {titles}\n{str(group)[:1500]}")

    try:
        run()
    except Unsatisfiable:
        # Negative mode on an operation without parameters: nothing can be made invalid.
        if mode == schemathesis.GenerationMode.POSITIVE:
            raise


def _as_json_bytes(body) -> bytes:
    """The generated body as a partner would send it (negative bodies may hold bytes: as Latin-1)."""
    if isinstance(body, NotSet):
        return b""
    if isinstance(body, bytes):
        return body
    text = json.dumps(body, ensure_ascii=False, default=lambda raw: raw.decode("latin-1"))
    return text.encode("utf-8", "surrogatepass")
