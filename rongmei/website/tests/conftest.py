"""Fixtures of the website tests: the public site (website/tests/factories.py) and a date maker."""

from datetime import UTC, datetime

import pytest

from .factories import PublicSite


@pytest.fixture
def site(newsroom):
    return PublicSite(newsroom)


@pytest.fixture
def at():
    def make(day, hour=0, minute=0):
        return datetime(2025, 3, day, hour, minute, tzinfo=UTC)

    return make
