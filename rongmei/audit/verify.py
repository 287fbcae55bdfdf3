"""Checking the chain: every hash, every link, the numbering, and each record against its source row.

Each problem names the record (sequence number, time, action, object) and says what happened to it:
edited, deleted, inserted, reordered, rewritten (its hash recomputed), its source edited or deleted,
or a source row that is not in the chain at all.
"""

from dataclasses import asdict, dataclass, field
from datetime import UTC

from django.contrib.auth import get_user_model
from django.db import router
from django.utils.translation import gettext as _

from . import chain
from .models import AuditRecord

BATCH = 5000


@dataclass
class Problem:
    kind: str  # edited, deleted, inserted, reordered, rewritten, source_edited, source_deleted, unchained
    message: str
    seq: int | None = None
    at: str = ""
    action: str = ""
    object: str = ""
    source: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    records: int = 0
    head_hash: str = chain.GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _who(record: AuditRecord) -> dict:
    label = record.object_label or record.object_id
    return {
        "seq": record.seq,
        "at": record.at.astimezone(UTC).isoformat(timespec="seconds"),
        "action": record.action,
        "object": f"{record.object_type} {record.object_id} {label}".strip(),
        "source": f"{record.source_table}#{record.source_pk}",
    }


def _entry(record: AuditRecord) -> str:
    """How a message names a record: 第 12 条（2026-12-06T04:30:00+00:00，wagtail.publish，newsroom.storypage 7 标题）."""
    who = _who(record)
    return _("entry #%(seq)s (%(at)s, %(action)s, %(object)s)") % who


def _problem(kind: str, record: AuditRecord, message: str) -> Problem:
    return Problem(kind=kind, message=message, **_who(record))


def _sources_of(records: list[AuditRecord], using: str) -> dict:
    """The current source rows of a batch of records, by (table, pk), in one query per table."""
    wanted: dict[str, list[int]] = {}
    for record in records:
        wanted.setdefault(record.source_table, []).append(record.source_pk)
    rows = {}
    for table, pks in wanted.items():
        source = chain.source_for_table(table)
        if source is None:
            continue
        for row in source.model.objects.using(using).filter(pk__in=pks):
            rows[(table, row.pk)] = row
    return rows


def _source_matches(source, row, record: AuditRecord, using: str) -> bool:
    if source.digest(row) == record.source_digest:
        return True
    # The reader's or actor's account was deleted since (ContactRead.user is SET_NULL): the row
    # still matches with the id it had, provided that user is really gone.
    actor = f"{source.actor_field}_id"
    if getattr(row, actor) is None and record.actor_id is not None:
        gone = not get_user_model().objects.using(using).filter(pk=record.actor_id).exists()
        return gone and source.digest(row, **{actor: record.actor_id}) == record.source_digest
    return False


def verify(*, check_sources: bool = True) -> Report:
    using = router.db_for_read(AuditRecord)
    report = Report()
    # Which position each stored hash holds: a broken link tells where its record was chained.
    seq_of_hash = dict(AuditRecord.objects.using(using).values_list("hash", "seq").iterator(chunk_size=BATCH))
    chained: dict[str, set[int]] = {}
    previous: AuditRecord | None = None
    previous_linked = True
    last_seq = 0
    while True:
        records = list(AuditRecord.objects.using(using).filter(seq__gt=last_seq).order_by("seq")[:BATCH])
        if not records:
            break
        last_seq = records[-1].seq
        sources = _sources_of(records, using) if check_sources else {}
        for record in records:
            previous_linked = _check_record(report, record, previous, previous_linked, seq_of_hash)
            chained.setdefault(record.source_table, set()).add(record.source_pk)
            if check_sources:
                _check_source(report, record, sources.get((record.source_table, record.source_pk)), using)
            previous = record
            report.records += 1
    if previous is not None:
        report.head_hash = previous.hash
    if check_sources:
        _check_unchained(report, chained, using)
    return report


def _check_record(
    report, record: AuditRecord, previous: AuditRecord | None, previous_linked: bool, seq_of_hash
) -> bool:
    """Check one record's hash, number and link; answer whether its link to the previous one holds."""
    add = report.problems.append
    if chain.compute_hash(record.prev_hash, record.payload()) != record.hash:
        add(
            _problem(
                "edited", record, _("%(entry)s was changed after it was written.") % {"entry": _entry(record)}
            )
        )
    expected_seq = previous.seq + 1 if previous else 1
    if record.seq != expected_seq:
        first, last = expected_seq, record.seq - 1
        numbers = f"{first}" if first == last else f"{first}–{last}"
        add(
            _problem(
                "deleted",
                record,
                _("Entries #%(numbers)s are missing from the chain, just before %(entry)s.")
                % {"numbers": numbers, "entry": _entry(record)},
            )
        )
        return True  # the link of a record after a gap points at a deleted record: nothing more to say
    expected_prev = previous.hash if previous else chain.GENESIS
    if record.prev_hash == expected_prev:
        return True
    linked_seq = seq_of_hash.get(record.prev_hash)
    if linked_seq is not None and previous is not None and previous_linked and linked_seq == previous.seq - 1:
        add(
            _problem(
                "inserted",
                previous,
                _("%(entry)s was inserted: the entry after it was chained directly after entry #%(linked)s.")
                % {"entry": _entry(previous), "linked": linked_seq},
            )
        )
    elif linked_seq is not None:
        add(
            _problem(
                "reordered",
                record,
                _(
                    "%(entry)s was moved: it was written after entry #%(linked)s, now it follows entry #%(before)s."
                )
                % {"entry": _entry(record), "linked": linked_seq, "before": previous.seq if previous else 0},
            )
        )
    elif previous is not None:
        add(
            _problem(
                "rewritten",
                previous,
                _(
                    "%(entry)s was rewritten and its hash recomputed: the next entry still links to the original."
                )
                % {"entry": _entry(previous)},
            )
        )
    else:
        add(
            _problem("inserted", record, _("%(entry)s does not start the chain.") % {"entry": _entry(record)})
        )
    return False


def _check_source(report: Report, record: AuditRecord, row, using: str) -> None:
    source = chain.source_for_table(record.source_table)
    if source is None:
        return
    if row is None:
        report.problems.append(
            _problem(
                "source_deleted",
                record,
                _("The %(source)s #%(pk)s that %(entry)s records was deleted.")
                % {"source": source.name, "pk": record.source_pk, "entry": _entry(record)},
            )
        )
    elif not _source_matches(source, row, record, using):
        report.problems.append(
            _problem(
                "source_edited",
                record,
                _("The %(source)s #%(pk)s that %(entry)s records was edited since.")
                % {"source": source.name, "pk": record.source_pk, "entry": _entry(record)},
            )
        )


def _check_unchained(report: Report, chained: dict[str, set[int]], using: str) -> None:
    names: dict = {}
    for source in chain.SOURCES.values():
        known = chained.get(source.table, set())
        pks = source.model.objects.using(using).values_list("pk", flat=True).iterator(chunk_size=BATCH)
        missing = [pk for pk in pks if pk not in known]
        rows = source.model.objects.using(using).filter(pk__in=missing)
        if source.related:
            rows = rows.select_related(*source.related)
        for row in rows.order_by("pk"):
            described = source.describe(row, names)
            label = described["object_label"] or described["object_id"]
            report.problems.append(
                Problem(
                    kind="unchained",
                    message=_(
                        "The %(source)s #%(pk)s (%(at)s, %(action)s, %(object)s) is not in the chain: "
                        "it was written around it, or its record was deleted. If it predates the chain, "
                        "run “rongmei audit seal”."
                    )
                    % {
                        "source": source.name,
                        "pk": row.pk,
                        "at": described["at"].astimezone(UTC).isoformat(timespec="seconds"),
                        "action": described["action"],
                        "object": f"{described['object_type']} {label}".strip(),
                    },
                    at=described["at"].astimezone(UTC).isoformat(timespec="seconds"),
                    action=described["action"],
                    object=f"{described['object_type']} {described['object_id']} {label}".strip(),
                    source=f"{source.table}#{row.pk}",
                )
            )
