"""内参: every act, with its permission check and its record.

Who may do what (the permissions of ``NeicanIssue.Meta``; ``permissions.ROLE_PERMISSIONS`` grants them):

- ``neican.view_neican``: read issues and articles, see the copies and the ledger, download a copy;
- ``neican.manage_neican``: add and edit issues (while drafts) and their articles, manage the
  recipients, make the copies of an approved issue, record that a copy was received;
- ``neican.approve_neican``: approve a draft for distribution (签发) or reopen an approved issue
  that has no copies yet.

Each act writes a ``NeicanEvent`` and an entry in Wagtail's audit log (actions ``rongmei.neican.*``,
registered in ``wagtail_hooks.py``), in the act's transaction. A refusal is a ``PermissionDenied``
with the reason; a request that cannot be carried out (editing an approved issue) a ``NeicanError``.
"""

import html
import logging
import re

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .models import Copy, NeicanArticle, NeicanEvent, NeicanIssue, Recipient

logger = logging.getLogger(__name__)

State = NeicanIssue.State
Act = NeicanEvent.Act

VIEW = "neican.view_neican"
MANAGE = "neican.manage_neican"
APPROVE = "neican.approve_neican"

LOG_ACTIONS = {
    Act.CREATE: "rongmei.neican.create",
    Act.EDIT: "rongmei.neican.edit",
    Act.APPROVE: "rongmei.neican.approve",
    Act.REOPEN: "rongmei.neican.reopen",
    Act.GENERATE: "rongmei.neican.generate",
    Act.DOWNLOAD: "rongmei.neican.download",
    Act.RECEIVED: "rongmei.neican.received",
}


class NeicanError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- who may ---------------------------------------------------------------------------------------------


def _has(user, perm) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(perm))


def can_view(user) -> bool:
    return _has(user, VIEW) or _has(user, MANAGE) or _has(user, APPROVE)


def can_manage(user) -> bool:
    return _has(user, MANAGE)


def can_approve(user) -> bool:
    return _has(user, APPROVE)


def require_view(user):
    if not can_view(user):
        raise PermissionDenied(
            _("Internal reference reports (内参) are only for staff granted to read them.")
        )


def require_manage(user):
    if not can_manage(user):
        raise PermissionDenied(
            _("Only staff granted to compile internal reference reports (内参) may do this.")
        )


def require_approve(user):
    if not can_approve(user):
        raise PermissionDenied(
            _(
                "Only staff granted to approve internal reference reports (内参) may approve or reopen an issue."
            )
        )


def _require_draft(issue):
    if issue.state != State.DRAFT:
        raise NeicanError(
            _("%(issue)s is no longer a draft (%(state)s): it cannot be changed.")
            % {"issue": issue.number, "state": issue.get_state_display()}
        )


# --- the record ------------------------------------------------------------------------------------------


def record(issue, act, *, actor, copy=None, note="", at=None) -> NeicanEvent:
    """The ledger row and the Wagtail audit-log entry of one act (in the caller's transaction)."""
    at = at or timezone.now()
    event = NeicanEvent.objects.create(issue=issue, copy=copy, act=act, actor=actor, at=at, note=note[:300])
    data = {"issue": issue.number}
    if copy is not None:
        data.update(copy=copy.label, recipient=copy.recipient_name)
    if note:
        data["note"] = note[:300]
    log(instance=copy or issue, action=LOG_ACTIONS[act], user=actor, data=data, timestamp=at)
    return event


# --- reading ---------------------------------------------------------------------------------------------


def issues_for(user):
    require_view(user)
    return NeicanIssue.objects.order_by("-issue_date", "-pk")


def issue_for(user, pk) -> NeicanIssue:
    require_view(user)
    return NeicanIssue.objects.get(pk=pk)


def copies_of(issue, user):
    require_view(user)
    return issue.copies.select_related("recipient", "generated_by", "received_recorded_by").order_by("number")


def events_of(issue, user):
    require_view(user)
    return issue.events.select_related("actor", "copy").order_by("-at", "-pk")


def recipients_for(user):
    require_view(user)
    return Recipient.objects.all()


# --- issues and articles ---------------------------------------------------------------------------------


@transaction.atomic
def create_issue(*, acting_user, number, title, issue_date, classification="") -> NeicanIssue:
    require_manage(acting_user)
    fields = {"number": number.strip(), "title": title.strip(), "issue_date": issue_date}
    if classification.strip():
        fields["classification"] = classification.strip()
    if NeicanIssue.objects.filter(number=fields["number"]).exists():
        raise NeicanError(_("There is already an issue %(number)s.") % {"number": fields["number"]})
    issue = NeicanIssue.objects.create(created_by=acting_user, **fields)
    record(issue, Act.CREATE, actor=acting_user)
    return issue


@transaction.atomic
def update_issue(issue, *, acting_user, **fields) -> NeicanIssue:
    require_manage(acting_user)
    issue = NeicanIssue.objects.select_for_update().get(pk=issue.pk)
    _require_draft(issue)
    allowed = {"number", "title", "issue_date", "classification"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(issue, name, value.strip() if isinstance(value, str) else value)
    if NeicanIssue.objects.filter(number=issue.number).exclude(pk=issue.pk).exists():
        raise NeicanError(_("There is already an issue %(number)s.") % {"number": issue.number})
    issue.save()
    record(issue, Act.EDIT, actor=acting_user)
    return issue


@transaction.atomic
def save_article(issue, *, acting_user, title, body, article=None, source_story=None) -> NeicanArticle:
    """Add an article to a draft issue (``article=None``) or change one of its articles."""
    require_manage(acting_user)
    issue = NeicanIssue.objects.select_for_update().get(pk=issue.pk)
    _require_draft(issue)
    if article is None:
        last = issue.articles.aggregate(m=Max("sort_order"))["m"]
        article = NeicanArticle(issue=issue, sort_order=(last or 0) + 10, source_story=source_story)
        note = _("article “%(title)s” added") % {"title": title.strip()}
    else:
        if article.issue_id != issue.pk:
            raise NeicanError(_("This article belongs to another issue."))
        note = _("article “%(title)s” changed") % {"title": title.strip()}
    article.title = title.strip()
    article.body = normalise_text(body)
    article.save()
    record(issue, Act.EDIT, actor=acting_user, note=note)
    return article


@transaction.atomic
def delete_article(article, *, acting_user) -> None:
    require_manage(acting_user)
    issue = NeicanIssue.objects.select_for_update().get(pk=article.issue_id)
    _require_draft(issue)
    title = article.title
    article.delete()
    record(issue, Act.EDIT, actor=acting_user, note=_("article “%(title)s” removed") % {"title": title})


@transaction.atomic
def move_article(article, *, acting_user, up: bool) -> None:
    require_manage(acting_user)
    issue = NeicanIssue.objects.select_for_update().get(pk=article.issue_id)
    _require_draft(issue)
    articles = list(issue.articles.order_by("sort_order", "pk"))
    index = next(i for i, a in enumerate(articles) if a.pk == article.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(articles):
        return
    articles[index], articles[other] = articles[other], articles[index]
    for position, item in enumerate(articles, start=1):
        NeicanArticle.objects.filter(pk=item.pk).update(sort_order=position * 10)
    record(issue, Act.EDIT, actor=acting_user, note=_("articles reordered"))


# --- from a story ----------------------------------------------------------------------------------------

_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|h[1-6]|li|blockquote|div|figure)>")
_EMBED = re.compile(r"(?is)<embed\b[^>]*/?>|<figure\b.*?</figure>")
_TAG = re.compile(r"<[^>]+>")


def normalise_text(text: str) -> str:
    """One paragraph per line, no blank lines, no trailing spaces."""
    lines = (" ".join(line.split()) for line in (text or "").replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def story_text(story) -> str:
    """A story's lead and body as plain paragraphs: images, embeds and link addresses left out."""
    parts = []
    if getattr(story, "lead", ""):
        parts.append(story.lead)
    body = _EMBED.sub("\n", story.body or "")
    body = _BLOCK_END.sub("\n", body)
    parts.append(html.unescape(_TAG.sub("", body)))
    return normalise_text("\n".join(parts))


def story_source_for(user, story):
    """The story as the user may read it for a 内参 article: the newest revision for staff who may
    see the story's work, the published text for anyone else (a live story only)."""
    from rongmei.newsroom.visibility import user_can_see_work

    if user_can_see_work(user, story):
        return story.get_latest_revision_as_object()
    if story.live and not story.is_retracted:
        return story
    raise PermissionDenied(_("You may not read this story, so you cannot make an article from it."))


def article_from_story(issue, story, *, acting_user) -> NeicanArticle:
    """Copy a story's headline and text into a new article of a draft issue. The article is separate
    from then on: editing either changes nothing in the other, and the story's visibility is untouched."""
    require_manage(acting_user)
    source = story_source_for(acting_user, story)
    return save_article(
        issue, acting_user=acting_user, title=source.title, body=story_text(source), source_story=story
    )


# --- approval --------------------------------------------------------------------------------------------


@transaction.atomic
def approve_issue(issue, *, acting_user) -> NeicanIssue:
    require_approve(acting_user)
    issue = NeicanIssue.objects.select_for_update().get(pk=issue.pk)
    _require_draft(issue)
    if not issue.articles.exists():
        raise NeicanError(
            _("%(issue)s has no articles yet; add at least one before approving it.")
            % {"issue": issue.number}
        )
    issue.state = State.APPROVED
    issue.approved_at = timezone.now()
    issue.approved_by = acting_user
    issue.save(update_fields=["state", "approved_at", "approved_by"])
    record(issue, Act.APPROVE, actor=acting_user, at=issue.approved_at)
    return issue


@transaction.atomic
def reopen_issue(issue, *, acting_user) -> NeicanIssue:
    require_approve(acting_user)
    issue = NeicanIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.state != State.APPROVED or issue.copies.exists():
        raise NeicanError(
            _("Only an approved issue without copies can be reopened: copies already made stay as they were.")
        )
    issue.state = State.DRAFT
    issue.approved_at = None
    issue.approved_by = None
    issue.save(update_fields=["state", "approved_at", "approved_by"])
    record(issue, Act.REOPEN, actor=acting_user)
    return issue


# --- recipients ------------------------------------------------------------------------------------------


@transaction.atomic
def save_recipient(*, acting_user, recipient=None, name, title="", active=True, sort_order=0, note=""):
    require_manage(acting_user)
    recipient = recipient or Recipient()
    recipient.name = " ".join(name.split())
    recipient.title = " ".join(title.split())
    recipient.active = active
    recipient.sort_order = sort_order or 0
    recipient.note = note.strip()
    recipient.save()
    return recipient


# --- copies ----------------------------------------------------------------------------------------------


def _next_number(issue) -> int:
    return (issue.copies.aggregate(m=Max("number"))["m"] or 0) + 1


def generate_copies(issue, *, acting_user, recipients=None) -> list[Copy]:
    """Make the numbered copies of an approved (or already distributed) issue: one per recipient
    who has none yet, numbered on from the issue's last copy (001, 002 …), each a PDF with the
    recipient's name and number as a watermark on every page. The issue is then distributed.

    ``recipients``: those to make copies for (default: every active recipient). A recipient who
    already has a copy of the issue is skipped: a copy is never made twice (a lost copy is a
    matter for whoever keeps the register, not a new number).
    """
    from . import pdf

    require_manage(acting_user)
    saved_files = []
    try:
        with transaction.atomic():
            issue = NeicanIssue.objects.select_for_update().get(pk=issue.pk)
            if issue.state == State.DRAFT:
                raise NeicanError(
                    _("%(issue)s is still a draft: it must be approved before copies are made.")
                    % {"issue": issue.number}
                )
            wanted = (
                list(recipients) if recipients is not None else list(Recipient.objects.filter(active=True))
            )
            if not wanted:
                raise NeicanError(_("There are no active recipients: add recipients first."))
            inactive = [r.name for r in wanted if not r.active]
            if inactive:
                raise NeicanError(_("%(names)s is not an active recipient.") % {"names": "、".join(inactive)})
            have = set(issue.copies.values_list("recipient_id", flat=True))
            articles = list(issue.articles.order_by("sort_order", "pk"))
            number = _next_number(issue)
            made = []
            for recipient in wanted:
                if recipient.pk in have:
                    continue
                now = timezone.now()
                copy = Copy(
                    issue=issue,
                    recipient=recipient,
                    number=number,
                    recipient_name=recipient.name,
                    recipient_title=recipient.title,
                    generated_at=now,
                    generated_by=acting_user,
                )
                content = pdf.render_copy(issue, articles, copy)
                copy.pdf.save(f"{issue.pk}-{copy.label}.pdf", ContentFile(content), save=False)
                saved_files.append(copy.pdf.name)
                copy.save()
                record(issue, Act.GENERATE, actor=acting_user, copy=copy, at=now)
                have.add(recipient.pk)
                made.append(copy)
                number += 1
            if made and issue.state != State.DISTRIBUTED:
                issue.state = State.DISTRIBUTED
                issue.save(update_fields=["state"])
    except BaseException:
        # A confidential file without its row would stay on disk unseen by anyone: remove it.
        from rongmei.core.storage import private_storage

        for name in saved_files:
            private_storage().delete(name)
        raise
    logger.info("neican issue %s: %d copies made by %s", issue.pk, len(made), acting_user)
    return made


def copy_download(copy, *, acting_user):
    """The copy's PDF as a download for ``acting_user`` (recorded: who downloaded which copy when).

    Raises PermissionDenied without the permission, FileNotFoundError if the file is gone."""
    from rongmei.core.storage import private_file_response

    require_view(acting_user)
    response = private_file_response(copy.pdf, copy_filename(copy), "application/pdf")
    with transaction.atomic():
        record(copy.issue, Act.DOWNLOAD, actor=acting_user, copy=copy)
    return response


def copy_filename(copy) -> str:
    """内参-2026年第12期-第003份.pdf (no recipient name: the file name travels in mail and logs)."""
    number = "".join(ch for ch in copy.issue.number if ch not in '\\/:*?"<>|\r\n').strip() or str(
        copy.issue_id
    )
    return f"内参-{number}-第{copy.label}份.pdf"


@transaction.atomic
def record_received(copy, *, acting_user, note="", received_at=None) -> Copy:
    """Record that the recipient got their copy (signed for it, or confirmed it)."""
    require_manage(acting_user)
    copy = Copy.objects.select_for_update().select_related("issue").get(pk=copy.pk)
    if copy.received_at is not None:
        raise NeicanError(
            _("Copy %(copy)s was already recorded as received on %(when)s.")
            % {"copy": copy.label, "when": f"{timezone.localtime(copy.received_at):%Y-%m-%d %H:%M}"}
        )
    copy.received_at = received_at or timezone.now()
    copy.received_note = note.strip()[:200]
    copy.received_recorded_by = acting_user
    copy.save(update_fields=["received_at", "received_note", "received_recorded_by"])
    record(copy.issue, Act.RECEIVED, actor=acting_user, copy=copy, note=copy.received_note)
    return copy
