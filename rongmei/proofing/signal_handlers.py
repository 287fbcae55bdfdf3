from django.db.models.signals import post_delete, post_save


def _bump(sender, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures load rows as they are
    from .services import bump_lists_version

    bump_lists_version()


def register_signal_handlers():
    # The admin's snippet views save these models directly; whatever writes them, the engine's
    # compiled lists must be rebuilt, so the version bump hangs on the model signals.
    from .models import PersonTitle, Term, WordList

    for model in (WordList, Term, PersonTitle):
        post_save.connect(_bump, sender=model, dispatch_uid=f"proofing_bump_{model.__name__}_save")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"proofing_bump_{model.__name__}_delete")
