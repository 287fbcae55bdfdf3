"""Stories for the tests of every app: the story editor's form data, and a story's way through 三审
(for a reviewed, live story)."""

from contextlib import nullcontext

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from rongmei.testing import fresh


def pass_review(newsroom, story, on_commit=None, *, submitter=None):
    """Submit ``story`` (as ``submitter``, by default the newsroom's reporter) and approve it at all
    three levels; with the ``on_commit`` fixture each step's on-commit work (the deliveries, the
    story events) runs as it would after a real request. Returns the story as stored now."""
    from rongmei.review import services as review_services

    step = on_commit or nullcontext
    with step():
        review_services.submit_for_review(fresh(story), acting_user=submitter or newsroom.reporter)
    approve_all(newsroom, story, on_commit)
    return fresh(story)


def approve_all(newsroom, story, on_commit=None):
    """Approve a submitted ``story`` at the three levels (editor, director, chief)."""
    from rongmei.review import services as review_services

    step = on_commit or nullcontext
    for reviewer in (newsroom.editor, newsroom.director, newsroom.chief):
        with step():
            review_services.approve(fresh(story), acting_user=reviewer)
    return fresh(story)


def story_form(**overrides):
    """What the story editor posts for a new story (a news story with a lead and one paragraph)."""
    data = {
        "title": "市政府召开常务会议",
        "kicker": "",
        "subheadline": "",
        "lead": "会议研究部署了冬季供暖工作。",
        "body": rich_text("<p>11月26日，市政府召开常务会议。</p>"),
        "credits": inline_formset([]),
        "corrections": inline_formset([]),
        "channel_versions": inline_formset([]),
        "story_type": "news",
        "source": "本报",
        "slug": "",
        "tags": "",
        "embargo_until": "",
        "retraction_reason": "",
    }
    data.update(overrides)
    return nested_form_data(data)
