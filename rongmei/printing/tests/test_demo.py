"""The demo's print edition: tomorrow's issue, four pages, every state on show, idempotent."""

from rongmei.printing import demo
from rongmei.printing.models import PagePlacement, PrintIssue, PrintPage


def test_the_demo_plans_tomorrows_issue_once(paper, approved_story):
    stories = [approved_story] + [paper.add_story(title=f"演示稿件{n}", publish=True) for n in range(8)]
    draft = paper.add_story(title="草稿")
    users = {"editor": paper.editor, "chief": paper.chief}
    assert demo.load_demo(paper.outlet, stories + [draft], users) is True
    issue = PrintIssue.objects.get()
    assert list(issue.pages.values_list("name", "state")) == [
        ("要闻", PrintPage.State.PAGE_PROOF),
        ("时政", PrintPage.State.GALLEY),
        ("社会", PrintPage.State.GALLEY),
        ("副刊", PrintPage.State.SIGNED_OFF),
    ]
    assert PagePlacement.objects.count() == 8
    assert not PagePlacement.objects.filter(story=draft).exists()
    assert issue.pages.get(number=4).signed_off_by == paper.chief
    assert demo.load_demo(paper.outlet, stories, users) is False
    assert PagePlacement.objects.count() == 8
