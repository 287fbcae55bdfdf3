"""Fixtures of the content API tests: published stories in sections, regions and a topic, and the
IPTC ninjs 2.1 schema every emitted item is checked against (factories.py)."""

import pytest

from rongmei.website.tests.factories import PublicSite

from .factories import ninjs_validator, valid  # noqa: F401 (fixtures)


@pytest.fixture
def api_site(newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return PublicSite(newsroom, clocked=True)


@pytest.fixture
def en(client):
    """Messages in English: the catalogue is merged after this work lands."""
    client.cookies["django_language"] = "en"
    return client
