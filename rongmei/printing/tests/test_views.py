"""The print edition's admin screens: who sees them, acts on POST, refusals that keep the input."""

import datetime
import zipfile
from io import BytesIO

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from rongmei.printing import services
from rongmei.printing.models import PagePlacement, PrintIssue, PrintPage
from rongmei.printing.wagtail_hooks import PrintMenuItem, StoryPrintMenuItem
from rongmei.testing import login


def _post(client, issue, action, target, **data):
    payload = {"action": action, "target": str(target)}
    prefix = f"{action}-{target}"
    payload.update({f"{prefix}-{key}": value for key, value in data.items()})
    return client.post(reverse("printing_issue", args=[issue.pk]), payload)


def refused(response) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect home and its message."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_the_menu_and_screens_are_for_those_who_may_see_print_plans(paper, issue, approved_story, en_client):
    request = RequestFactory().get("/")
    item = PrintMenuItem("Print", "/admin/printing/")
    for user, shown in (
        (paper.editor, True),
        (paper.chief, True),
        (paper.newmedia, True),
        (paper.reporter, False),
    ):
        request.user = user
        assert item.is_shown(request) is shown
        assert StoryPrintMenuItem(page=approved_story).is_shown(user) is shown
    client = login(en_client, paper.reporter)
    assert refused(client.get(reverse("printing_issues")))
    assert refused(client.get(reverse("printing_issue", args=[issue.pk])))
    assert refused(client.get(reverse("printing_story", args=[approved_story.pk])))
    response = login(en_client, paper.editor).get(reverse("printing_issues"))
    assert response.status_code == 200
    assert reverse("printing_issue", args=[issue.pk]) in response.content.decode()
    # The new-issue form offers tomorrow, in the date picker's own format.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert f'value="{tomorrow:%Y-%m-%d}"' in response.content.decode()


def test_create_an_issue_and_bad_input_keeps_what_was_typed(paper, issue, en_client):
    client = login(en_client, paper.editor)
    url = reverse("printing_issues")
    response = client.post(
        url,
        {
            "outlet": paper.outlet.pk,
            "issue_date": f"{issue.issue_date:%Y-%m-%d}",
            "page_count": "8",
            "page_names": "头版\n经济",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "already has an issue" in html and "头版\n经济" in html and 'value="8"' in html
    response = client.post(url, {"outlet": paper.outlet.pk, "issue_date": "2030-01-02", "page_count": "99"})
    assert response.status_code == 400 and PrintIssue.objects.count() == 1
    response = client.post(
        url,
        {
            "outlet": paper.outlet.pk,
            "issue_date": "2030-01-02",
            "page_count": "2",
            "page_names": "头版\n经济",
        },
    )
    created = PrintIssue.objects.get(issue_date=datetime.date(2030, 1, 2))
    assert response.status_code == 302 and response["Location"] == reverse(
        "printing_issue", args=[created.pk]
    )
    assert list(created.pages.values_list("name", flat=True)) == ["头版", "经济"]
    # A reporter cannot create one by posting either.
    assert refused(login(en_client, paper.reporter).post(url, {"outlet": paper.outlet.pk}))
    assert PrintIssue.objects.count() == 2


def test_the_issue_page_reads_only_and_lists_candidates(paper, issue, approved_story, en_client):
    client = login(en_client, paper.editor)
    draft = paper.add_story(title="还在写的草稿")
    response = client.get(reverse("printing_issue", args=[issue.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Page 1 · 要闻" in html and "Page 4 · 副刊" in html
    assert f'data-candidate="{approved_story.pk}"' in html
    assert f'data-candidate="{draft.pk}"' not in html
    response = client.get(
        reverse("printing_issue", args=[issue.pk]), {"q": "学校", "story": approved_story.pk}
    )
    assert f'value="{approved_story.pk}"' in response.content.decode()  # chosen into the form
    assert not PagePlacement.objects.exists()


def test_place_a_story_then_refusals_keep_the_input(paper, issue, approved_story, en_client):
    client = login(en_client, paper.editor)
    response = _post(
        client,
        issue,
        "place",
        "new",
        page=1,
        story=str(approved_story.pk),
        target_length="600",
        headline="印刷标题",
    )
    assert response.status_code == 302, _messages(response)
    placement = PagePlacement.objects.get()
    assert placement.target_length == 600 and placement.headline == "印刷标题"
    page = client.get(reverse("printing_issue", args=[issue.pk])).content.decode()
    assert "印刷标题" in page and 'data-verdict="under"' in page

    # The same story again: the reason, and what was typed is still there.
    response = _post(client, issue, "place", "new", page=3, story=str(approved_story.pk), target_length="777")
    assert response.status_code == 400
    html = response.content.decode()
    assert "already on Page 1" in html and 'value="777"' in html
    # A page outside the issue.
    other = paper.add_story(title="另一篇稿件", publish=True)
    response = _post(client, issue, "place", "new", page=9, story="另一篇")
    assert (
        response.status_code == 400
        and "There is no page 9: this issue has pages 1 to 4" in response.content.decode()
    )
    # A draft, found by its headline or number.
    draft = paper.add_story(title="草稿不能上版")
    response = _post(client, issue, "place", "new", page=2, story=str(draft.pk))
    assert response.status_code == 400 and "三审" in response.content.decode()
    response = _post(client, issue, "place", "new", page=2, story="不存在的标题")
    assert response.status_code == 400 and "No story approved for publication" in response.content.decode()
    assert PagePlacement.objects.count() == 1
    # By headline words.
    assert _post(client, issue, "place", "new", page=2, story="另一篇").status_code == 302
    assert PagePlacement.objects.filter(story=other, page__number=2).exists()


def test_state_buttons_follow_the_roles_and_sign_off_locks(paper, issue, approved_story, en_client):
    services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    page = issue.pages.get(number=1)
    editor = login(en_client, paper.editor)
    assert _post(editor, issue, "page_proof", page.pk).status_code == 302
    page.refresh_from_db()
    assert page.state == PrintPage.State.PAGE_PROOF
    html = editor.get(reverse("printing_issue", args=[issue.pk])).content.decode()
    assert 'value="sign_off"' not in html  # no button the editor may not use
    response = _post(editor, issue, "sign_off", page.pk)
    assert response.status_code == 302
    assert any("duty editor" in m for m in _messages(response))
    page.refresh_from_db()
    assert page.state == PrintPage.State.PAGE_PROOF

    director = login(en_client, paper.director)
    assert _post(director, issue, "sign_off", page.pk).status_code == 302
    page.refresh_from_db()
    assert page.state == PrintPage.State.SIGNED_OFF and page.signed_off_by == paper.director
    html = director.get(reverse("printing_issue", args=[issue.pk])).content.decode()
    assert 'value="remove"' not in html and 'value="reopen"' in html
    # A forged removal is refused with the reason.
    placement = PagePlacement.objects.get()
    response = _post(director, issue, "remove", placement.pk)
    assert response.status_code == 302 and any("is locked" in m for m in _messages(response))
    assert PagePlacement.objects.filter(pk=placement.pk).exists()
    # Reopening needs a reason.
    response = _post(director, issue, "reopen", page.pk, reason="")
    assert response.status_code == 400
    page.refresh_from_db()
    assert page.state == PrintPage.State.SIGNED_OFF
    assert _post(director, issue, "reopen", page.pk, reason="标题改动").status_code == 302
    page.refresh_from_db()
    assert page.state == PrintPage.State.PAGE_PROOF


def test_a_page_of_another_issue_or_an_unknown_action_changes_nothing(paper, issue, en_client):
    other = services.create_issue(
        paper.outlet, issue.issue_date + datetime.timedelta(days=1), 2, acting_user=paper.editor
    )
    foreign = other.pages.get(number=1)
    client = login(en_client, paper.editor)
    assert _post(client, issue, "page_proof", foreign.pk).status_code == 404
    response = _post(client, issue, "explode", 1)
    assert response.status_code == 302 and any("Unknown action" in m for m in _messages(response))


def test_export_is_a_post_that_returns_the_zip(paper, issue, approved_story, en_client):
    services.place_story(issue, 1, approved_story, acting_user=paper.editor)
    page = issue.pages.get(number=1)
    url = reverse("printing_export", args=[page.pk])
    client = login(en_client, paper.editor)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "-p01-galley.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    assert any(name.endswith("manifest.json") for name in archive.namelist())
    assert refused(login(en_client, paper.reporter).post(url))


def test_the_story_page_says_where_it_is_printed(paper, issue, approved_story, en_client):
    services.place_story(issue, 3, approved_story, acting_user=paper.editor)
    client = login(en_client, paper.editor)
    html = client.get(reverse("printing_story", args=[approved_story.pk])).content.decode()
    assert "Page 3 · 社会" in html and "awaiting sign-off" in html
    draft = paper.add_story(title="草稿")
    html = client.get(reverse("printing_story", args=[draft.pk])).content.decode()
    assert "三审" in html
