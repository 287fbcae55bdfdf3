import pytest

from rongmei.organisation import roles
from rongmei.proofing.tests.factories import banned_list as make_banned_list
from rongmei.testing import make_user


@pytest.fixture
def editor_director(review):
    """One person holding both the 初审 and the 复审 role."""
    return make_user("both", roles.EDITOR, roles.DIRECTOR, display_name="钱两岗")


@pytest.fixture
def banned_list(db):
    """A list of banned words (内部绝密): a *block* finding stops 终审."""
    return make_banned_list()
