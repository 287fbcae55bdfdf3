"""Who sees whose work in the admin (issue 8, point 15).

Without ``newsroom.view_others_work_storypage`` (reporters and analysts by default) a user sees only
their own work (stories they own or are credited on) and the published site, in every listing,
search, chooser, API, report and per-story screen. Editors and the other roles hold the
permission and see everything, as before.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from rongmei.newsroom import visibility
from rongmei.newsroom.models import StoryCredit
from rongmei.organisation import roles
from rongmei.review import services
from rongmei.testing import login, make_user

from .factories import pass_review

OTHERS_DRAFT = "邻座记者的独家稿件"
IN_REVIEW = "正在三审的调查稿件"
OWN_DRAFT = "我自己的采访稿件"
CREDITED = "我署名的合写稿件"
LIVE = "已经发布的公开稿件"
LIVE_DRAFT_TITLE = "尚未发布的更正稿件"
HIDDEN = (OTHERS_DRAFT, IN_REVIEW, LIVE_DRAFT_TITLE)


@pytest.fixture
def work(review):
    """Stories of a second reporter (a draft, one in review, a live one being corrected) next to
    the reporter's own draft and a story the reporter is credited on."""
    newsroom = review
    newsroom.reporter2 = make_user("reporter2", roles.REPORTER, display_name="钱记者", outlet=newsroom.outlet)
    other = newsroom.reporter2
    newsroom.others_draft = newsroom.add_story(title=OTHERS_DRAFT, owner=other)
    newsroom.in_review = newsroom.add_story(title=IN_REVIEW, owner=other)
    services.submit_for_review(newsroom.in_review, acting_user=other)
    newsroom.own_draft = newsroom.add_story(title=OWN_DRAFT)
    newsroom.credited = newsroom.add_story(title=CREDITED, owner=other)
    StoryCredit.objects.create(story=newsroom.credited, staff=newsroom.reporter)
    newsroom.live = pass_review(newsroom, newsroom.add_story(title=LIVE, owner=other), submitter=other)
    # An editor's correction in progress: the live story's draft headline is not public yet.
    newsroom.live_corrected = pass_review(
        newsroom, newsroom.add_story(title="已发布待更正的稿件", owner=other), submitter=other
    )
    assert newsroom.live.live and newsroom.live_corrected.live
    draft = newsroom.live_corrected.get_latest_revision_as_object()
    draft.title = LIVE_DRAFT_TITLE
    draft.save_revision(user=newsroom.editor)
    return newsroom


def text(response):
    """The response's text; JSON (the API, the chooser's modal) with its characters unescaped."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def grant_others_work(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="newsroom", codename="view_others_work_storypage")
    )


# --- listings, searches, choosers, API, reports: the reporter sees own work and the live site -------
LISTINGS = {
    "explorer": lambda w: reverse("wagtailadmin_explore", args=[w.section.pk]),
    "explorer results": lambda w: reverse("wagtailadmin_explore_results", args=[w.section.pk]),
    "explorer search": lambda w: reverse("wagtailadmin_explore", args=[w.section.pk]) + "?q=稿件",
    "explorer filter whole tree": lambda w: (
        reverse("wagtailadmin_explore", args=[w.home.pk]) + "?search_all=1&content_type=newsroom.storypage"
    ),
    "page search": lambda w: reverse("wagtailadmin_pages:search") + "?q=稿件",
    "page search (empty query)": lambda w: reverse("wagtailadmin_pages:search") + "?q=",
    "page search results": lambda w: reverse("wagtailadmin_pages:search_results") + "?q=稿件",
    "pages of a type": lambda w: reverse("wagtailadmin_pages:type_use", args=["newsroom", "storypage"]),
    "admin API children": lambda w: reverse("wagtailadmin_api:pages:listing") + f"?child_of={w.section.pk}",
    "admin API explorer": lambda w: (
        reverse("wagtailadmin_api:pages:listing") + f"?child_of={w.section.pk}&for_explorer=1"
    ),
    "admin API search": lambda w: reverse("wagtailadmin_api:pages:listing") + "?search=稿件",
    "admin API all": lambda w: reverse("wagtailadmin_api:pages:listing") + "?limit=20",
    "chooser": lambda w: reverse("wagtailadmin_choose_page_child", args=[w.section.pk]),
    "chooser search": lambda w: reverse("wagtailadmin_choose_page_search") + "?q=稿件",
    "site history": lambda w: reverse("wagtailadmin_reports:site_history"),
    "site history results": lambda w: reverse("wagtailadmin_reports:site_history_results"),
    "page types report": lambda w: reverse("wagtailadmin_reports:page_types_usage"),
    "aging pages report": lambda w: reverse("wagtailadmin_reports:aging_pages"),
    "locked pages report": lambda w: reverse("wagtailadmin_reports:locked_pages"),
    "workflows report": lambda w: reverse("wagtailadmin_reports:workflow"),
    "workflow tasks report": lambda w: reverse("wagtailadmin_reports:workflow_tasks"),
    "dashboard": lambda w: reverse("wagtailadmin_home"),
}


# A reporter may not open these at all (Wagtail's own permission), so they list nothing either.
REFUSED_LISTINGS = {"locked pages report"}


@pytest.mark.parametrize("surface", list(LISTINGS))
def test_reporter_does_not_see_others_unpublished_work(client, work, surface):
    login(client, work.reporter, language="en")
    response = client.get(LISTINGS[surface](work))
    if surface in REFUSED_LISTINGS:
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    else:
        assert response.status_code == 200
    for title in HIDDEN:
        assert title not in text(response), f"{surface} shows {title}"


# The same screens list the reporter's own work and the live stories, and show the editor the rest.
SHOWS_OWN_AND_LIVE = (
    "explorer",
    "explorer results",
    "page search (empty query)",
    "admin API children",
    "admin API explorer",
    "chooser",
)


@pytest.mark.parametrize("surface", SHOWS_OWN_AND_LIVE)
def test_reporter_still_sees_own_and_credited_work_and_the_live_stories(client, work, surface):
    login(client, work.reporter, language="en")
    content = text(client.get(LISTINGS[surface](work)))
    for title in (OWN_DRAFT, CREDITED, LIVE):
        assert title in content, f"{surface} hides {title}"


SHOWS_OTHERS_TO_EDITOR = SHOWS_OWN_AND_LIVE + (
    "page search",
    "pages of a type",
    "admin API all",
    "chooser search",
    "site history",
)


@pytest.mark.parametrize("surface", SHOWS_OTHERS_TO_EDITOR)
def test_editor_sees_everyones_work(client, work, surface):
    login(client, work.editor, language="en")
    content = text(client.get(LISTINGS[surface](work)))
    for title in (OTHERS_DRAFT, IN_REVIEW):
        assert title in content, f"{surface} hides {title} from the editor"


@pytest.mark.parametrize(
    "surface", ("explorer", "page search", "admin API all", "chooser search", "site history")
)
def test_granting_the_permission_shows_others_work(client, work, surface):
    grant_others_work(work.reporter)
    login(client, work.reporter, language="en")
    content = text(client.get(LISTINGS[surface](work)))
    assert OTHERS_DRAFT in content
    assert IN_REVIEW in content


def test_admin_api_detail_of_others_draft_is_not_found(client, work):
    login(client, work.reporter, language="en")
    for story in (work.others_draft, work.in_review):
        response = client.get(reverse("wagtailadmin_api:pages:detail", args=[story.pk]))
        assert response.status_code == 404
    assert client.get(reverse("wagtailadmin_api:pages:detail", args=[work.own_draft.pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_api:pages:detail", args=[work.live.pk])).status_code == 200


# --- one story's screens: refused for others' work --------------------------------------------------
def story_screens(story):
    revision = story.latest_revision
    first = story.revisions.order_by("pk").first()
    return {
        "edit": reverse("wagtailadmin_pages:edit", args=[story.pk]),
        "history": reverse("wagtailadmin_pages:history", args=[story.pk]),
        "view draft": reverse("wagtailadmin_pages:view_draft", args=[story.pk]),
        "revision": reverse("wagtailadmin_pages:revisions_view", args=[story.pk, revision.pk]),
        "compare": reverse("wagtailadmin_pages:revisions_compare", args=[story.pk, "live", first.pk]),
        "workflow history": reverse("wagtailadmin_pages:workflow_history", args=[story.pk]),
        "usage": reverse("wagtailadmin_pages:usage", args=[story.pk]),
        "copy": reverse("wagtailadmin_pages:copy", args=[story.pk]),
        "review history": reverse("review_history", args=[story.pk]),
        "proofreading": reverse("proofing_story", args=[story.pk]),
        "chooser below the story": reverse("wagtailadmin_choose_page_child", args=[story.pk]),
        "preview on edit": reverse("wagtailadmin_pages:preview_on_edit", args=[story.pk]),
        "move": reverse("wagtailadmin_pages:move", args=[story.pk]),
        "bulk delete": reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
        + f"?id={story.pk}",
        "bulk move": reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"]) + f"?id={story.pk}",
        "bulk publish": reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        + f"?id={story.pk}",
        "explorer below the story": reverse("wagtailadmin_explore", args=[story.pk]),
        "explorer results below the story": reverse("wagtailadmin_explore_results", args=[story.pk]),
    }


@pytest.mark.parametrize("story_name", ("others_draft", "in_review", "live_corrected"))
def test_reporter_cannot_open_others_story_screens(client, work, story_name):
    story = getattr(work, story_name)
    story.refresh_from_db()
    login(client, work.reporter, language="en")
    for name, url in story_screens(story).items():
        response = client.get(url)
        content = text(response)
        for title in HIDDEN:
            assert title not in content, f"{name} of {story_name} shows {title}"
        if name.endswith("below the story"):  # the story is not in the reporter's tree at all
            assert response.status_code == 404, name
        elif not name.startswith("bulk"):  # a bulk action answers with an empty list
            # Wagtail answers a refusal in its admin with a redirect to the dashboard and a message.
            assert (response.status_code, response.get("Location")) == (302, reverse("wagtailadmin_home")), (
                name
            )


def test_reporter_opens_own_and_credited_story_screens(client, work):
    login(client, work.reporter, language="en")
    for url in (
        reverse("review_history", args=[work.own_draft.pk]),
        reverse("proofing_story", args=[work.own_draft.pk]),
    ):
        assert client.get(url).status_code == 200
    # A credited colleague reads the story's record, though only its owner edits it.
    assert client.get(reverse("review_history", args=[work.credited.pk])).status_code == 200
    assert client.get(reverse("proofing_story", args=[work.credited.pk])).status_code == 200


def test_editor_opens_others_story_screens(client, work):
    login(client, work.editor, language="en")
    for url in (
        reverse("wagtailadmin_pages:history", args=[work.others_draft.pk]),
        reverse("review_history", args=[work.in_review.pk]),
        reverse("proofing_story", args=[work.in_review.pk]),
    ):
        assert client.get(url).status_code == 200, url
    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    assert OTHERS_DRAFT in text(client.get(bulk + f"?id={work.others_draft.pk}"))


# --- the rule itself ----------------------------------------------------------------------------------
def test_the_rule(work):
    from wagtail.models import Page

    reporter = work.reporter
    visible = set(visibility.visible_pages_for(reporter, Page.objects.all()).values_list("pk", flat=True))
    assert {work.own_draft.pk, work.credited.pk, work.live.pk, work.section.pk, work.home.pk} <= visible
    assert not {work.others_draft.pk, work.in_review.pk, work.live_corrected.pk} & visible
    assert visibility.user_can_see(reporter, work.live)
    assert not visibility.user_can_see(reporter, work.others_draft)
    assert not visibility.user_can_see_work(reporter, work.live)  # live, but its record is not public
    assert visibility.user_can_see_work(reporter, work.credited)
    for user in (work.editor, work.chief, work.admin):
        assert visibility.user_can_see_work(user, work.others_draft)
        assert visibility.visible_pages_for(user, Page.objects.all()).count() == Page.objects.count()
    analyst = make_user("analyst", roles.ANALYST)
    assert not visibility.user_can_see(analyst, work.in_review)


def test_waiting_for_me_leaves_out_stories_the_reviewer_may_not_see(work):
    from rongmei.review import queries

    assert [item.story.pk for item in queries.stories_waiting_for(work.editor)] == [work.in_review.pk]
    work.groups["editor"].permissions.remove(
        Permission.objects.get(content_type__app_label="newsroom", codename="view_others_work_storypage")
    )
    editor = type(work.editor).objects.get(pk=work.editor.pk)  # fresh permission cache
    assert queries.stories_waiting_for(editor) == []


def test_page_types_report_names_a_last_edited_page_the_user_may_see(client, work):
    url = reverse("wagtailadmin_reports:page_types_usage")
    login(client, work.editor, language="en")
    assert LIVE_DRAFT_TITLE in text(client.get(url))  # the newest revision of all
    login(client, work.reporter, language="en")
    content = text(client.get(url))
    assert LIVE_DRAFT_TITLE not in content
    assert LIVE in content  # the newest story among those the reporter sees
