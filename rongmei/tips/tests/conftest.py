import pytest
from django.utils import translation

from rongmei.organisation import roles
from rongmei.testing import make_user


@pytest.fixture(autouse=True)
def english():
    # Messages are matched by their English msgids; the pages still come in the site's language
    # unless a test asks for English.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def own_storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")


@pytest.fixture
def desk(newsroom):
    newsroom.desk = make_user("tipsdesk", roles.TIPSDESK, display_name="钱线索", outlet=newsroom.outlet)
    return newsroom
