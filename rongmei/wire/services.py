"""The incoming wire's rules: fetching partners' feeds, receiving signed pushes, storing items
(one row per source and remote id, later versions update it), adopting an item into a draft story
and ignoring it. Views, tasks and the demo call these; permissions are checked here.

- ``claim_due_sources()`` claims each due polled source with a conditional UPDATE of
  ``next_fetch_at`` (as monitoring does), so several workers never fetch one source twice.
- ``fetch_source()`` never raises for a source's problem: the error goes on the source in plain
  words, items refused one by one go to ``last_run_problems``, the good ones are stored anyway.
- ``receive_push()`` answers the push endpoint: a refused signature stores nothing (a log line and
  the source's last error), a bad item stores nothing and answers with errors per field.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rongmei.monitoring.sources.fetching.errors import FetchError

from . import incoming as parsing
from . import messages, signing
from .models import WireItem, WirePushReceipt, WireSource, guid_key

logger = logging.getLogger(__name__)

MAX_ITEMS_PER_RUN = 200
MAX_PUSH_ITEMS = 100
MAX_PUSH_BYTES = 2 * 1024 * 1024
MAX_FAILURE_BACKOFF = timedelta(days=1)
USER_AGENT = "RongmeiWire/0.1 (+incoming wire of a converged-media center)"


class WireError(Exception):
    """An act that cannot be done in the item's present state; ``message`` says why."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


# --- who may do what ---------------------------------------------------------------------------


def can_see_wire(user) -> bool:
    return bool(user and user.is_active and user.has_perm("wire.view_wireitem"))


def can_adopt(user) -> bool:
    return bool(user and user.is_active and user.has_perm("wire.adopt_wireitem"))


def can_see_sources(user) -> bool:
    return bool(user and user.is_active and user.has_perm("wire.view_wiresource"))


def can_fetch(user) -> bool:
    return bool(user and user.is_active and user.has_perm("wire.fetch_wiresource"))


def _require(allowed: bool, reason) -> None:
    if not allowed:
        raise PermissionDenied(reason)


# --- storing ------------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, STALE, SKIPPED = "created", "updated", "unchanged", "stale", "skipped"


def store_incoming(source: WireSource, item: parsing.Incoming, *, now=None) -> tuple[str, WireItem | None]:
    """Create or update the item; (outcome, row). Idempotent on remote id + version."""
    now = now or timezone.now()
    key = guid_key(item.guid)
    with transaction.atomic():
        existing = WireItem.objects.select_for_update().filter(source=source, guid_key=key).first()
        if existing is None:
            if item.pubstatus == WireItem.PubStatus.CANCELED:
                return SKIPPED, None  # withdrawn before we ever had it: nothing to withdraw
            try:
                with transaction.atomic():
                    row = WireItem.objects.create(
                        source=source, received_at=now, updated_at=now, **_fields(item)
                    )
                return CREATED, row
            except IntegrityError:  # stored by a concurrent push or fetch a moment ago
                existing = WireItem.objects.select_for_update().get(source=source, guid_key=key)
        if existing.version == item.version and existing.pubstatus == item.pubstatus:
            return UNCHANGED, existing
        if (
            existing.version_created_at
            and item.version_created_at
            and item.version_created_at < existing.version_created_at
        ):
            return STALE, existing  # an older version arriving late
        fields = _fields(item)
        if item.pubstatus == WireItem.PubStatus.CANCELED:
            # A withdrawal may carry no text: keep what we have, mark it withdrawn.
            fields = {k: v for k, v in fields.items() if v or k in ("pubstatus", "version")}
            existing.withdrawn_at = existing.withdrawn_at or now
        else:
            existing.withdrawn_at = None
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.versions_received = F("versions_received") + 1
        existing.updated_at = now
        if existing.state == WireItem.State.ADOPTED:
            existing.updated_after_adoption = True
        existing.save()
        existing.refresh_from_db(fields=["versions_received"])
        return UPDATED, existing


def _fields(item: parsing.Incoming) -> dict:
    return {
        "guid": item.guid,
        "headline": item.headline[:500],
        "lead": item.lead,
        "body_html": item.body_html,
        "byline": item.byline[:200],
        "published_at": item.published_at,
        "version_created_at": item.version_created_at,
        "original_url": item.original_url[:1000],
        "rights": item.rights,
        "pubstatus": item.pubstatus,
        "version": item.version[:100],
        "language": item.language[:20],
        "raw": item.raw,
    }


def with_rights_default(source: WireSource, item: parsing.Incoming) -> parsing.Incoming:
    if not item.rights.strip():
        item.rights = source.rights_note
    return item


# --- fetching -----------------------------------------------------------------------------------


@dataclass
class FetchReport:
    source_id: int
    ok: bool
    created: int = 0
    updated: int = 0
    problems: list[dict] = field(default_factory=list)
    error_code: str = ""
    error_message: str = ""

    def as_dict(self):
        return {
            "source_id": self.source_id,
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "problems": self.problems,
            "error_code": self.error_code,
            "error_message": str(self.error_message),
        }


def due_sources(now=None):
    now = now or timezone.now()
    return (
        WireSource.objects.filter(active=True)
        .exclude(kind=WireSource.Kind.PUSH)
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
    )


def claim_due_sources(now=None, limit=200) -> list[int]:
    """Claim every due source (oldest first); return the ids this caller won."""
    now = now or timezone.now()
    rows = due_sources(now).order_by(F("next_fetch_at").asc(nulls_first=True), "pk")
    won = []
    for pk, seen, minutes in rows.values_list("pk", "next_fetch_at", "poll_interval_minutes")[:limit]:
        claim = WireSource.objects.filter(pk=pk, active=True)
        claim = claim.filter(next_fetch_at__isnull=True) if seen is None else claim.filter(next_fetch_at=seen)
        interval = timedelta(minutes=max(minutes, WireSource.MIN_INTERVAL_MINUTES))
        if claim.update(next_fetch_at=now + interval) == 1:
            won.append(pk)
    return won


def _client():
    from rongmei.monitoring.sources.fetching.http import FetchPolicy, PoliteClient

    # monitoring's polite client: the SSRF guard on every hop, timeouts, size cap, retries, per-host
    # throttle. A partner's feed is fetched by agreement, so robots.txt is not asked.
    return PoliteClient(FetchPolicy.from_settings(user_agent=USER_AGENT))


def fetch_source(source_id, *, client=None, now=None) -> FetchReport:
    """Fetch one polled source now and record the outcome on it."""
    source = WireSource.objects.get(pk=source_id)
    now = now or timezone.now()
    if source.is_push:
        return FetchReport(
            source.pk, False, error_code="push_only", error_message=messages.render("push_only")
        )
    own_client = client is None
    client = client or _client()
    try:
        report, validators = _fetch_and_store(source, client, now)
    except FetchError as exc:
        _record_failure(source, exc.code, exc.params, exc.debug, now)
        return FetchReport(source.pk, False, error_code=exc.code, error_message=exc.message)
    except Exception as exc:  # the worker goes on with the other sources
        logger.exception("fetching wire source %s failed", source.pk)
        params = {"detail": type(exc).__name__}
        _record_failure(source, "unexpected", params, repr(exc), now)
        return FetchReport(
            source.pk, False, error_code="unexpected", error_message=messages.render("unexpected", params)
        )
    finally:
        if own_client:
            client.close()
    WireSource.objects.filter(pk=source.pk).update(
        last_fetched_at=now,
        last_success_at=now,
        consecutive_failures=0,
        last_run_new=report.created,
        last_run_updated=report.updated,
        last_run_problems=report.problems,
        **validators,
    )
    return report


def _fetch_and_store(source, client, now):
    conditional = {"Accept": "application/json, application/rss+xml, application/atom+xml, */*;q=0.5"}
    if source.etag:
        conditional["If-None-Match"] = source.etag
    if source.last_modified:
        conditional["If-Modified-Since"] = source.last_modified
    if not source.url:
        raise FetchError("no_url")
    response = client.get(source.url, headers=conditional, check_robots=False)
    report = FetchReport(source.pk, True)
    if response.not_modified:
        return report, {}
    if source.kind == WireSource.Kind.NINJS:
        parsed = parsing.parse_ninjs_document(response.content)
    else:
        parsed = parsing.parse_feed_document(
            response.content, content_type=response.content_type, base_url=response.url
        )
    report.problems = [problem.as_dict() for problem in parsed.problems]
    for item in parsed.items[:MAX_ITEMS_PER_RUN]:
        outcome, _row = store_incoming(source, with_rights_default(source, item), now=now)
        report.created += outcome == CREATED
        report.updated += outcome == UPDATED
    complete = len(parsed.items) <= MAX_ITEMS_PER_RUN
    if not complete:
        report.problems.append(
            {
                "ref": "",
                "errors": {
                    "": [{"code": "more_pending", "params": {"count": len(parsed.items) - MAX_ITEMS_PER_RUN}}]
                },
            }
        )
    # Remember the version only when every item was read; else the next run must look again.
    validators = {
        "etag": response.headers.get("etag", "")[:300] if complete else "",
        "last_modified": response.headers.get("last-modified", "")[:100] if complete else "",
    }
    return report, validators


def _record_failure(source, code, params, detail, now):
    failures = source.consecutive_failures + 1
    backoff = min(source.poll_interval * 2 ** min(failures - 1, 6), MAX_FAILURE_BACKOFF)
    WireSource.objects.filter(pk=source.pk).update(
        last_fetched_at=now,
        last_error_at=now,
        last_error_code=code[:40],
        last_error_params=params,
        last_error_detail=str(detail)[:1000],
        consecutive_failures=F("consecutive_failures") + 1,
        last_run_new=0,
        last_run_updated=0,
        next_fetch_at=now + backoff,
    )


def queue_fetch_now(sources, *, acting_user, now=None) -> list[int]:
    """The admin's "fetch now": one fetch task per source, queued when the transaction commits.
    The next scheduled fetch moves one interval ahead first, so the periodic job does not claim
    the source while the queued fetch waits for a worker."""
    from .tasks import fetch_source as fetch_source_task

    _require(
        can_fetch(acting_user),
        _("You may not fetch wire sources: it needs the “fetch a wire source now” permission."),
    )
    now = now or timezone.now()
    ids = []
    for source in sources:
        if source.is_push:
            continue
        WireSource.objects.filter(pk=source.pk).update(next_fetch_at=now + source.poll_interval)
        transaction.on_commit(lambda source_id=source.pk: fetch_source_task.enqueue(source_id))
        ids.append(source.pk)
    return ids


# --- push ---------------------------------------------------------------------------------------


@dataclass
class PushAnswer:
    status: int
    body: dict


def _refusal(status, code, **params) -> PushAnswer:
    return PushAnswer(status, {"error": code, "message": messages.render_both(code, params)})


def receive_push(
    source_id, body: bytes, *, timestamp=None, signature=None, idempotency_key="", remote_addr="", now=None
):
    """Check, parse and store one push (see the module docstring); the answer to send back."""
    source = WireSource.objects.filter(pk=source_id, kind=WireSource.Kind.PUSH).first()
    if source is None:
        return _refusal(404, "unknown_source")
    secret = source.shared_secret()
    try:
        if source.has_secret and secret is None:
            raise signing.SignatureProblem("secret_unreadable")
        signing.verify(secret, timestamp, signature, body)
    except signing.SignatureProblem as problem:
        # Nothing of the push is kept: one log line and the source's last error.
        logger.warning(
            "wire push refused: source=%s reason=%s from=%s bytes=%d",
            source.pk,
            problem.code,
            remote_addr,
            len(body),
        )
        moment = now or timezone.now()
        WireSource.objects.filter(pk=source.pk).update(
            last_error_at=moment, last_error_code=problem.code, last_error_params={}, last_error_detail=""
        )
        return _refusal(401, problem.code)
    if not source.active:
        return _refusal(403, "inactive")
    digest = hashlib.sha256(body).hexdigest()
    key = (idempotency_key or "").strip()[:200]
    if key:
        receipt = WirePushReceipt.objects.filter(source=source, idempotency_key=key).first()
        if receipt is not None:
            if receipt.body_sha256 != digest:
                return _refusal(409, "idempotency_conflict")
            return PushAnswer(receipt.status_code, {**receipt.response, "replayed": True})
    try:
        data = parsing.storable(json.loads(body.decode("utf-8-sig")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _refusal(400, "bad_json", detail=str(exc)[:200])
    batch = isinstance(data, dict) and "items" in data
    raw_items = parsing.ninjs_items(data) if batch else [data]
    if raw_items is None:
        return _refusal(400, "not_a_list")
    if len(raw_items) > MAX_PUSH_ITEMS:
        return _refusal(400, "too_many_items", max=MAX_PUSH_ITEMS)
    parsed, invalid = [], []
    for index, raw in enumerate(raw_items):
        item, errors = parsing.parse_ninjs_item(raw)
        if item is None:
            invalid.append((index, raw, errors))
        else:
            parsed.append(item)
    moment = now or timezone.now()
    if invalid:
        problems = [
            parsing.Problem(parsing._ref(raw, index), errors).as_dict() for index, raw, errors in invalid
        ]
        WireSource.objects.filter(pk=source.pk).update(last_push_at=moment, last_run_problems=problems)
        answer = _refusal(400, "invalid_ninjs")
        rendered = [
            {
                "index": index,
                "uri": parsing._ref(raw, index),
                "errors": {
                    name: [messages.render_both(e["code"], e["params"]) for e in errs]
                    for name, errs in errors.items()
                },
            }
            for index, raw, errors in invalid
        ]
        if batch:
            answer.body["items"] = rendered
        else:
            answer.body["errors"] = rendered[0]["errors"]
        return answer
    with transaction.atomic():
        results = []
        for item in parsed:
            outcome, row = store_incoming(source, with_rights_default(source, item), now=moment)
            results.append(
                {"uri": item.guid, "version": item.version, "outcome": outcome, "id": row.pk if row else None}
            )
        status = 201 if any(r["outcome"] == CREATED for r in results) else 200
        response = {"status": "stored", "items": results}
        if key:
            try:
                with transaction.atomic():
                    WirePushReceipt.objects.create(
                        source=source, idempotency_key=key, body_sha256=digest,
                        item=WireItem.objects.filter(pk=results[0]["id"]).first() if results and results[0]["id"] else None,
                        status_code=status, response=response, received_at=moment,
                    )  # fmt: skip
            except IntegrityError:
                pass  # the same push arrived twice at once; storing was idempotent anyway
        WireSource.objects.filter(pk=source.pk).update(
            last_push_at=moment,
            last_success_at=moment,
            consecutive_failures=0,
            last_run_new=sum(r["outcome"] == CREATED for r in results),
            last_run_updated=sum(r["outcome"] == UPDATED for r in results),
            last_run_problems=[],
        )
    return PushAnswer(status, response)


# --- the editor's acts --------------------------------------------------------------------------


def sections_for_adoption(user):
    """The sections the user may add a story to."""
    from rongmei.newsroom.models import SectionPage

    return [s for s in SectionPage.objects.order_by("path") if s.permissions_for_user(user).can_add_subpage()]


def adopt(item: WireItem, *, acting_user, section):
    """Make a draft story from the item in ``section``, owned by ``acting_user``; return it.

    The story takes the headline, lead and body (images and embeds left out: they are not in our
    library), the partner as its source (来源) and the byline as an outside credit. The item keeps
    the rights and terms of use and points at the story (a story has no rights field).
    """
    from wagtail.log_actions import log

    from rongmei.newsroom.models import CreditRole, SectionPage, StoryCredit, StoryPage

    _require(
        can_adopt(acting_user),
        _("You may not adopt wire items: it needs the “adopt or ignore incoming wire items” permission."),
    )
    section = section.specific if section is not None else None
    if not isinstance(section, SectionPage):
        raise WireError(_("Choose the section the story goes into."))
    _require(
        section.permissions_for_user(acting_user).can_add_subpage(),
        _("You may not add stories to the section “%(section)s”.") % {"section": section.title},
    )
    from . import sanitise

    with transaction.atomic():
        item = WireItem.objects.select_for_update().select_related("source").get(pk=item.pk)
        if item.state == WireItem.State.ADOPTED and item.adopted_story_id:
            raise WireError(
                _("This item was already adopted as “%(story)s”; open that story instead.")
                % {"story": item.adopted_story.title}
            )
        if item.is_withdrawn:
            raise WireError(_("The source withdrew this item, so it cannot be adopted."))
        profile = getattr(acting_user, "staff_profile", None)
        story = StoryPage(
            title=item.headline[:255],
            lead=item.lead[:1000],
            body=sanitise.story_body(item.body_html),
            source=item.source.name[:100],
            owner=acting_user,
            outlet=profile.outlet if profile is not None else None,
            live=False,
        )
        byline = item.byline.strip()
        if byline and len(byline) <= 50:
            story.credits.add(StoryCredit(role=CreditRole.REPORTER, name=byline))
        section.add_child(instance=story)
        log(instance=story, action="wagtail.create", user=acting_user)
        story.save_revision(user=acting_user, log_action=True)
        log(
            instance=story,
            action="rongmei.wire.adopt",
            user=acting_user,
            data={"source": item.source.name, "wire_item": item.pk, "rights": item.rights[:500]},
        )
        item.state = WireItem.State.ADOPTED
        item.adopted_story = story
        item.adopted_by = acting_user
        item.adopted_at = timezone.now()
        item.updated_after_adoption = False
        item.ignored_by, item.ignored_at = None, None
        item.save(
            update_fields=[
                "state",
                "adopted_story",
                "adopted_by",
                "adopted_at",
                "updated_after_adoption",
                "ignored_by",
                "ignored_at",
            ]
        )
    return story


def ignore(item: WireItem, *, acting_user) -> WireItem:
    _require(
        can_adopt(acting_user),
        _("You may not ignore wire items: it needs the “adopt or ignore incoming wire items” permission."),
    )
    with transaction.atomic():
        item = WireItem.objects.select_for_update().get(pk=item.pk)
        if item.state == WireItem.State.ADOPTED and item.adopted_story_id:
            raise WireError(_("This item was adopted into a story; it cannot be ignored any more."))
        item.state = WireItem.State.IGNORED
        item.ignored_by, item.ignored_at = acting_user, timezone.now()
        item.save(update_fields=["state", "ignored_by", "ignored_at"])
    return item


def restore(item: WireItem, *, acting_user) -> WireItem:
    """Undo "ignore": the item is new again."""
    _require(
        can_adopt(acting_user),
        _("You may not change wire items: it needs the “adopt or ignore incoming wire items” permission."),
    )
    with transaction.atomic():
        item = WireItem.objects.select_for_update().get(pk=item.pk)
        if item.state == WireItem.State.IGNORED:
            item.state = WireItem.State.NEW
            item.ignored_by, item.ignored_at = None, None
            item.save(update_fields=["state", "ignored_by", "ignored_at"])
    return item


def items_for(user, *, source_id=None, state="", query=""):
    """The incoming list, newest first, narrowed by source, state and words in the headline or body."""
    if not can_see_wire(user):
        return WireItem.objects.none()
    rows = WireItem.objects.select_related("source", "adopted_story")
    if source_id:
        rows = rows.filter(source_id=source_id)
    if state == "withdrawn":
        rows = rows.filter(pubstatus=WireItem.PubStatus.CANCELED)
    elif state == "updated":
        rows = rows.filter(updated_after_adoption=True)
    elif state in WireItem.State.values:
        rows = rows.filter(state=state)
    for word in (query or "").split()[:5]:
        rows = rows.filter(
            Q(headline__icontains=word)
            | Q(lead__icontains=word)
            | Q(byline__icontains=word)
            | Q(body_html__icontains=word)
        )
    return rows.order_by("-received_at", "-pk")


def wire_record_for_story(story) -> WireItem | None:
    return (
        WireItem.objects.select_related("source").filter(adopted_story=story).order_by("-adopted_at").first()
    )
