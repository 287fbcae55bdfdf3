import pytest
from django.core.cache import cache
from django.utils import translation

from rongmei.core.tests.factories import allow_loopback  # noqa: F401 (a fixture)


def pytest_configure(config):
    # The marker tests/integration/conftest.py registers, known here too: this directory's slow
    # test (test_demo_channels.py) is collected before that conftest is read (--strict-markers).
    config.addinivalue_line(
        "markers",
        "slow: takes tens of seconds (a demo load, real worker processes); deselect with -m 'not slow'",
    )


@pytest.fixture
def english():
    """Messages matched by their English msgids (the pages still come in the site's language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def empty_cache():
    """Access tokens are cached per account: each test starts without one."""
    cache.clear()
    yield
    cache.clear()
