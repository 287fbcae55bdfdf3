"""Integration tests that start the real production processes (``rongmei db_worker``) against the
test database. They take tens of seconds each: ``-m "not slow"`` leaves them out."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: starts real worker processes (tens of seconds); deselect with -m 'not slow'"
    )
