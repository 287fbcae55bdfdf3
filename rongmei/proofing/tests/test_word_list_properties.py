"""Property tests (Hypothesis) for word-list uploads (CSV, TSV, XLSX): any file gives rows or an
``ImportFileError`` with a message (never another exception), and rows written as CSV come back
cell for cell."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongmei.proofing.services import ImportFileError, _rows_from_file

FAST = settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _rows(data, filename):
    try:
        return list(_rows_from_file(io.BytesIO(data), filename))
    except ImportFileError as error:
        assert str(error).strip()
        return None


@FAST
@given(st.binary(max_size=300), st.sampled_from(["词表.csv", "词表.tsv", "词表.xlsx", "词表"]))
def test_any_upload_gives_rows_or_a_message(data, filename):
    _rows(data, filename)


@FAST
@given(st.binary(max_size=200))
def test_a_broken_spreadsheet_gives_a_message(data):
    _rows(b"PK\x03\x04" + data, "词表.xlsx")


cells = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00\r\n"), max_size=12
)


@FAST
@given(st.lists(st.lists(cells, min_size=2, max_size=4), min_size=1, max_size=6))
def test_csv_rows_round_trip(rows):
    out = io.StringIO(newline="")
    csv.writer(out).writerows([["term", "suggestion"], *rows])
    got = _rows(out.getvalue().encode("utf-8"), "词表.csv")
    assert got is not None
    assert [cells for _number, cells in got][1:] == rows
