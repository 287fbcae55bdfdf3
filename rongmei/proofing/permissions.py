"""Who may do what with proofreading (审校): the one place the 审校 page, the editor's panel, the
menus and the services (``story_checks``, ``services``) ask.

``…_barred_reason`` returns why someone may not (a translated sentence) or ``None``; ``check_…``
raises ``ProofingPermissionDenied`` with it; ``may_…`` answers yes or no. Nothing here changes anything.
"""

from django.utils.translation import gettext_lazy as _

from rongmei.review import permissions as review_permissions

from .engine import findings as f
from .errors import ProofingPermissionDenied

IMPORT_TERMS_PERMISSION = "proofing.add_term"
EXPORT_TERMS_PERMISSIONS = ("proofing.view_term", "proofing.change_term")
REPORT_PERMISSION = "proofing.view_proofcheck"


# --- a story's findings ---------------------------------------------------------------------------


def may_see_findings(user, story) -> bool:
    """The 审校 page and its findings: whoever may read the story's record (审核记录)."""
    return review_permissions.may_see_history(user, story)


def may_edit_now(story, user) -> bool:
    """Whether ``user`` may change the story's text now: the edit permission, and no lock held by
    someone else (a story in review is locked to the reviewers of its level)."""
    if not review_permissions.is_active_staff(user):
        return False
    lock = story.get_lock()
    return story.permissions_for_user(user).can_edit() and not (lock is not None and lock.for_user(user))


def may_decide_on_findings(story, user) -> bool:
    """ "Not an error" and "count it again": whoever may edit the story, or a reviewer (who decides
    on copy they may not edit)."""
    if not review_permissions.is_active_staff(user):
        return False
    return story.permissions_for_user(user).can_edit() or review_permissions.is_reviewer(user)


def block_dismissal_barred_reason(story, user):
    """Why ``user`` may not mark a *block* finding of ``story`` "not an error", or ``None``.

    A block (a banned word) stops 终审; clearing it is a review decision, so only someone who may
    decide the level the story is waiting at may do it, never its author on their own.
    """
    task_state = story.current_workflow_task_state
    if task_state is None:
        return _(
            "Only the reviewers of the story's current review level may mark a blocking finding “not an "
            "error”. Fix the text, or submit the story and explain it to the reviewer."
        )
    if not review_permissions.may_decide(task_state, user):
        return _(
            "Only the reviewers who decide at %(level)s may mark a blocking finding “not an error”; "
            "fix the text or explain it to them."
        ) % {"level": task_state.task.name}
    return None


NOT_YOUR_FINDINGS = _("You may not decide on this story's findings.")


def check_may_dismiss(story, user, severity) -> None:
    """ "Not an error" on a finding of ``severity`` (one place or its group)."""
    if not may_decide_on_findings(story, user):
        raise ProofingPermissionDenied(NOT_YOUR_FINDINGS)
    if severity == f.BLOCK:
        reason = block_dismissal_barred_reason(story, user)
        if reason is not None:
            raise ProofingPermissionDenied(reason, code="block_needs_reviewer")


def check_may_reopen(story, user) -> None:
    if not may_decide_on_findings(story, user):
        raise ProofingPermissionDenied(NOT_YOUR_FINDINGS)


def check_may_accept(story, user) -> None:
    """Putting a suggestion in the text saves a revision: only someone who may edit the story now."""
    if not may_edit_now(story, user):
        raise ProofingPermissionDenied(
            _("You cannot edit this story now (no permission, or someone else has locked it).")
        )


def check_may_recheck(story, user) -> None:
    """ "Check again" on the 审校 page: whoever may see the story's findings."""
    if not may_see_findings(user, story):
        raise ProofingPermissionDenied(NOT_YOUR_FINDINGS)


# --- word lists and the report ----------------------------------------------------------------------


def may_import_terms(user) -> bool:
    return review_permissions.is_active_staff(user) and user.has_perm(IMPORT_TERMS_PERMISSION)


def check_may_import_terms(user) -> None:
    if not may_import_terms(user):
        raise ProofingPermissionDenied(_("You may not add terms to the word lists."))


def may_export_terms(user) -> bool:
    return review_permissions.is_active_staff(user) and any(
        user.has_perm(permission) for permission in EXPORT_TERMS_PERMISSIONS
    )


def may_see_report(user) -> bool:
    """审校报告: findings per reporter, for whoever holds the view permission of checks."""
    return review_permissions.is_active_staff(user) and user.has_perm(REPORT_PERMISSION)
