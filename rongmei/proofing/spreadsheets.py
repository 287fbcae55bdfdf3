"""Cells for exported CSV and XLSX files that a spreadsheet shows as text, never runs as a formula.

Excel, WPS and LibreOffice treat a CSV cell that starts with = + - @ (or a tab / carriage return
before one) as a formula: a term or a staff name such as ``=HYPERLINK("http://…")`` would run
when a colleague opens the export (CSV/formula injection). Such cells get a leading apostrophe,
which the spreadsheet shows as "text follows"; ``unescape_cell`` takes it off again on import, so
an exported word list still imports to the same terms. In XLSX the cell is written with the
string type instead, so it needs no apostrophe.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """``value`` for a CSV cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The inverse of ``escape_cell`` for imported cells."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def xlsx_text_row(sheet, values):
    """Cells for ``sheet.append`` (a write-only openpyxl sheet): strings typed as text, not formulas."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cells.append(cell)
    return cells
