import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rongmei.proofing.engine import findings as f
from rongmei.proofing.models import PersonTitle, Term, WordList
from rongmei.review.tests.factories import assert_sent_to_the_dashboard
from rongmei.testing import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def word_list():
    return WordList.objects.create(name="慎用词库", category=f.CAUTION, severity=f.WARN)


def test_import_view_shows_the_report(client, newsroom, word_list):
    login(client, newsroom.admin)
    url = reverse("proofing_import_terms", args=[word_list.pk])
    assert client.get(url).status_code == 200
    csv_text = "term,suggestion\n农民工,进城务工人员\n,\n农民工,重复\n"
    response = client.post(url, {"file": SimpleUploadedFile("t.csv", csv_text.encode())})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="import-report"' in body and 'id="import-skipped"' in body
    assert word_list.terms.get().suggestion == "进城务工人员"


def test_import_view_rejects_a_bad_file_with_a_form_error(client, newsroom, word_list):
    login(client, newsroom.admin)
    url = reverse("proofing_import_terms", args=[word_list.pk])
    response = client.post(url, {"file": SimpleUploadedFile("t.csv", "甲,乙\n".encode())})
    assert response.status_code == 200
    page = response.content.decode()
    # The file's own error beside the field, and no report: nothing was imported.
    assert "第一行必须是表头，且包含“词条”（term）列。" in page
    assert 'id="import-report"' not in page
    response = client.post(url, {"file": SimpleUploadedFile("t.pdf", b"%PDF")})
    assert response.status_code == 200 and 'id="import-report"' not in response.content.decode()
    assert not word_list.terms.exists()


def test_import_and_export_need_permissions(client, newsroom, word_list):
    login(client, newsroom.reporter)
    upload = SimpleUploadedFile("t.csv", "term\n农民工\n".encode())
    assert_sent_to_the_dashboard(client.get(reverse("proofing_import_terms", args=[word_list.pk])))
    assert_sent_to_the_dashboard(
        client.post(reverse("proofing_import_terms", args=[word_list.pk]), {"file": upload})
    )
    assert_sent_to_the_dashboard(client.get(reverse("proofing_export_terms", args=[word_list.pk, "csv"])))
    assert not word_list.terms.exists()


def test_export_view(client, newsroom, word_list):
    Term.objects.create(word_list=word_list, term="农民工", suggestion="进城务工人员")
    login(client, newsroom.admin)
    response = client.get(reverse("proofing_export_terms", args=[word_list.pk, "csv"]))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[1] == "农民工,进城务工人员,,yes"
    assert client.get(reverse("proofing_export_terms", args=[word_list.pk, "pdf"])).status_code == 404


def test_snippet_admin_records_who_added_a_term_and_logs_it(client, newsroom, word_list):
    from wagtail.models import ModelLogEntry

    login(client, newsroom.admin)
    assert client.get(reverse("wagtailsnippets_proofing_wordlist:list")).status_code == 200
    response = client.post(
        reverse("wagtailsnippets_proofing_term:add"),
        {"word_list": word_list.pk, "term": "某词", "suggestion": "", "note": "", "enabled": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    term = Term.objects.get(term="某词")
    assert term.created_by == newsroom.admin and term.updated_by == newsroom.admin
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(term.pk)).exists()
    # a duplicate in the same list is a form error, not a 500
    response = client.post(
        reverse("wagtailsnippets_proofing_term:add"),
        {"word_list": word_list.pk, "term": "某词", "suggestion": "", "note": "", "enabled": "on"},
    )
    assert response.status_code == 200 and Term.objects.filter(term="某词").count() == 1
    assert client.get(reverse("wagtailsnippets_proofing_persontitle:list")).status_code == 200
    PersonTitle.objects.create(name="张三", title="区长")
    assert client.get(reverse("wagtailsnippets_proofing_term:list")).status_code == 200
