"""schemathesis against the content API (/api/v1/), the partner pull API (/partners/api/v1/) and
the incoming wire's signed push (/wire/push/<source>/, described in push_schema.py).

Every operation gets generated requests in positive and negative mode; the partner API with a
valid token most of the time, and with none, a junk one, a revoked one, a switched-off partner's
and a push-only partner's; pushes signed with the source's secret most of the time, and unsigned,
signed with another secret or too old. The suite sends at least 1,000 requests and wants no
server error and no answer outside the schema. ``bench/fuzz.py`` runs the same with more
examples (FUZZ_EXAMPLES)."""

import os
import time
from collections import Counter

import schemathesis
from hypothesis import strategies as st

from rongmei.wire import signing

from .driver import Tally, fuzz, load
from .push_schema import PUSH_SCHEMA

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "45"))
MIN_REQUESTS = 1000

# Header values a client might send: printable ASCII (what reaches Django through WSGI), without the
# leading or trailing spaces an HTTP client refuses to send.
ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80).map(str.strip)


def content_headers():
    # The content API is public (no credentials); conditional requests are its only header input.
    return st.fixed_dictionaries({}, optional={"If-None-Match": ascii_text, "Accept-Language": ascii_text})


def partner_headers(world):
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    valid = [bearer(world.token), bearer(world.narrow_token)]
    refused = [
        {},
        bearer(world.revoked_token),
        bearer(world.off_token),
        bearer(world.push_only_token),
    ]
    junk = st.builds(lambda value: {"Authorization": value}, ascii_text)
    return st.one_of(st.sampled_from(valid * 4 + refused), junk).map(
        lambda headers: headers | {"If-None-Match": '"x"'} if "If" in headers else headers
    )


def push_signer(secret):
    """Sign each generated body as a partner does, unless the drawn credential says otherwise."""

    def sign(body, how):
        if how == "unsigned":
            return {}
        key = "another-secret-0123456789abcdef" if how == "wrong" else secret
        stamp = int(time.time()) - (3600 if how == "stale" else 0)
        return signing.signed_headers(key, body, timestamp=stamp)

    return sign


def test_the_apis_answer_a_thousand_generated_requests_without_a_server_error(world, wsgi_app):
    content = fuzz(
        load(wsgi_app, "/api/v1/openapi.json"),
        api="content",
        examples=EXAMPLES,
        credentials=content_headers(),
    )
    partners = fuzz(
        load(wsgi_app, "/partners/api/v1/openapi.json"),
        api="partners",
        examples=EXAMPLES * 2,
        credentials=partner_headers(world),
    )
    pushes = fuzz(
        schemathesis.openapi.from_dict(PUSH_SCHEMA),
        api="push",
        examples=EXAMPLES * 2,
        app=wsgi_app,
        credentials=st.sampled_from(["signed"] * 5 + ["unsigned", "wrong", "stale"]),
        sign=push_signer(world.push_secret),
        path_parameters={"source_id": world.push_source.pk},
    )
    runs = [content, partners, pushes]
    total = Tally(
        "all", requests=sum(r.requests for r in runs), server_errors=sum(r.server_errors for r in runs)
    )
    failures = [failure for run in runs for failure in run.failures]
    statuses = sum((run.statuses for run in runs), start=Counter())
    print(
        f"\nrequests={total.requests} server_errors={total.server_errors} "
        + " ".join(run.line() for run in runs)
        + f" check_failures={len(failures)} seconds={sum(r.seconds for r in runs):.1f}"
        f" statuses={dict(sorted(statuses.items()))}"
    )
    assert total.requests >= MIN_REQUESTS
    assert total.server_errors == 0, "\n\n".join(failures[:5])
    assert not failures, f"{len(failures)} answers failed a check:\n\n" + "\n\n".join(failures[:5])
