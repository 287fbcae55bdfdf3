import pytest


@pytest.fixture
def allow_loopback(settings):
    """The tests' local HTTP servers listen on 127.0.0.1, which outbound requests refuse: allow it
    the way a center allows an intranet source (the refusal itself is tested without this)."""
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
