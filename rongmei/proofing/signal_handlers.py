from django.db.models.signals import post_delete, post_save


def _bump(sender, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures load rows as they are
    from .services import bump_lists_version

    bump_lists_version()


def _story_class():
    from rongmei.newsroom.models import StoryPage

    return StoryPage


def _is_story_revision(revision) -> bool:
    model = revision.content_type.model_class()
    return model is not None and issubclass(model, _story_class())


def on_revision_saved(sender, instance, created=False, raw=False, **kwargs):
    """Every saved draft of a story is checked, so the findings beside the text are current."""
    if raw or not created or not _is_story_revision(instance):
        return
    from .story_checks import check_after_save

    check_after_save(instance)


def _story_of(workflow_state):
    return _story_class().objects.filter(pk=workflow_state.object_id).first()


def on_workflow_submitted(sender, instance, user=None, **kwargs):
    """A fresh submission: the copy as the reporter handed it in (what the monthly report counts)."""
    story = _story_of(instance)
    if story is not None:
        from .models import ProofCheck
        from .story_checks import request_check

        request_check(story, trigger=ProofCheck.Trigger.SUBMIT, acting_user=user)


def on_task_submitted(sender, instance, user=None, **kwargs):
    """Before each review step the reviewer gets findings against today's lists."""
    story = _story_of(instance.workflow_state)
    if story is not None:
        from .story_checks import check_before_review_step

        check_before_review_step(story, acting_user=user)


def register_signal_handlers():
    # The admin's snippet views save these models directly; whatever writes them, the engine's
    # compiled lists must be rebuilt, so the version bump hangs on the model signals.
    from wagtail.models import Revision
    from wagtail.signals import task_submitted, workflow_submitted

    from .models import PersonTitle, Term, WordList

    for model in (WordList, Term, PersonTitle):
        post_save.connect(_bump, sender=model, dispatch_uid=f"proofing_bump_{model.__name__}_save")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"proofing_bump_{model.__name__}_delete")
    post_save.connect(on_revision_saved, sender=Revision, dispatch_uid="proofing_check_revision")
    workflow_submitted.connect(on_workflow_submitted, dispatch_uid="proofing_check_submission")
    task_submitted.connect(on_task_submitted, dispatch_uid="proofing_check_review_step")
