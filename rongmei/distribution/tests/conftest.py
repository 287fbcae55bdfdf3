import pytest
from django.core.cache import cache
from django.utils import translation

from rongmei.core.tests.factories import allow_loopback  # noqa: F401 (a fixture)


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
