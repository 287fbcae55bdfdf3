"""Rongmei roles from the groups a provider or directory says a person belongs to."""

import logging
from collections.abc import Iterable, Mapping

from django.contrib.auth.models import Group
from wagtail.log_actions import log

from rongmei.organisation.roles import ROLES_BY_CODE

logger = logging.getLogger("rongmei.sso")


def unknown_role_codes(role_map: Mapping[str, list[str]]) -> set[str]:
    return {code for codes in role_map.values() for code in codes if code not in ROLES_BY_CODE}


def sync_roles(user, outside_groups: Iterable[str], role_map: Mapping[str, list[str]], source: str) -> None:
    """Give ``user`` exactly the mapped roles their outside groups name.

    Only roles that appear in the map are managed (granted and taken away); the others stay as an
    administrator set them. An empty map leaves every role alone.
    """
    if not role_map:
        return
    managed = {code for codes in role_map.values() for code in codes if code in ROLES_BY_CODE}
    wanted = {
        code
        for name in outside_groups
        for code in role_map.get(str(name).casefold(), ())
        if code in ROLES_BY_CODE
    }
    groups = {
        g.name: g for g in Group.objects.filter(name__in=[ROLES_BY_CODE[c].group_name for c in managed])
    }
    current = set(user.groups.filter(pk__in=[g.pk for g in groups.values()]).values_list("name", flat=True))
    target = {ROLES_BY_CODE[c].group_name for c in wanted} & set(groups)
    missing = {ROLES_BY_CODE[c].group_name for c in wanted} - set(groups)
    if missing:
        logger.warning("sso: role groups %s do not exist yet (run ensure_roles / load_demo)", sorted(missing))
    added, removed = target - current, (current - target)
    if not added and not removed:
        return
    user.groups.add(*(groups[name] for name in added))
    user.groups.remove(*(groups[name] for name in removed))
    logger.info(
        "sso: %s roles of %s: added %s, removed %s", source, user.username, sorted(added), sorted(removed)
    )
    log(
        instance=user,
        action="rongmei.sso.roles",
        user=user,
        data={"source": source, "added": sorted(added), "removed": sorted(removed)},
    )
