"""Who may see and work tips (asked by the menu, the views and the services alike).

- the tips desk (线索编辑, ``tips.desk_tip``; superusers): every tip, triage, assignment, rewards;
- the tipster's contact details: ``tips.view_contact_tip`` (the desk; superusers), read through a
  logged act, never shown on a GET;
- a reporter assigned a tip reads that tip's text, place, time and attachments, not the contact.
"""

DESK = "tips.desk_tip"
CONTACT = "tips.view_contact_tip"


def is_desk(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(DESK))


def may_see_contact(user) -> bool:
    return is_desk(user) and user.has_perm(CONTACT)


def may_read_tip(user, tip) -> bool:
    if is_desk(user):
        return True
    return bool(user and user.is_authenticated and tip.assigned_to_id == user.pk)


def may_see_assigned(user) -> bool:
    """Whether the user has tips assigned (the 我的线索 list)."""
    if not (user and user.is_authenticated):
        return False
    from .models import Tip

    return Tip.objects.filter(assigned_to=user).exists()
