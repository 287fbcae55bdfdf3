import pytest

from rongmei.organisation import roles
from rongmei.testing import make_user


@pytest.fixture
def editor_director(review):
    """One person holding both the 初审 and the 复审 role."""
    return make_user("both", roles.EDITOR, roles.DIRECTOR, display_name="钱两岗")
