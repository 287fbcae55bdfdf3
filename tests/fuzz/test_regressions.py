"""Plain example tests for what the fuzzing found over HTTP (see docs/decisions/0040-fuzzing.md)."""

import pytest


@pytest.mark.parametrize("path", ["/api/v1/sections", "/api/v1/topics", "/api/v1/regions"])
def test_an_index_answers_304_and_its_document_says_so(client, world, path):
    # Found by schemathesis: the channel indexes answered 304 to If-None-Match, undocumented.
    first = client.get(path)
    assert first.status_code == 200
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    document = client.get("/api/v1/openapi.json").json()
    assert "304" in document["paths"][path]["get"]["responses"]
