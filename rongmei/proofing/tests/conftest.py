import pytest

from .factories import banned_list as make_banned_list


@pytest.fixture
def banned_list(db):
    return make_banned_list()
