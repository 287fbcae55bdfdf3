"""The IPTC ninjs 2.1 schema every item the content API and the partner feeds emit is checked against
(fixtures: ``valid(item)`` asserts an item validates)."""

import json
from pathlib import Path

import pytest

NINJS_SCHEMA_PATH = Path(__file__).resolve().parents[3].parent / "shared" / "ninjs" / "ninjs-schema-2.1.json"


@pytest.fixture(scope="session")
def ninjs_validator():
    if not NINJS_SCHEMA_PATH.exists():
        pytest.skip(f"the IPTC ninjs 2.1 schema is not at {NINJS_SCHEMA_PATH} (../shared/ninjs/)")
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(NINJS_SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture
def valid(ninjs_validator):
    """Assert that a ninjs item validates against the IPTC schema; return it."""

    def check(item):
        errors = sorted(ninjs_validator.iter_errors(item), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
        return item

    return check
