"""Opening a story's editor, its 审校 page or the dashboard only reads: the checks run on save,
submission, each review step and on the worker; a page shows "checking…" until they are done."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rongmei.proofing.models import ProofCheck, Term, WordList
from rongmei.review.tests.factories import story_at_final_level
from rongmei.testing import login

# Wagtail's own bookkeeping on a screen (the sign-in, the editor's editing session and comment
# subscription): not ours, and not about proofreading.
WAGTAIL_BOOKKEEPING = {
    "django_session",
    "auth_user",
    "wagtailadmin_editingsession",
    "wagtailcore_pagesubscription",
}
WRITE = re.compile(r'^\s*(INSERT|UPDATE|DELETE)\s+(?:OR \w+\s+)?(?:INTO\s+|FROM\s+)?[`"]?(\w+)', re.I)


def tables_written_by_get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    written = set()
    for query in captured.captured_queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in WAGTAIL_BOOKKEEPING:
            written.add(match.group(2))
    return written, response.content.decode()


@pytest.fixture
def at_final_level(review, banned_list):
    return story_at_final_level(
        review, title="终审前的稿件", body="<p>全市干部再接再励，严防内部绝密外泄。</p>"
    )


def pages(story):
    """Each page, and the mark of its "checking…" notice."""
    return {
        "editor": (reverse("wagtailadmin_pages:edit", args=[story.pk]), 'id="proofing-panel-checking"'),
        "proofing": (reverse("proofing_story", args=[story.pk]), 'id="proofing-checking"'),
        "dashboard": (reverse("wagtailadmin_home"), 'class="review-waiting__checking"'),
    }


def test_no_page_writes_when_the_latest_revision_waits_for_its_check(client, review, at_final_level):
    # As when a long story's check is still on the worker.
    ProofCheck.objects.filter(story=at_final_level).delete()
    login(client, review.chief)
    for name, (url, checking) in pages(at_final_level).items():
        written, html = tables_written_by_get(client, url)
        assert written == set(), f"{name} wrote to {written}"
        assert checking in html, name
    assert not ProofCheck.objects.filter(story=at_final_level).exists()


def test_no_page_writes_when_the_word_lists_changed_since_the_check(client, review, at_final_level):
    Term.objects.create(word_list=WordList.objects.get(), term="再接再励")
    checks = ProofCheck.objects.count()
    login(client, review.chief)
    for name, (url, checking) in pages(at_final_level).items():
        written, html = tables_written_by_get(client, url)
        assert written == set(), f"{name} wrote to {written}"
        assert checking not in html, name
    assert ProofCheck.objects.count() == checks
    assert (
        'id="proofing-lists-changed"'
        in tables_written_by_get(client, pages(at_final_level)["proofing"][0])[1]
    )


def test_the_pending_check_arrives_from_the_worker_and_the_page_shows_it(client, review, at_final_level):
    from rongmei.proofing.tasks import check_revision_task

    ProofCheck.objects.filter(story=at_final_level).delete()
    check_revision_task.call(at_final_level.latest_revision_id, ProofCheck.Trigger.SAVE)
    login(client, review.chief)
    html = client.get(reverse("proofing_story", args=[at_final_level.pk])).content.decode()
    assert 'id="proofing-checking"' not in html and 'id="proofing-summary"' in html
    assert ">内部绝密</a>" in html
