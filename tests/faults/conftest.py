"""Fixtures the fault tests share with the partner tests: the partner contract server, loopback allowed."""

from rongmei.core.tests.factories import allow_loopback  # noqa: F401 (a fixture)
from rongmei.partners.tests.conftest import contract, site  # noqa: F401 (fixtures)
