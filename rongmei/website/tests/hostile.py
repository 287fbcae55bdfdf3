"""Hostile query-string values for the "never a 500" tests of every GET parameter we parse."""

HOSTILE_VALUES = [
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2024-02-30",
    "9999-12",
    "0001-01",
    "0000-00",
    "-1",
    "0",
    "-9223372036854775809",
    "9223372036854775808",
    "9" * 40,
    "9" * 5000,  # past Python's int() digit limit
    "1e309",
    "NaN",
    "abc",
    "１２",  # full-width digits
    "淄博\u202e",
    "\U0001f600",
    "a\x00b",
    "\x00",
    "%00",
    "x" * 10_000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
]
