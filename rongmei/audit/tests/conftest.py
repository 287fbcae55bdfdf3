import pytest
from django.utils import translation

from rongmei.testing import make_user


@pytest.fixture(autouse=True)
def english():
    # Messages are matched by their English msgids.
    with translation.override("en"):
        yield


@pytest.fixture
def clerk(db):
    return make_user("clerk", display_name="郑书记")
