"""Writing the chain: canonical payloads, hashes, the serialized append and the backfill (seal).

Sources are the rows that already record an act: Wagtail's log entries (every service writes one
through ``wagtail.log_actions.log``, and Wagtail writes its own for pages, revisions and
workflows) and the tips desk's ``ContactRead``. ``signal_handlers`` appends a record when one of
them is created, in the same transaction; ``seal()`` chains the ones made while capture was off
(before this app existed, or while the demo loader backdates its history).
"""

import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import AuditRecord

GENESIS = "0" * 64
LOCK_KEY = 0x526F6E674175  # "RongAu": one PostgreSQL advisory lock for the whole chain


def canonical(value) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept (so the hash never depends on the
    database's key order or the JSON library's spacing)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def compute_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(payload)).encode()).hexdigest()


def plain(value):
    """A field's value as the database gives it back (aware datetimes in UTC, JSON as stored)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return value


# --- sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A kind of row the chain records: which fields prove it unchanged, and how to describe it."""

    model_label: str
    digest_fields: tuple[str, ...]
    time_field: str
    describe: Callable  # (row, user_names) -> dict of AuditRecord fields
    name: str = ""  # what the verifier calls it (gettext_lazy)
    actor_field: str = "user"
    related: tuple[str, ...] = ()  # select_related for the description's label

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def digest(self, row, **overrides) -> str:
        fields = {name: plain(getattr(row, name)) for name in self.digest_fields}
        fields.update(overrides)
        return hashlib.sha256(canonical(fields).encode()).hexdigest()


def _type_label(content_type_id) -> str:
    if content_type_id is None:
        return ""
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _actor(row, names, field="user") -> dict:
    user_id = getattr(row, f"{field}_id")
    if user_id is None:
        return {"actor_id": None, "actor_name": ""}
    if user_id not in names:
        from rongmei.organisation.names import display_name

        try:
            names[user_id] = display_name(getattr(row, field))
        except ObjectDoesNotExist:  # a user deleted since (log entries keep the id without a constraint)
            names[user_id] = ""
    return {"actor_id": user_id, "actor_name": names[user_id]}


def _describe_log_entry(object_field):
    def describe(row, names) -> dict:
        return {
            "at": row.timestamp,
            **_actor(row, names),
            "action": row.action,
            "object_type": _type_label(row.content_type_id),
            "object_id": str(getattr(row, object_field) or ""),
            "object_label": row.label or "",
            "data": canonical(plain(row.data or {})),
        }

    return describe


def _describe_contact_read(row, names) -> dict:
    return {
        "at": row.at,
        **_actor(row, names),
        "action": "rongmei.tips.contact_read",
        "object_type": "tips.tip",
        "object_id": str(row.tip_id),
        "object_label": row.tip.reference,
        "data": canonical({"where": row.where}),
    }


def _describe_case_entry(row, names) -> dict:
    return {
        "at": row.at,
        **_actor(row, names, "actor"),
        "action": f"rongmei.monitoring.case.{row.kind}",
        "object_type": "monitoring.case",
        "object_id": str(row.case_id),
        "object_label": row.case.title,
        "data": canonical(plain({"text": row.text, **(row.data or {})})),
    }


_LOG_FIELDS = ("content_type_id", "label", "action", "data", "timestamp", "uuid", "user_id", "revision_id")
_LOG_FIELDS += ("content_changed",)  # not ``deleted``: Wagtail may mark an entry of a deleted object

SOURCES: dict[str, Source] = {
    source.model_label: source
    for source in (
        Source(
            "wagtailcore.ModelLogEntry",
            (*_LOG_FIELDS, "object_id"),
            "timestamp",
            _describe_log_entry("object_id"),
            name=_("log entry"),
        ),
        Source(
            "wagtailcore.PageLogEntry",
            (*_LOG_FIELDS, "page_id"),
            "timestamp",
            _describe_log_entry("page_id"),
            name=_("page log entry"),
        ),
        Source(
            "tips.ContactRead",
            ("tip_id", "user_id", "at", "where"),
            "at",
            _describe_contact_read,
            name=_("tipster contact read"),
            related=("tip",),
        ),
        # 舆情 case work keeps its own timeline instead of Wagtail's log
        Source(
            "monitoring.CaseEntry",
            ("case_id", "at", "actor_id", "kind", "text", "data"),
            "at",
            _describe_case_entry,
            name=_("opinion case entry"),
            actor_field="actor",
            related=("case",),
        ),
    )
}


def source_for_table(table: str) -> Source | None:
    for source in SOURCES.values():
        if source.table == table:
            return source
    return None


def source_for_model(model) -> Source | None:
    return SOURCES.get(model._meta.label)


# --- capture switch ------------------------------------------------------------------------------

_state = threading.local()


def capturing() -> bool:
    return not getattr(_state, "paused", 0)


@contextmanager
def paused():
    """Rows written inside are not chained as they are made; ``seal()`` chains them afterwards
    (the demo loader backdates the history it writes, so it seals when it is done)."""
    _state.paused = getattr(_state, "paused", 0) + 1
    try:
        yield
    finally:
        _state.paused -= 1


# --- appending -----------------------------------------------------------------------------------


def _lock(using: str) -> None:
    """Serialize appenders until commit, so two transactions can't both extend the same head.
    SQLite serializes writers already (transaction_mode IMMEDIATE)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _head(using: str) -> tuple[int, str]:
    head = AuditRecord.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    return head if head else (0, GENESIS)


def _record(source: Source, row, names: dict) -> AuditRecord:
    return AuditRecord(
        source_table=source.table,
        source_pk=row.pk,
        source_digest=source.digest(row),
        **source.describe(row, names),
    )


def _link(record: AuditRecord, seq: int, prev_hash: str) -> AuditRecord:
    record.seq = seq
    record.prev_hash = prev_hash
    record.at = record.at.astimezone(UTC)
    record.hash = compute_hash(prev_hash, record.payload())
    return record


def append(source: Source, row) -> AuditRecord:
    """Chain one source row, inside the caller's transaction (a rollback drops both)."""
    using = router.db_for_write(AuditRecord)
    record = _record(source, row, {})
    # No savepoint of its own: if the append fails, the act fails with it.
    with transaction.atomic(using=using, savepoint=False):
        _lock(using)
        seq, prev_hash = _head(using)
        _link(record, seq + 1, prev_hash).save(using=using, force_insert=True)
    return record


def unchained(source: Source, using: str = "default"):
    chained = AuditRecord.objects.using(using).filter(source_table=source.table, source_pk=OuterRef("pk"))
    return source.model.objects.using(using).filter(~Exists(chained))


def seal(*, batch_size: int = 2000) -> int:
    """Chain every source row not in the chain yet, oldest first; idempotent. Returns how many."""
    using = router.db_for_write(AuditRecord)
    names: dict = {}
    with transaction.atomic(using=using):
        _lock(using)
        pending: list[tuple] = []
        for source in SOURCES.values():
            rows = unchained(source, using)
            if source.related:  # never a bare select_related(), which follows every foreign key
                rows = rows.select_related(*source.related)
            for row in rows.iterator(chunk_size=batch_size):
                pending.append((getattr(row, source.time_field), source.table, row.pk, source, row))
        pending.sort(key=lambda item: item[:3])
        seq, prev_hash = _head(using)
        batch = []
        for _at, _table, _pk, source, row in pending:
            seq += 1
            record = _link(_record(source, row, names), seq, prev_hash)
            prev_hash = record.hash
            batch.append(record)
            if len(batch) >= batch_size:
                AuditRecord.objects.using(using).bulk_create(batch)
                batch = []
        AuditRecord.objects.using(using).bulk_create(batch)
    return len(pending)


def chained_tables() -> Iterable[str]:
    return [source.table for source in SOURCES.values()]
