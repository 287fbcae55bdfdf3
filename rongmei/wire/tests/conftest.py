import pytest

from rongmei.core.tests.factories import allow_loopback  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def fast_fetch_settings(settings):
    settings.MONITORING_FETCH = dict(
        connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0, retries=0, backoff=0.01, host_interval=0
    )
