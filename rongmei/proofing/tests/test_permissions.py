"""Who may act on proofreading: the services ask ``proofing.permissions`` themselves, so a caller
that skips the view's check (a command, the API, a test) meets the same rule."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from rongmei.organisation import roles
from rongmei.proofing import permissions, services, story_checks
from rongmei.proofing.engine import findings as f
from rongmei.proofing.models import ProofCheck, WordList
from rongmei.testing import fresh, make_user


@pytest.fixture
def word_list(db):
    return WordList.objects.create(name="慎用词库", category=f.CAUTION, severity=f.WARN)


def test_importing_terms_needs_the_right_to_add_terms(newsroom, word_list):
    upload = SimpleUploadedFile("t.csv", "term\n农民工\n".encode())
    with pytest.raises(PermissionDenied) as error:
        services.import_terms(word_list, upload, acting_user=newsroom.reporter)
    assert error.value.code == "forbidden"
    assert not word_list.terms.exists()
    upload.seek(0)
    assert services.import_terms(word_list, upload, acting_user=newsroom.admin).created == 1


def test_the_system_imports_without_a_user(newsroom, word_list):
    upload = SimpleUploadedFile("t.csv", "term\n农民工\n".encode())
    assert services.import_terms(word_list, upload, acting_user=None).created == 1


def test_checking_again_needs_the_right_to_see_the_story(newsroom):
    story = newsroom.add_story(title="另一位记者的稿件", body="<p>全市干部再接再励。</p>")
    outsider = make_user("reporter2", roles.REPORTER)
    checks = ProofCheck.objects.filter(story=story).count()
    with pytest.raises(story_checks.ProofingError) as error:
        story_checks.recheck(fresh(story), acting_user=outsider)
    assert error.value.code == "forbidden"
    assert ProofCheck.objects.filter(story=story).count() == checks
    check = story_checks.recheck(fresh(story), acting_user=newsroom.reporter)
    assert check.trigger == ProofCheck.Trigger.MANUAL and check.requested_by == newsroom.reporter


def test_reviewers_decide_on_findings_of_copy_they_may_not_edit(review):
    story = review.add_story(title="稿件", body="<p>全市干部再接再励。</p>")
    assert permissions.may_decide_on_findings(fresh(story), review.chief)  # a reviewer
    assert permissions.may_decide_on_findings(fresh(story), review.reporter)  # its author
    assert not permissions.may_decide_on_findings(fresh(story), make_user("reporter2", roles.REPORTER))
    inactive = make_user("gone", roles.CHIEF)
    inactive.is_active = False
    assert not permissions.may_decide_on_findings(fresh(story), inactive)
