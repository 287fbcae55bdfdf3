"""The print edition's acts (报纸版面): every change to a page plan goes through these functions,
which check who acts (``PrintPermissionDenied`` with the reason), keep the rules and write the
audit log (Wagtail's log: the page's and issue's history, the story's history for placements).

Rules:

* one issue per outlet and date, 1–64 pages, numbered from 1; a page number outside the issue is
  refused with the issue's page count;
* only a story approved for publication is placed (live or scheduled after 三审, see
  ``queries.printable_revision``): the paper prints what passed review; each story at most once
  per issue;
* a page goes 小样 → 大样 (layout editor: ``advance_printpage``) → 审签 (the duty editor:
  ``sign_off_printpage``); 大样 may go back to 小样. A signed-off page is locked: nothing on it
  changes until someone with the sign-off permission reopens it with a written reason;
* sign-off is refused while a story on the page is no longer printable (retracted or taken off).

After a sign-off or a reopening, ``sync_print_status()`` keeps each story's "print" channel status
(``distribution.StoryChannelStatus``) true: published once its page is signed off.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from rongmei.organisation.models import display_name_for

from . import permissions, queries
from .models import MAX_PAGES, PagePlacement, PrintIssue, PrintPage

State = PrintPage.State
MAX_TARGET_LENGTH = 50_000


class PrintError(Exception):
    """A refused act, in words for staff; ``field`` names the form field it is about, if any."""

    def __init__(self, message, *, field=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class PrintPermissionDenied(PrintError, PermissionDenied):
    """The acting user may not do this (also a ``PermissionDenied``: a 403 where unguarded)."""


def _require(allowed: bool, reason) -> None:
    if not allowed:
        raise PrintPermissionDenied(reason)


def _name(user) -> str:
    return display_name_for(user) if user is not None else ""


# --- the print channel -----------------------------------------------------------------------------------

PRINT_CHANNEL = {
    "code": queries.PRINT_CHANNEL_CODE,
    "name": "报纸",
    "kind": queries.PRINT_KIND,
    "sort_order": 30,
}


def ensure_print_channel():
    """The distribution channel of the paper (kind "print"); created when the first issue is planned,
    so every story published afterwards gets a print status. Never re-enables one staff switched off."""
    from rongmei.distribution.models import Channel
    from rongmei.distribution.services import register_channel_sender

    channel = queries.print_channel()
    if channel is None:
        channel, _created = Channel.objects.get_or_create(code=PRINT_CHANNEL["code"], defaults=PRINT_CHANNEL)
    register_channel_sender(channel.code)
    return channel


def sync_print_status(story) -> int:
    """Make the story's status on the print channel(s) say where it stands in print: published
    (with the page and who signed it off) once a page carrying it is signed off, otherwise "needs
    manual action" with the page it waits on. Returns the rows written.

    The one place this app writes ``distribution.StoryChannelStatus``; to be replaced by a generic
    distribution service for statuses a person completes by hand.
    """
    from rongmei.distribution.models import Channel, StoryChannelStatus

    standing = queries.print_standing(story)
    now = timezone.now()
    written = 0
    for channel in Channel.objects.filter(kind=queries.PRINT_KIND):
        status = StoryChannelStatus.objects.filter(story=story, channel=channel).first()
        if status is None:
            if not (standing.printed and channel.enabled):
                continue  # a story outside print, or a channel switched off: nothing to show
            status = StoryChannelStatus(story=story, channel=channel, act=StoryChannelStatus.Act.PUBLISH)
        elif status.state in (StoryChannelStatus.State.RETRACTED, StoryChannelStatus.State.UNPUBLISHED):
            continue  # the story's later act stands
        status.state = (
            StoryChannelStatus.State.PUBLISHED if standing.printed else StoryChannelStatus.State.NEEDS_MANUAL
        )
        status.note = standing.note
        status.error = ""
        if standing.printed:
            status.remote_id = standing.remote_id
            status.published_at = status.published_at or now
        status.save()
        written += 1
    return written


# --- issues and pages ----------------------------------------------------------------------------------


def _check_page_count(page_count) -> int:
    try:
        count = int(page_count)
    except (TypeError, ValueError):
        raise PrintError(_("Give the number of pages as a whole number."), field="page_count") from None
    if not 1 <= count <= MAX_PAGES:
        raise PrintError(
            _("An issue has between 1 and %(max)d pages.") % {"max": MAX_PAGES}, field="page_count"
        )
    return count


def create_issue(
    outlet, issue_date: datetime.date, page_count, *, acting_user, page_names=(), note=""
) -> PrintIssue:
    """A new issue with its pages 1…page_count in 小样 (named from ``page_names`` in order)."""
    _require(permissions.can_create(acting_user), _("You may not plan print issues."))
    count = _check_page_count(page_count)
    if outlet is None:
        raise PrintError(_("Choose the outlet whose paper this is."), field="outlet")
    if not isinstance(issue_date, datetime.date):
        raise PrintError(_("Give the issue date."), field="issue_date")
    if PrintIssue.objects.filter(outlet=outlet, issue_date=issue_date).exists():
        raise PrintError(
            _("%(outlet)s already has an issue dated %(date)s: open it instead.")
            % {"outlet": outlet, "date": f"{issue_date:%Y-%m-%d}"},
            field="issue_date",
        )
    names = [(name or "").strip()[:50] for name in page_names]
    try:
        with transaction.atomic():
            issue = PrintIssue.objects.create(
                outlet=outlet,
                issue_date=issue_date,
                page_count=count,
                note=(note or "")[:300],
                created_by=acting_user,
            )
            PrintPage.objects.bulk_create(
                PrintPage(issue=issue, number=n, name=names[n - 1] if n <= len(names) else "")
                for n in range(1, count + 1)
            )
            log(
                instance=issue,
                action="rongmei.printing.create_issue",
                user=acting_user,
                data={"pages": count},
            )
            ensure_print_channel()
    except IntegrityError:  # someone else created it a moment ago
        raise PrintError(
            _("%(outlet)s already has an issue dated %(date)s: open it instead.")
            % {"outlet": outlet, "date": f"{issue_date:%Y-%m-%d}"},
            field="issue_date",
        ) from None
    return issue


def page_of(issue: PrintIssue, number) -> PrintPage:
    """The issue's page ``number``; a clear refusal for a number outside the issue."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise PrintError(_("Give the page number as a whole number."), field="page") from None
    page = issue.pages.filter(number=number).first()
    if page is None:
        raise PrintError(
            _("There is no page %(number)d: this issue has pages 1 to %(count)d.")
            % {"number": number, "count": issue.page_count},
            field="page",
        )
    return page


def _locked_page(page: PrintPage) -> PrintPage:
    """The page row locked for this transaction, with its current state (only the page's own row:
    PostgreSQL cannot lock the nullable side of the outer join to who signed it off)."""
    return (
        PrintPage.objects.select_for_update(of=("self",))
        .select_related("issue", "issue__outlet")
        .get(pk=page.pk)
    )


def _refuse_if_signed_off(page: PrintPage) -> None:
    if page.state == State.SIGNED_OFF:
        raise PrintError(
            _(
                "%(page)s was signed off by %(name)s at %(when)s and is locked. Someone who may sign "
                "pages off can reopen it, giving a reason."
            )
            % {
                "page": page.label,
                "name": _name(page.signed_off_by) or _("unknown"),
                "when": f"{timezone.localtime(page.signed_off_at):%Y-%m-%d %H:%M}"
                if page.signed_off_at
                else "",
            }
        )


def rename_page(page: PrintPage, name: str, *, acting_user) -> PrintPage:
    _require(permissions.can_plan(acting_user), _("You may not change page plans."))
    name = (name or "").strip()
    if len(name) > 50:
        raise PrintError(_("A page name has at most 50 characters."), field="name")
    with transaction.atomic():
        page = _locked_page(page)
        _refuse_if_signed_off(page)
        before = page.name
        page.name = name
        page.save(update_fields=["name"])
        log(
            instance=page,
            action="rongmei.printing.rename_page",
            user=acting_user,
            data={"before": before, "after": name},
        )
    return page


def set_page_count(issue: PrintIssue, page_count, *, acting_user) -> PrintIssue:
    """Add pages at the end, or take empty pages in 小样 off the end."""
    _require(permissions.can_plan(acting_user), _("You may not change page plans."))
    count = _check_page_count(page_count)
    with transaction.atomic():
        issue = PrintIssue.objects.select_for_update().get(pk=issue.pk)
        before = issue.page_count
        if count > before:
            PrintPage.objects.bulk_create(
                PrintPage(issue=issue, number=n) for n in range(before + 1, count + 1)
            )
        elif count < before:
            dropped = issue.pages.filter(number__gt=count)
            busy = dropped.exclude(state=State.GALLEY).order_by("number").first() or (
                dropped.filter(placements__isnull=False).order_by("number").first()
            )
            if busy is not None:
                raise PrintError(
                    _(
                        "%(page)s has stories on it or is past 小样: move them first, the pages were not removed."
                    )
                    % {"page": busy.label},
                    field="page_count",
                )
            dropped.delete()
        issue.page_count = count
        issue.save(update_fields=["page_count"])
        log(
            instance=issue,
            action="rongmei.printing.page_count",
            user=acting_user,
            data={"before": before, "after": count},
        )
    return issue


# --- placements ----------------------------------------------------------------------------------------


def _check_target_length(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise PrintError(
            _("Give the target length as a number of characters."), field="target_length"
        ) from None
    if not 1 <= number <= MAX_TARGET_LENGTH:
        raise PrintError(
            _("The target length is between 1 and %(max)d characters.") % {"max": MAX_TARGET_LENGTH},
            field="target_length",
        )
    return number


def refusal_to_place(story) -> str:
    """Why ``story`` cannot go into the paper, or "" if it can."""
    if story is None:
        return _("There is no such story.")
    if story.is_retracted:
        return _("“%(title)s” has been retracted; it cannot be printed.") % {"title": story.title}
    if queries.printable_revision(story) is None:
        return _(
            "“%(title)s” has not been approved for publication: the paper prints only stories that "
            "passed 三审 (published or scheduled). Submit it for review first."
        ) % {"title": story.title}
    return ""


def default_target_length(story) -> int:
    """The editor's target length from the story's print version, else the story's own length."""
    version = queries.print_version(story)
    if version.target_length:
        return version.target_length
    printed = queries.printable_story(story)
    from .text import print_text

    return max(print_text(printed or story).length, 1)


def place_story(
    issue: PrintIssue,
    page_number,
    story,
    *,
    acting_user,
    target_length=None,
    headline="",
    note="",
    order=None,
) -> PagePlacement:
    """Put a reviewed story on a page of the issue (at the end of the page unless ``order`` is given)."""
    _require(permissions.can_plan(acting_user), _("You may not place stories in the paper."))
    if story is None:
        raise PrintError(_("Choose a story to place."), field="story")
    story = story.specific if hasattr(story, "specific") else story
    reason = refusal_to_place(story)
    if reason:
        raise PrintError(reason, field="story")
    page = page_of(issue, page_number)
    target = _check_target_length(
        target_length if target_length not in (None, "") else default_target_length(story)
    )
    headline = (headline or "").strip()
    if len(headline) > 200:
        raise PrintError(_("A print headline has at most 200 characters."), field="headline")
    with transaction.atomic():
        page = _locked_page(page)
        _refuse_if_signed_off(page)
        existing = PagePlacement.objects.filter(issue=page.issue, story=story).select_related("page").first()
        if existing is not None:
            raise PrintError(
                _(
                    "“%(title)s” is already on %(page)s of this issue; a story is printed once per issue. Move it instead."
                )
                % {"title": story.title, "page": existing.page.label},
                field="story",
            )
        if order is None:
            order = (page.placements.aggregate(top=Max("order"))["top"] or 0) + 1
        try:
            with transaction.atomic():
                placement = PagePlacement.objects.create(
                    page=page,
                    issue=page.issue,
                    story=story,
                    order=max(int(order), 1),
                    target_length=target,
                    headline=headline,
                    note=(note or "").strip()[:300],
                    placed_by=acting_user,
                )
        except IntegrityError:
            raise PrintError(
                _("“%(title)s” is already in this issue; a story is printed once per issue.")
                % {"title": story.title},
                field="story",
            ) from None
        data = {"story": story.pk, "title": story.title, "page": page.number, "target_length": target}
        log(instance=page, action="rongmei.printing.place", user=acting_user, data=data)
        log(
            instance=story,
            action="rongmei.printing.place",
            user=acting_user,
            data={**data, "issue": f"{page.issue}"},
        )
        sync_print_status(story)
    return placement


def update_placement(
    placement: PagePlacement, *, acting_user, target_length, headline="", note=""
) -> PagePlacement:
    _require(permissions.can_plan(acting_user), _("You may not change page plans."))
    target = _check_target_length(target_length)
    headline = (headline or "").strip()
    if len(headline) > 200:
        raise PrintError(_("A print headline has at most 200 characters."), field="headline")
    with transaction.atomic():
        page = _locked_page(placement.page)
        _refuse_if_signed_off(page)
        placement = PagePlacement.objects.select_for_update().get(pk=placement.pk)
        placement.target_length = target
        placement.headline = headline
        placement.note = (note or "").strip()[:300]
        placement.save(update_fields=["target_length", "headline", "note"])
        log(
            instance=page,
            action="rongmei.printing.edit_placement",
            user=acting_user,
            data={"story": placement.story_id, "target_length": target, "headline": headline},
        )
    return placement


def move_placement(placement: PagePlacement, *, acting_user, page_number, order=None) -> PagePlacement:
    """Move a story to another page of the same issue and/or another position on its page."""
    _require(permissions.can_plan(acting_user), _("You may not change page plans."))
    target_page = page_of(placement.issue, page_number)
    with transaction.atomic():
        # Lock both pages in number order (no deadlock between two movers).
        pages = {
            p.pk: p
            for p in PrintPage.objects.select_for_update(of=("self",))
            .select_related("issue")
            .filter(pk__in={placement.page_id, target_page.pk})
            .order_by("number")
        }
        source, target = pages[placement.page_id], pages[target_page.pk]
        _refuse_if_signed_off(source)
        _refuse_if_signed_off(target)
        if order in (None, ""):
            order = (
                placement.order
                if source.pk == target.pk
                else (target.placements.aggregate(top=Max("order"))["top"] or 0) + 1
            )
        try:
            order = max(int(order), 1)
        except (TypeError, ValueError):
            raise PrintError(_("Give the position as a whole number."), field="order") from None
        before = {"page": source.number, "order": placement.order}
        placement.page = target
        placement.order = order
        placement.save(update_fields=["page", "order"])
        data = {
            "story": placement.story_id,
            "before": before,
            "after": {"page": target.number, "order": order},
        }
        log(instance=target, action="rongmei.printing.move", user=acting_user, data=data)
        if source.pk != target.pk:
            log(instance=source, action="rongmei.printing.move", user=acting_user, data=data)
        sync_print_status(placement.story)
    return placement


def remove_placement(placement: PagePlacement, *, acting_user) -> None:
    _require(permissions.can_plan(acting_user), _("You may not change page plans."))
    with transaction.atomic():
        page = _locked_page(placement.page)
        _refuse_if_signed_off(page)
        story = placement.story
        data = {"story": story.pk, "title": story.title, "page": page.number}
        placement.delete()
        log(instance=page, action="rongmei.printing.remove", user=acting_user, data=data)
        log(
            instance=story,
            action="rongmei.printing.remove",
            user=acting_user,
            data={**data, "issue": f"{page.issue}"},
        )
        sync_print_status(story)


# --- the page's state ----------------------------------------------------------------------------------


def mark_page_proof(page: PrintPage, *, acting_user) -> PrintPage:
    """小样 → 大样: the layout editor has set the page."""
    _require(
        permissions.can_advance(acting_user),
        _("Only layout editors may mark a page as 大样 (page proof)."),
    )
    with transaction.atomic():
        page = _locked_page(page)
        if page.state != State.GALLEY:
            raise PrintError(
                _("%(page)s is %(state)s, not 小样: nothing was changed.")
                % {"page": page.label, "state": page.get_state_display()}
            )
        page.state = State.PAGE_PROOF
        page.page_proof_by = acting_user
        page.page_proof_at = timezone.now()
        page.save(update_fields=["state", "page_proof_by", "page_proof_at"])
        log(instance=page, action="rongmei.printing.page_proof", user=acting_user)
    return page


def back_to_galley(page: PrintPage, *, acting_user) -> PrintPage:
    """大样 → 小样 (the page needs more layout work)."""
    _require(permissions.can_advance(acting_user), _("Only layout editors may send a page back to 小样."))
    with transaction.atomic():
        page = _locked_page(page)
        if page.state != State.PAGE_PROOF:
            raise PrintError(
                _("%(page)s is %(state)s, not 大样: nothing was changed.")
                % {"page": page.label, "state": page.get_state_display()}
            )
        page.state = State.GALLEY
        page.save(update_fields=["state"])
        log(instance=page, action="rongmei.printing.back_to_galley", user=acting_user)
    return page


def sign_off(page: PrintPage, *, acting_user) -> PrintPage:
    """大样 → 审签: the duty editor signs the page off; it is locked from now on."""
    _require(
        permissions.can_sign_off(acting_user),
        _("Only the duty editor (复审主任 or 终审总编 on duty) may sign off a page."),
    )
    with transaction.atomic():
        page = _locked_page(page)
        if page.state == State.SIGNED_OFF:
            _refuse_if_signed_off(page)
        if page.state != State.PAGE_PROOF:
            raise PrintError(
                _("%(page)s is still 小样: the layout editor marks it 大样 before it can be signed off.")
                % {"page": page.label}
            )
        placements = list(page.placements.select_related("story"))
        for placement in placements:
            story = placement.story
            if queries.printable_revision(story) is None:
                raise PrintError(
                    _(
                        "“%(title)s” is on this page but is no longer approved for publication (retracted "
                        "or taken off the site): remove it, then sign off."
                    )
                    % {"title": story.title}
                )
        page.state = State.SIGNED_OFF
        page.signed_off_by = acting_user
        page.signed_off_at = timezone.now()
        page.save(update_fields=["state", "signed_off_by", "signed_off_at"])
        log(
            instance=page,
            action="rongmei.printing.sign_off",
            user=acting_user,
            data={"stories": [p.story_id for p in placements]},
        )
        for placement in placements:
            sync_print_status(placement.story)
    return page


def reopen(page: PrintPage, *, acting_user, reason: str) -> PrintPage:
    """审签 → 大样, with the reason on record; the stories' print status waits for sign-off again."""
    _require(
        permissions.can_sign_off(acting_user),
        _("Only the duty editor (复审主任 or 终审总编 on duty) may reopen a signed-off page."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise PrintError(
            _("Say why the signed-off page is reopened; the reason goes on record."), field="reason"
        )
    with transaction.atomic():
        page = _locked_page(page)
        if page.state != State.SIGNED_OFF:
            raise PrintError(
                _("%(page)s is not signed off: there is nothing to reopen.") % {"page": page.label}
            )
        signed_by, signed_at = page.signed_off_by, page.signed_off_at
        page.state = State.PAGE_PROOF
        page.signed_off_by = None
        page.signed_off_at = None
        page.reopened_by = acting_user
        page.reopened_at = timezone.now()
        page.reopen_reason = reason[:2000]
        page.save(
            update_fields=[
                "state",
                "signed_off_by",
                "signed_off_at",
                "reopened_by",
                "reopened_at",
                "reopen_reason",
            ]
        )
        log(
            instance=page,
            action="rongmei.printing.reopen",
            user=acting_user,
            data={
                "reason": page.reopen_reason,
                "signed_off_by": _name(signed_by),
                "signed_off_at": signed_at.isoformat() if signed_at else "",
            },
        )
        for placement in page.placements.select_related("story"):
            sync_print_status(placement.story)
    return page
