"""Word-list services: the engine's list bundle from the database, imports and exports."""

import csv
import io
import threading
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import permissions
from .engine import ListBundle, PersonEntry, TermEntry, default_bundle, proofread
from .models import ListsVersion, PersonTitle, Term, WordList
from .spreadsheets import escape_cell, unescape_cell, xlsx_text_row

MAX_IMPORT_ROWS = 200_000
HEADER_ALIASES = {
    "term": "term",
    "词条": "term",
    "词语": "term",
    "suggestion": "suggestion",
    "建议": "suggestion",
    "建议用语": "suggestion",
    "note": "note",
    "备注": "note",
    "说明": "note",
    "enabled": "enabled",
    "启用": "enabled",
}
TRUE_VALUES = {"", "1", "true", "yes", "y", "是", "启用", "true()"}
FALSE_VALUES = {"0", "false", "no", "n", "否", "停用", "false()"}


# --- the engine's lists ----------------------------------------------------------------------
def bump_lists_version() -> None:
    """The lists changed: every process rebuilds its compiled lists, and the stories in review are
    checked against the new ones on the worker (a page view never checks)."""
    from .tasks import queue_recheck_of_stories_in_review

    updated = ListsVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now())
    if not updated:
        ListsVersion.objects.get_or_create(pk=1, defaults={"number": 1})
    queue_recheck_of_stories_in_review()


def lists_version() -> str:
    """The lists' version: the bump counter plus its time, so a restored or reset database never
    reuses a number an older process has cached."""
    row = ListsVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    return f"{row[0]}.{row[1].timestamp():.6f}" if row else "0"


_bundles: dict[str, ListBundle] = {}
_bundles_lock = threading.Lock()


def current_lists() -> ListBundle:
    """The shipped defaults plus the newsroom's enabled lists and current titles.

    One small query when nothing changed: the bundle is cached per ``ListsVersion`` number, and
    the engine caches its compiled matchers per bundle version in turn.
    """
    defaults = default_bundle()
    key = f"db{lists_version()}-{defaults.version}-{timezone.localdate().isoformat()}"
    bundle = _bundles.get(key)
    if bundle is not None:
        return bundle
    terms = list(defaults.terms)
    rows = (
        Term.objects.filter(enabled=True, word_list__enabled=True)
        .values_list(
            "term", "suggestion", "note", "word_list__name", "word_list__category", "word_list__severity"
        )
        .order_by("pk")
    )
    for term, suggestion, note, list_name, category, severity in rows.iterator(chunk_size=5000):
        terms.append(
            TermEntry(
                term=term,
                category=category,
                severity=severity,
                suggestion=suggestion or None,
                note=note,
                list_name=list_name,
            )
        )
    today = timezone.localdate()
    people = tuple(
        PersonEntry(name=name, title=title, unit=unit)
        for name, title, unit in PersonTitle.objects.filter(enabled=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values_list("name", "title", "unit")
    )
    bundle = ListBundle(version=key, terms=tuple(terms), people=people)
    with _bundles_lock:
        _bundles.clear()  # only the newest version is worth keeping
        _bundles[key] = bundle
    return bundle


def check_text(text: str):
    """Findings for ``text`` against the newsroom's current lists (what the editor and 终审 use)."""
    return proofread(text, lists=current_lists())


# --- import and export -----------------------------------------------------------------------
class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header); nothing was imported."""


@dataclass
class ImportReport:
    created: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    errors: list[tuple[int, str]] = field(default_factory=list)  # malformed rows, (row number, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor GB18030 text."))


def _rows_from_file(file, filename: str):
    """(row number, list of cells) from a CSV, TSV or XLSX upload; row numbers as a spreadsheet shows them."""
    data = file.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise ImportFileError(_("The spreadsheet could not be read: %(error)s") % {"error": exc})
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if cell is None else str(cell) for cell in row]
        workbook.close()
        return
    text = _decode(data)
    delimiter = "\t" if filename.lower().endswith(".tsv") or ("\t" in text.split("\n", 1)[0]) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise ImportFileError(_("Line %(line)s: %(error)s") % {"line": reader.line_num, "error": exc})


def import_terms(word_list: WordList, file, *, acting_user, filename: str = "") -> ImportReport:
    """Add the file's terms to ``word_list``.

    The first row is a header naming the columns (term, suggestion, note, enabled; or 词条, 建议,
    备注, 启用). Terms already in the list are kept as they are (nothing is overwritten); duplicate and
    empty terms are skipped with a reason; malformed rows are reported by row number and the other
    rows still imported. Raises ``ImportFileError`` only when the file as a whole is unreadable, and
    ``ProofingPermissionDenied`` for someone without the right to add terms (``acting_user=None``
    is the system: a command, the demo loader).
    """
    if acting_user is not None:
        permissions.check_may_import_terms(acting_user)
    filename = filename or getattr(file, "name", "") or ""
    rows = _rows_from_file(file, filename)
    report = ImportReport()
    try:
        first = next(rows, None)
    except ImportFileError:
        raise
    if first is None:
        raise ImportFileError(_("The file is empty."))
    header_number, header = first
    columns = {}
    for index, cell in enumerate(header):
        key = HEADER_ALIASES.get(cell.strip().lower().lstrip("\ufeff"))
        if key and key not in columns:
            columns[key] = index
    if "term" not in columns:
        raise ImportFileError(_("The first row must be a header with a “term” (词条) column."))
    width = len(header)
    existing = set(word_list.terms.values_list("term", flat=True))
    max_length = Term._meta.get_field("term").max_length
    new_terms = []
    seen = {}
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(new_terms) + len(report.skipped) + len(report.errors) >= MAX_IMPORT_ROWS:
            report.errors.append((number, _("Too many rows; the import stopped here.")))
            break
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            report.errors.append(
                (
                    number,
                    _("%(found)s columns, but the header has %(expected)s.")
                    % {"found": len(row), "expected": width},
                )
            )
            continue

        def cell(name, row=row):
            index = columns.get(name)
            # unescape_cell: our own CSV export guards formula-like cells with an apostrophe
            return unescape_cell(row[index].strip()) if index is not None and index < len(row) else ""

        term = cell("term")
        if not term:
            report.skipped.append((number, _("Empty term.")))
            continue
        if len(term) > max_length:
            report.errors.append((number, _("Term longer than %(max)s characters.") % {"max": max_length}))
            continue
        if any(ch in term for ch in "\r\n\t"):
            report.errors.append((number, _("Term contains a line break or tab.")))
            continue
        enabled_raw = cell("enabled").lower()
        if enabled_raw not in TRUE_VALUES and enabled_raw not in FALSE_VALUES:
            report.errors.append(
                (number, _("“%(value)s” is not a yes/no value.") % {"value": cell("enabled")})
            )
            continue
        suggestion, note = cell("suggestion"), cell("note")
        if len(suggestion) > 200 or len(note) > 500:
            report.errors.append((number, _("Suggestion or note too long.")))
            continue
        if term in existing:
            report.skipped.append((number, _("“%(term)s” is already in the list.") % {"term": term}))
            continue
        if term in seen:
            report.skipped.append(
                (number, _("“%(term)s” repeats row %(row)s.") % {"term": term, "row": seen[term]})
            )
            continue
        seen[term] = number
        new_terms.append(
            Term(
                word_list=word_list,
                term=term,
                suggestion=suggestion,
                note=note,
                enabled=enabled_raw not in FALSE_VALUES,
                created_by=acting_user,
                updated_by=acting_user,
            )
        )
    with transaction.atomic():
        Term.objects.bulk_create(new_terms, batch_size=2000)
        report.created = len(new_terms)
        log(
            instance=word_list,
            action="rongmei.proofing.import",
            user=acting_user,
            data={
                "file": filename[:200],
                "created": report.created,
                "skipped": len(report.skipped),
                "errors": len(report.errors),
            },
        )
        bump_lists_version()  # bulk_create sends no post_save
    return report


EXPORT_HEADER = ["term", "suggestion", "note", "enabled"]


def export_terms(word_list: WordList, fmt: str = "csv") -> bytes:
    """The list's terms in the import format (CSV in UTF-8 with a BOM for Excel, or XLSX)."""
    rows = [
        [t.term, t.suggestion, t.note, "yes" if t.enabled else "no"]
        for t in word_list.terms.order_by("term").only("term", "suggestion", "note", "enabled")
    ]
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="terms")
        sheet.append(EXPORT_HEADER)
        for row in rows:
            sheet.append(xlsx_text_row(sheet, row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    writer.writerows([escape_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
