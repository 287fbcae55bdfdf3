"""Proofreading of stories: checks on save and before each review step, editors' decisions on
findings, the 终审 gate's question ("what blocks?") and the newsroom's monthly report.

Everything that changes a story's findings goes through these functions: the admin views, the
review workflow, the task worker and the demo loader call them alike.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from . import permissions
from .engine import CHECKS, proofread
from .engine import findings as f
from .errors import ProofingError, ProofingPermissionDenied  # noqa: F401 (callers catch story_checks.ProofingError)
from .models import ProofCheck, ProofDecision, ProofFinding
from .services import current_lists, lists_version
from .story_text import (
    Edit,
    ReplacementError,
    StoryText,
    get_field,
    replace_in_field,
    replace_many_in_field,
    set_field,
)

# Longer stories are checked by the task worker after a save, so the editor's save stays quick;
# a 20,000-character story takes ~50 ms with every check, a 1 MB one a few seconds.
BACKGROUND_CHECK_CHARS = 20_000
CONTEXT_CHARS = 20
FINGERPRINT_CONTEXT = 4

NEWS_CHECKS = tuple(name for name in CHECKS if name != "adlaw")
ADVERTORIAL_CHECKS = tuple(CHECKS)


# --- running checks -------------------------------------------------------------------------------
def checks_for(page) -> tuple[str, ...]:
    # The Advertising Law's absolute terms (国家级, 最佳) are ordinary words in news copy; only
    # advertorials are held to them, or the check would cry wolf on every story.
    return ADVERTORIAL_CHECKS if getattr(page, "story_type", "") == "advertorial" else NEWS_CHECKS


def fingerprint(rule: str, flagged: str, before: str, after: str) -> str:
    """The same finding in a later revision: same rule, same text, same few characters around it,
    wherever the paragraph moved."""
    # Only context within the same paragraph: editing the next paragraph must not revive it.
    before = before.rsplit("\n", 1)[-1][-FINGERPRINT_CONTEXT:]
    after = after.split("\n", 1)[0][:FINGERPRINT_CONTEXT]
    key = f"{rule}\x1f{flagged}\x1f{before}\x1f{after}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def _dismissed_fingerprints(story_id) -> set[str]:
    """Fingerprints the story's editors marked "not an error" and did not reopen since."""
    state = {}
    for fp, group, kind in (
        ProofDecision.objects.filter(
            story_id=story_id, kind__in=(ProofDecision.Kind.NOT_AN_ERROR, ProofDecision.Kind.REOPENED)
        )
        .order_by("decided_at", "pk")
        .values_list("fingerprint", "fingerprints", "kind")
    ):
        for each in group or [fp]:  # a decision on a group names each occurrence
            state[each] = kind
    return {fp for fp, kind in state.items() if kind == ProofDecision.Kind.NOT_AN_ERROR}


def _recount(check: ProofCheck) -> None:
    counts = dict(
        check.findings.filter(status=ProofFinding.Status.OPEN)
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    check.block_count = counts.get(f.BLOCK, 0)
    check.warn_count = counts.get(f.WARN, 0)
    check.info_count = counts.get(f.INFO, 0)
    check.save(update_fields=["block_count", "warn_count", "info_count"])


def page_for(story, revision=None):
    """The story as the revision has it (the latest revision by default)."""
    revision = revision or story.latest_revision
    return revision.as_object() if revision is not None else story


@transaction.atomic
def run_check(story, revision=None, *, trigger, acting_user=None) -> ProofCheck:
    """Check ``revision`` of ``story`` (its latest by default) and store the findings."""
    from rongmei.newsroom.models import StoryPage

    story = story.specific if not isinstance(story, StoryPage) else story
    revision = revision or story.latest_revision
    page = page_for(story, revision)
    text = StoryText.from_page(page)
    started = time.perf_counter()
    bundle = current_lists()
    findings = proofread(text.text, lists=bundle, checks=checks_for(page))
    duration_ms = (time.perf_counter() - started) * 1000
    check = ProofCheck.objects.create(
        story=story,
        revision=revision,
        trigger=trigger,
        requested_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        checked_at=timezone.now(),
        lists_version=lists_version(),
        text_length=len(text.text),
        duration_ms=round(duration_ms, 3),
    )
    dismissed = _dismissed_fingerprints(story.pk)
    rows = []
    for finding in findings:
        located = text.locate(finding.start, finding.end)
        if located is None:
            continue
        field, start, end = located
        flagged = text.text[finding.start : finding.start + (end - start)]
        before = text.text[max(0, finding.start - CONTEXT_CHARS) : finding.start]
        after = text.text[finding.start + len(flagged) : finding.start + len(flagged) + CONTEXT_CHARS]
        fp = fingerprint(finding.rule, flagged, before, after)
        rows.append(
            ProofFinding(
                check_run=check,
                field=field,
                start=start,
                end=end,
                category=finding.category,
                severity=finding.severity,
                rule=finding.rule[:50],
                message=finding.message,
                params={k: str(v) for k, v in finding.params.items()},
                suggestion=(finding.suggestion or "")[:200],
                flagged_text=flagged[:200],
                context_before=before,
                context_after=after,
                fingerprint=fp,
                status=ProofFinding.Status.DISMISSED if fp in dismissed else ProofFinding.Status.OPEN,
            )
        )
    ProofFinding.objects.bulk_create(rows, batch_size=1000)
    _recount(check)
    return check


def recheck(story, *, acting_user) -> ProofCheck:
    """ "Check again" on the 审校 page: the latest revision against today's lists, on request."""
    permissions.check_may_recheck(story, acting_user)
    return run_check(story, trigger=ProofCheck.Trigger.MANUAL, acting_user=acting_user)


def is_long(page) -> bool:
    return len(StoryText.from_page(page).text) > BACKGROUND_CHECK_CHARS


def request_check(story, revision=None, *, trigger, acting_user=None) -> ProofCheck | None:
    """Check ``revision`` (the latest by default): now when the story is short, on the worker after
    the commit when it is long, so a save or a submission stays quick. Returns the check when it
    ran here; until the worker's is done, pages say "checking…" (``check_state``)."""
    from .tasks import check_revision_task

    revision = revision or story.latest_revision
    if revision is None:
        return None
    if is_long(page_for(story, revision)):
        user_id = acting_user.pk if acting_user is not None and acting_user.is_authenticated else None
        transaction.on_commit(lambda: check_revision_task.enqueue(revision.pk, str(trigger), user_id))
        return None
    return run_check(story, revision, trigger=trigger, acting_user=acting_user)


def check_after_save(revision) -> None:
    """A story revision was saved: check it now, or on the worker when the story is long."""
    request_check(
        revision.content_object, revision, trigger=ProofCheck.Trigger.SAVE, acting_user=revision.user
    )


def check_before_review_step(story, *, acting_user=None) -> ProofCheck | None:
    """A review step starts: the reviewer gets findings against today's lists (a check that is
    still current is kept; a long story's new one comes from the worker)."""
    check = latest_check(story)
    if check is not None and check.lists_version == lists_version():
        return check
    return request_check(story, trigger=ProofCheck.Trigger.REVIEW, acting_user=acting_user)


def latest_check(story, revision=None) -> ProofCheck | None:
    revision_id = revision.pk if revision is not None else story.latest_revision_id
    return (
        ProofCheck.objects.filter(story_id=story.pk, revision_id=revision_id)
        .order_by("-checked_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class CheckState:
    """What a page shows of a story's proofreading, read without checking anything."""

    check: ProofCheck | None  # the story's newest stored check
    pending: bool  # its latest revision has no check yet (on the worker, or about to be): "checking…"
    lists_changed: bool  # the check used word lists that have changed since

    @property
    def current(self) -> ProofCheck | None:
        """The check of the latest revision, or ``None`` while it is pending."""
        return None if self.pending else self.check


def check_state(story) -> CheckState:
    """The stored check a page shows for ``story`` and whether a newer one is pending. Read-only:
    a page view never runs a check (they run on save, submission, review steps and the worker)."""
    check = latest_check(story)
    pending = check is None and story.latest_revision_id is not None
    if check is None:
        check = ProofCheck.objects.filter(story_id=story.pk).order_by("-checked_at", "-pk").first()
    lists_changed = check is not None and check.lists_version != lists_version()
    return CheckState(check=check, pending=pending, lists_changed=lists_changed)


def open_counts(story, revision=None) -> dict:
    """Open findings of the latest check of ``revision`` (the story's latest by default), by
    severity: {"block": n, "warn": n, "info": n}; zeros when the revision was never checked.
    Read-only (it never runs a check), so dialogs and queues can show it cheaply."""
    check = latest_check(story, revision)
    if check is None:
        return {f.BLOCK: 0, f.WARN: 0, f.INFO: 0}
    return {f.BLOCK: check.block_count, f.WARN: check.warn_count, f.INFO: check.info_count}


def open_warning_count(story, revision=None) -> int:
    """How many warnings are open on ``revision`` (the latest by default): "还有 121 条警告未处理"."""
    return open_counts(story, revision)[f.WARN]


def current_check(story, revision=None, *, trigger=ProofCheck.Trigger.REVIEW, acting_user=None) -> ProofCheck:
    """The check of the story's latest revision against today's lists, running one if there is none
    (never checked, checked on the worker and not yet done, or the lists changed since). For acts
    that need the answer now (the 终审 gate, 突发, a suggestion just accepted), never for a page view."""
    check = latest_check(story, revision)
    if check is not None and check.lists_version == lists_version():
        return check
    return run_check(story, revision, trigger=trigger, acting_user=acting_user)


def recheck_stories_in_review() -> int:
    """The word lists changed: check again, against them, every story waiting in review whose
    latest revision was checked against older lists or not at all. Returns how many were checked."""
    from wagtail.models import WorkflowState

    from rongmei.newsroom.models import StoryPage

    ids = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).values_list(
        "object_id", flat=True
    )
    version = lists_version()
    checked = 0
    for story in StoryPage.objects.filter(pk__in=[int(pk) for pk in ids]):
        check = latest_check(story)
        if check is None or check.lists_version != version:
            run_check(story, trigger=ProofCheck.Trigger.LISTS)
            checked += 1
    return checked


def open_blocking_findings(check: ProofCheck):
    return check.findings.filter(severity=f.BLOCK, status=ProofFinding.Status.OPEN)


# --- editors' decisions -----------------------------------------------------------------------
def _story_of(finding: ProofFinding):
    """The story as it is now (not as cached on the finding): its latest revision decides what is current."""
    from rongmei.newsroom.models import StoryPage

    return StoryPage.objects.get(pk=finding.check_run.story_id)


def _require_current(finding: ProofFinding, story) -> None:
    if finding.check_run.story_id != story.pk:
        raise ProofingError(_("This finding belongs to another story."), code="wrong_story")
    latest = latest_check(story)
    if latest is None or latest.pk != finding.check_run_id:
        raise ProofingError(
            _("The story has changed since this check; look at the latest findings."), code="stale"
        )


def _decision(finding: ProofFinding, *, story, kind, acting_user, members=None, **fields) -> ProofDecision:
    """A decision (not yet saved) on ``finding``, or on its group ``members``: one row that names
    every occurrence it covers, so the decision holds for each of them."""
    if members:
        fields.update(
            fingerprints=list(dict.fromkeys(x.fingerprint for x in members)), occurrences=len(members)
        )
    return ProofDecision(
        story=story,
        finding=finding,
        fingerprint=finding.fingerprint,
        kind=kind,
        category=finding.category,
        flagged_text=finding.flagged_text,
        decided_by=acting_user,
        decided_at=timezone.now(),
        **fields,
    )


def _dismiss(finding: ProofFinding, *, story, acting_user, reason, members=None) -> ProofDecision:
    """ "Not an error" for ``finding`` (with ``members``: its group), recorded, counted and logged."""
    decision = _decision(
        finding,
        story=story,
        kind=ProofDecision.Kind.NOT_AN_ERROR,
        acting_user=acting_user,
        members=members,
        reason=reason[:2000],
    )
    decision.save()
    fingerprints = decision.fingerprints or [finding.fingerprint]
    finding.check_run.findings.filter(fingerprint__in=fingerprints).update(
        status=ProofFinding.Status.DISMISSED
    )
    _recount(finding.check_run)
    data = {"finding": finding.flagged_text, "category": finding.category, "reason": decision.reason}
    if members:
        data["count"] = len(members)
    log(instance=story, action="rongmei.proofing.not_error", user=acting_user, data=data)
    return decision


def _check_may_dismiss(finding: ProofFinding, acting_user, reason: str):
    """The rules for "not an error" (one finding or its group): a reason, a right to decide on the
    story, a reviewer of the current level for a blocking finding, the story's current check."""
    story = _story_of(finding)
    reason = (reason or "").strip()
    if not reason:
        raise ProofingError(_("Say why this is not an error."), code="reason_required")
    permissions.check_may_dismiss(story, acting_user, finding.severity)
    _require_current(finding, story)
    return story, reason


@transaction.atomic
def mark_not_an_error(finding: ProofFinding, *, acting_user, reason: str) -> ProofDecision:
    """Record that the finding is correct copy; it stays dismissed for this story from now on."""
    story, reason = _check_may_dismiss(finding, acting_user, reason)
    return _dismiss(finding, story=story, acting_user=acting_user, reason=reason)


@transaction.atomic
def reopen_finding(finding: ProofFinding, *, acting_user) -> ProofDecision:
    """Undo a "not an error": the finding counts again (and blocks again, if it is a block)."""
    story = _story_of(finding)
    permissions.check_may_reopen(story, acting_user)
    _require_current(finding, story)
    decision = _decision(finding, story=story, kind=ProofDecision.Kind.REOPENED, acting_user=acting_user)
    decision.save()
    finding.check_run.findings.filter(fingerprint=finding.fingerprint).update(status=ProofFinding.Status.OPEN)
    _recount(finding.check_run)
    return decision


def _check_may_accept(finding: ProofFinding, acting_user):
    """The rules for putting a suggestion in the text (one place or its group): a suggestion, the
    right to edit the story now, the story's current check. Returns the story."""
    story = _story_of(finding)
    if not finding.suggestion:
        raise ProofingError(_("This finding has no suggestion to accept."), code="no_suggestion")
    permissions.check_may_accept(story, acting_user)
    _require_current(finding, story)
    return story


@transaction.atomic
def accept_suggestion(finding: ProofFinding, *, acting_user) -> ProofCheck:
    """Put the suggestion in the story's text as a new revision (by ``acting_user``) and re-check."""
    story = _check_may_accept(finding, acting_user)
    page = page_for(story)
    try:
        current = get_field(page, finding.field)
        new_value = replace_in_field(
            current, finding.field, finding.start, finding.end, finding.flagged_text, finding.suggestion
        )
    except ReplacementError as error:
        if str(error) == "markup":
            raise ProofingError(
                _("The flagged text runs across formatting; change it in the editor."), code="markup"
            )
        raise ProofingError(
            _("The text at this place has changed since the check; look at the latest findings."),
            code="stale",
        )
    try:
        set_field(page, finding.field, new_value)
    except ReplacementError:
        raise ProofingError(
            _("The text at this place has changed since the check; look at the latest findings."),
            code="stale",
        )
    if finding.field == "title":
        page.draft_title = new_value
    _decision(
        finding,
        story=story,
        kind=ProofDecision.Kind.ACCEPTED,
        acting_user=acting_user,
        replacement=finding.suggestion,
    ).save()
    # Saving the revision runs the check (see signal_handlers); the new check is the latest one.
    revision = page.save_revision(user=acting_user, log_action=True, clean=False)
    return current_check(story, revision, trigger=ProofCheck.Trigger.SUGGESTION, acting_user=acting_user)


# --- groups of findings ------------------------------------------------------------------------
# A story pasted from a site that types ASCII punctuation has a hundred half-width commas: the
# editor decides about them once. Findings of one rule with the same text and suggestion form a
# group; for the paired marks (brackets, straight quotes) every pair differs, so the rule alone does.
GROUP_BY_RULE = frozenset({"punct.ascii_brackets", "punct.ascii_quotes"})


def group_key(finding) -> tuple:
    if finding.rule in GROUP_BY_RULE:
        return (finding.rule, finding.severity)
    return (finding.rule, finding.severity, finding.flagged_text, finding.suggestion)


@dataclass
class FindingGroup:
    """Findings of one rule and one suggestion, in text order; ``first`` stands for the group."""

    key: tuple
    findings: list

    @property
    def first(self):
        return self.findings[0]

    @property
    def open(self) -> list:
        return [x for x in self.findings if x.status == ProofFinding.Status.OPEN]

    @property
    def open_count(self) -> int:
        return len(self.open)

    @property
    def status(self) -> str:
        return ProofFinding.Status.OPEN if self.open else ProofFinding.Status.DISMISSED

    @property
    def representative(self):
        """An open member when there is one: the buttons of the group act through it."""
        return (self.open or self.findings)[0]

    @property
    def severity(self) -> str:
        return self.first.severity

    @property
    def by_rule(self) -> bool:
        return self.first.rule in GROUP_BY_RULE

    def __len__(self):
        return len(self.findings)


_FIELD_ORDER = {name: index for index, name in enumerate(("kicker", "title", "subheadline", "lead", "body"))}


def group_findings(findings) -> list[FindingGroup]:
    """The findings in groups, open ones first, then by severity, then by where they first occur."""
    groups: dict = {}
    for finding in sorted(findings, key=lambda x: (_FIELD_ORDER.get(x.field, 99), x.field, x.start, x.pk)):
        groups.setdefault(group_key(finding), []).append(finding)
    rank = {f.BLOCK: 0, f.WARN: 1, f.INFO: 2}
    result = [FindingGroup(key=key, findings=members) for key, members in groups.items()]
    result.sort(key=lambda g: (g.status != ProofFinding.Status.OPEN, rank.get(g.severity, 3), -len(g.open)))
    return result


def open_group_members(finding: ProofFinding) -> list:
    """The open findings of ``finding``'s check in the same group as it (``finding`` included)."""
    key = group_key(finding)
    candidates = finding.check_run.findings.filter(
        status=ProofFinding.Status.OPEN, rule=finding.rule, severity=finding.severity
    ).order_by("field", "start", "pk")
    return [x for x in candidates if group_key(x) == key]


@dataclass
class GroupResult:
    check: ProofCheck | None
    replaced: int
    skipped: int


@transaction.atomic
def accept_group(finding: ProofFinding, *, acting_user) -> GroupResult:
    """Put the suggestion at every open occurrence of ``finding``'s group, as ONE new revision
    with ONE decision on the record, then re-check.

    Occurrences whose text has changed, that cross formatting or overlap another are left for the
    editor (``skipped``); if none can be replaced nothing is saved.
    """
    story = _check_may_accept(finding, acting_user)
    members = [x for x in open_group_members(finding) if x.suggestion]
    if not members:
        raise ProofingError(_("Nothing in this group is left to replace."), code="stale")
    page = page_for(story)
    by_field: dict = {}
    for member in members:
        by_field.setdefault(member.field, []).append(member)
    replaced, skipped = [], 0
    for field, items in by_field.items():
        try:
            current = get_field(page, field)
        except AttributeError:
            skipped += len(items)
            continue
        new_value, applied, left = replace_many_in_field(
            current,
            field,
            [Edit(x.start, x.end, x.flagged_text, x.suggestion, key=x.pk) for x in items],
        )
        skipped += len(left)
        if not applied:
            continue
        try:
            set_field(page, field, new_value)
        except ReplacementError:
            skipped += len(applied)
            continue
        if field == "title":
            page.draft_title = new_value
        applied_ids = set(applied)
        replaced.extend(x for x in items if x.pk in applied_ids)
    if not replaced:
        raise ProofingError(
            _(
                "None of these places could be replaced: the text has changed since the check or the "
                "marks run across formatting. Change them in the editor."
            ),
            code="stale",
        )
    _decision(
        finding,
        story=story,
        kind=ProofDecision.Kind.ACCEPTED,
        acting_user=acting_user,
        members=replaced,
        replacement=finding.suggestion,
    ).save()
    revision = page.save_revision(user=acting_user, log_action=True, clean=False)
    log(
        instance=story,
        action="rongmei.proofing.accept_all",
        user=acting_user,
        revision=revision,
        data={
            "finding": finding.flagged_text,
            "replacement": finding.suggestion,
            "rule": finding.rule,
            "count": len(replaced),
        },
    )
    check = current_check(story, revision, trigger=ProofCheck.Trigger.SUGGESTION, acting_user=acting_user)
    return GroupResult(check=check, replaced=len(replaced), skipped=skipped)


@transaction.atomic
def mark_group_not_an_error(finding: ProofFinding, *, acting_user, reason: str) -> ProofDecision:
    """ "Not an error" for every open occurrence of ``finding``'s group: one decision, remembered
    for each occurrence (a later revision does not bring them back)."""
    story, reason = _check_may_dismiss(finding, acting_user, reason)
    members = open_group_members(finding)
    if not members:
        raise ProofingError(_("Nothing in this group is left to decide."), code="stale")
    return _dismiss(finding, story=story, acting_user=acting_user, reason=reason, members=members)


def record_override(findings, *, story, acting_user, reason: str) -> None:
    """The 终审 approver published over ``findings``; one decision row each, for the check report.
    (The caller, ``review.services``, has checked that they may.)"""
    ProofDecision.objects.bulk_create(
        _decision(
            finding, story=story, kind=ProofDecision.Kind.OVERRIDDEN, acting_user=acting_user, reason=reason
        )
        for finding in findings
    )


# --- reports --------------------------------------------------------------------------------------
@dataclass
class MonthlyReport:
    months: list  # datetimes of month starts, oldest first
    categories: list  # category codes, most findings first
    by_category: dict  # category -> {month: count}
    reporters: list  # (user id, display name, {category: count}, total) for the chosen month
    month: object


def submitted_findings(start, end):
    """Findings in copy as it was submitted for review (the first check of each submission), the
    measure of what reporters hand in, so re-checks of the same text are not counted twice."""
    return ProofFinding.objects.filter(
        check_run__trigger=ProofCheck.Trigger.SUBMIT,
        check_run__checked_at__gte=start,
        check_run__checked_at__lt=end,
    )


def monthly_report(*, months: int = 6, month=None) -> MonthlyReport:
    """Findings in submitted copy per category per month, and per reporter (story owner) in ``month``."""
    from rongmei.organisation.models import display_name_for

    today = timezone.localdate()
    month = month or today.replace(day=1)
    first = month
    for _i in range(months - 1):
        first = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()), tz)
    next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = timezone.make_aware(datetime.combine(next_month, datetime.min.time()), tz)
    rows = (
        submitted_findings(start, end)
        .annotate(month=TruncMonth("check_run__checked_at", tzinfo=tz))
        .values_list("month", "category")
        .annotate(n=Count("pk"))
    )
    by_category: dict = {}
    for month_start, category, n in rows:
        key = month_start.date() if hasattr(month_start, "date") else month_start
        by_category.setdefault(category, {})[key] = n
    month_list, cursor = [], first
    while cursor <= month:
        month_list.append(cursor)
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    categories = sorted(by_category, key=lambda c: -sum(by_category[c].values()))
    month_start = timezone.make_aware(datetime.combine(month, datetime.min.time()), tz)
    reporter_rows = (
        submitted_findings(month_start, end)
        .values_list("check_run__story__owner", "category")
        .annotate(n=Count("pk"))
    )
    per_reporter: dict = {}
    for owner_id, category, n in reporter_rows:
        per_reporter.setdefault(owner_id, {})[category] = n
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk([pk for pk in per_reporter if pk is not None])
    reporters = sorted(
        (
            (pk, display_name_for(users.get(pk)) if pk in users else "—", counts, sum(counts.values()))
            for pk, counts in per_reporter.items()
        ),
        key=lambda row: -row[3],
    )
    return MonthlyReport(
        months=month_list, categories=categories, by_category=by_category, reporters=reporters, month=month
    )
