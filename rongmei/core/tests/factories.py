"""Test fixtures for what core provides to every app."""

import pytest


@pytest.fixture
def allow_loopback(settings):
    """Contract servers listen on 127.0.0.1, which outbound requests (core.outbound) refuse: allow it
    the way a center allows an intranet service (the refusal itself is tested without this)."""
    settings.RONGMEI_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
