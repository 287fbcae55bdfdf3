"""People's names: one 姓名, written as it is read, and one function that shows it.

Chinese names are written family name first with no space (李静), so a user's name is kept whole
in the user's ``first_name`` and ``last_name`` stays empty: Django's ``get_full_name()`` (and
therefore everything Wagtail shows: the user list, revision and audit history, locks, comments,
"awaiting review" lists) prints "李静", with no custom user model and no patch. The admin's user
forms have one 姓名 field (``rongmei.organisation.users``), neither half required.

A name that arrives split anyway (an older database, Wagtail's default form, a script) is joined
family name first when it is Chinese (``join_name``); the migration
``organisation.0002_join_chinese_user_names`` and a ``pre_save`` handler store it joined.

``display_name(user)`` is the name everywhere Rongmei shows a person (bylines, review history,
case pages, dashboards, reports): the staff profile's byline name, else the 姓名, else the
username. Templates use ``{{ user|staff_name }}`` (``organisation_tags``).
"""

import re

# CJK ideographs (with extension A and the compatibility block), kana and hangul: names in these
# scripts are written family name first, without a space.
_EAST_ASIAN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def is_east_asian(text: str) -> bool:
    return bool(_EAST_ASIAN.search(text or ""))


def join_name(given: str, family: str) -> str:
    """The whole name from Django's two halves: "李" + "静" → "李静", "Jane" + "Doe" → "Jane Doe"."""
    given = (given or "").strip()
    family = (family or "").strip()
    if not family:
        return given
    if not given:
        return family
    if is_east_asian(given) or is_east_asian(family):
        return f"{family}{given}"
    return f"{given} {family}"


def full_name(user) -> str:
    """The user's 姓名 as written (whatever way it was stored), or ""."""
    if user is None:
        return ""
    return join_name(getattr(user, "first_name", ""), getattr(user, "last_name", ""))


def store_name(user, name: str) -> None:
    """Keep ``name`` whole on the user (not saved): ``first_name`` holds it, ``last_name`` is empty."""
    user.first_name = (name or "").strip()
    user.last_name = ""


def normalise_stored_name(user) -> bool:
    """Join a Chinese name stored in two halves; True when the user's fields changed."""
    if user.last_name and (is_east_asian(user.first_name) or is_east_asian(user.last_name)):
        store_name(user, join_name(user.first_name, user.last_name))
        return True
    return False


def display_name(user) -> str:
    """The name colleagues know a user by: byline name (staff profile), else 姓名, else username."""
    if user is None:
        return ""
    # A user without a profile raises RelatedObjectDoesNotExist, an AttributeError.
    profile = getattr(user, "staff_profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    name = full_name(user)
    if name:
        return name
    get_username = getattr(user, "get_username", None)
    return get_username() if get_username else ""
