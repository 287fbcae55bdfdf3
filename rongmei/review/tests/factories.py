"""三审 test data and requests shared by the review and proofing tests, made with the real services."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from rongmei.review import permissions, queries, services
from rongmei.testing import fresh


def submitted_story(newsroom, *, by=None, **fields):
    """A story of ``newsroom`` (the ``review`` fixture) submitted to 三审, waiting at 初审."""
    author = by or fields.pop("owner", None) or newsroom.reporter
    story = newsroom.add_story(owner=author, **fields)
    services.submit_for_review(fresh(story), acting_user=author)
    return fresh(story)


def story_at_final_level(newsroom, **fields):
    """A submitted story approved at 初审 and 复审, waiting at 终审 (where blocking findings stop it)."""
    story = submitted_story(newsroom, **fields)
    services.approve(story, acting_user=newsroom.editor)
    services.approve(fresh(story), acting_user=newsroom.director)
    return fresh(story)


def decisions(story) -> list:
    """The story's review history, as its decisions in order."""
    return [event.decision for event in queries.review_history(story)]


def grant_emergency(user):
    """Give ``user`` the 突发 permission; returns a fresh object (permission caches are per instance)."""
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=permissions.EMERGENCY_PERMISSION_APP,
            codename=permissions.EMERGENCY_PERMISSION_CODENAME,
        )
    )
    return fresh(user)


def edit_url(story) -> str:
    return reverse("wagtailadmin_pages:edit", args=[story.pk])


def edit_form_data(story, **extra):
    """The page editor's POST for ``story`` as it stands (Wagtail's own test helper builds it)."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    story = fresh(story).get_latest_revision_as_object()
    data = nested_form_data(
        {
            "title": story.title,
            "slug": story.slug,
            "kicker": "",
            "subheadline": "",
            "lead": story.lead,
            "body": rich_text(story.body),
            "story_type": story.story_type,
            "source": "",
            "credits": inline_formset([]),
            "corrections": inline_formset([]),
            "channel_versions": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    data.update(extra)
    return data


def workflow_action_url(story, action) -> str:
    """The dashboard dialog's URL for ``action`` on the step ``story`` waits at."""
    task_state = fresh(story).current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[story.pk, action, task_state.pk])


def assert_sent_to_the_dashboard(response):
    """Wagtail's admin answers a ``PermissionDenied`` by sending the user to the dashboard (with
    its message): a refusal, not the page."""
    assert response.status_code == 302, response.status_code
    assert response.url == reverse("wagtailadmin_home")
