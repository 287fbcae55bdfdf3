import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from rongmei.proofing import services
from rongmei.proofing.engine import findings as f
from rongmei.proofing.models import PersonTitle, Term, WordList

pytestmark = pytest.mark.django_db


@pytest.fixture
def banned():
    return WordList.objects.create(name="违禁词库", category=f.BANNED, severity=f.BLOCK)


def upload(text, name="terms.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding))


def test_csv_import_reports_malformed_duplicate_and_empty_rows_and_keeps_the_rest(newsroom, banned):
    Term.objects.create(word_list=banned, term="旧词", suggestion="原建议")
    csv_text = (
        "term,suggestion,note,enabled\n"
        "甲词,乙词,备注,yes\n"  # row 2: imported
        ",空词条,,\n"  # row 3: empty term
        "甲词,重复,,\n"  # row 4: repeats row 2
        "旧词,新建议,,\n"  # row 5: already in the list: kept as it was
        "丙词,,,maybe\n"  # row 6: malformed enabled value
        "丁词,a,b,yes,extra\n"  # row 7: too many columns
        "戊词,,,no\n"  # row 8: imported, disabled
    )
    report = services.import_terms(banned, upload(csv_text), acting_user=newsroom.admin)
    assert report.created == 2
    assert [row for row, _ in report.errors] == [6, 7]
    assert [row for row, _ in report.skipped] == [3, 4, 5]
    assert "第 2 行" in report.skipped[1][1]  # “…” repeats row 2, in zh-hans
    terms = {t.term: t for t in banned.terms.all()}
    assert set(terms) == {"旧词", "甲词", "戊词"}
    assert terms["旧词"].suggestion == "原建议"  # nothing overwritten
    assert terms["甲词"].created_by == newsroom.admin and terms["甲词"].suggestion == "乙词"
    assert terms["戊词"].enabled is False
    entry = ModelLogEntry.objects.get(action="rongmei.proofing.import")
    assert entry.user_id == newsroom.admin.pk and entry.data["created"] == 2


def test_import_reads_gb18030_chinese_headers_and_xlsx(newsroom, banned):
    report = services.import_terms(
        banned, upload("词条,建议\n某词,另一词\n", encoding="gb18030"), acting_user=newsroom.admin
    )
    assert report.created == 1 and banned.terms.get().suggestion == "另一词"

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["term", "suggestion", "note", "enabled"])
    sheet.append(["表格词", "建议", None, True])
    sheet.append([None, None, None, None])
    sheet.append(["表格词", None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.import_terms(
        banned, SimpleUploadedFile("t.xlsx", buffer.getvalue()), acting_user=newsroom.admin
    )
    assert report.created == 1 and [row for row, _ in report.skipped] == [4]


def test_import_without_header_or_from_a_broken_file_is_refused(newsroom, banned):
    with pytest.raises(services.ImportFileError):
        services.import_terms(banned, upload("甲,乙\n"), acting_user=newsroom.admin)
    with pytest.raises(services.ImportFileError):
        services.import_terms(banned, SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken"), acting_user=None)
    with pytest.raises(services.ImportFileError):
        services.import_terms(banned, upload(""), acting_user=None)
    assert banned.terms.count() == 0


def test_export_round_trips_through_import(newsroom, banned):
    Term.objects.create(word_list=banned, term="甲", suggestion="乙", note="注", enabled=False)
    Term.objects.create(word_list=banned, term="丙")
    other = WordList.objects.create(name="副本", category=f.CAUTION, severity=f.WARN)
    csv_bytes = services.export_terms(banned, "csv")
    assert csv_bytes.startswith("\ufeffterm,suggestion,note,enabled".encode())
    report = services.import_terms(other, SimpleUploadedFile("e.csv", csv_bytes), acting_user=None)
    assert report.created == 2 and not report.errors
    assert other.terms.get(term="甲").enabled is False

    sheet = load_workbook(io.BytesIO(services.export_terms(banned, "xlsx"))).active
    assert [c.value for c in sheet[1]] == ["term", "suggestion", "note", "enabled"]
    assert sheet.max_row == 3


def test_current_lists_include_db_terms_and_change_when_lists_change(banned):
    first = services.current_lists()
    assert services.current_lists() is first  # cached while nothing changes
    assert not [x for x in services.check_text("这里有某禁词。") if x.category == f.BANNED]

    term = Term.objects.create(word_list=banned, term="某禁词")
    second = services.current_lists()
    assert second.version != first.version
    [finding] = [x for x in services.check_text("这里有某禁词。") if x.category == f.BANNED]
    assert finding.severity == f.BLOCK and (finding.start, finding.end) == (3, 6)

    term.enabled = False
    term.save()
    assert not [x for x in services.check_text("这里有某禁词。") if x.category == f.BANNED]

    term.enabled = True
    term.save()
    banned.enabled = False
    banned.save()
    assert not [x for x in services.check_text("这里有某禁词。") if x.category == f.BANNED]
    banned.enabled = True
    banned.save()
    term.delete()
    assert not [x for x in services.check_text("这里有某禁词。") if x.category == f.BANNED]


def test_person_titles_valid_today_only(newsroom):
    import datetime

    PersonTitle.objects.create(name="张三", title="区长", unit="张店区")
    PersonTitle.objects.create(name="李四", title="局长", valid_to=datetime.date(2000, 1, 1))
    findings = [x for x in services.check_text("张三副区长和李四副局长出席。") if x.category == f.TITLE]
    assert [(x.params["name"], x.suggestion) for x in findings] == [("张三", "区长")]
