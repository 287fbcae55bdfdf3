import pytest
from django.core.cache import cache


@pytest.fixture
def media_root(settings, tmp_path):
    """A media directory of the test's own, so renditions are made fresh. Wagtail also caches renditions
    by image id and file hash, which images made in tests share (ids come back after a rollback, and
    ``objects.create`` leaves the hash empty), so that cache is emptied too."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield tmp_path / "media"
    cache.clear()
