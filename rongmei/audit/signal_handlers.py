"""Chain each source row as it is created, in its transaction (see ``chain.SOURCES``)."""

from django.db.models.signals import post_save

from . import chain


def chain_new_row(sender, instance, created, raw=False, **kwargs):
    if not created or raw or not chain.capturing():
        return  # fixtures (raw) and paused writes are chained later by ``seal()``
    source = chain.source_for_model(sender)
    if source is not None:
        chain.append(source, instance)


def connect():
    for source in chain.SOURCES.values():
        post_save.connect(chain_new_row, sender=source.model, dispatch_uid=f"audit-{source.model_label}")
