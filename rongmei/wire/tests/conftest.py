import pytest


@pytest.fixture
def allow_loopback(settings):
    """The tests' feed server listens on 127.0.0.1, which outbound requests refuse: allow it the way
    a center allows an intranet source (the refusal itself is tested without this)."""
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture(autouse=True)
def fast_fetch_settings(settings):
    settings.MONITORING_FETCH = dict(
        connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0, retries=0, backoff=0.01, host_interval=0
    )
