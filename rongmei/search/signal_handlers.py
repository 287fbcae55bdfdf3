"""Keep the search index current for stories, without re-segmenting them on bookkeeping saves.

modelsearch re-indexes an object on every save. Wagtail saves a story's page row for many things
that leave its text alone (each draft revision sets ``latest_revision``, locking sets ``locked``),
and re-indexing means segmenting the whole text with jieba again: ~4 s for a 1 MB story. Stories
therefore opt out of modelsearch's handler (``StoryPage.search_auto_update = False``) and use this
one, which skips saves whose ``update_fields`` name no indexed text field. Rongmei's backends
(SQLite FTS5, PostgreSQL) store only the text fields and filter on the model's own table, so a
change to a filter field (live, locked, dates) needs no re-indexing.

This stays on model saves rather than the story events (``rongmei.newsroom.events``): the index
follows the text of the row, drafts included (the admin search finds them), and a retracted or
unpublished story drops out of public results through the query's filters (``on_site()``), not by
removing it from the index.
"""

from django.db.models.signals import post_delete, post_save
from modelsearch import index
from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler


def indexed_text_fields(model) -> set[str]:
    return {
        field.field_name
        for field in model.get_search_fields()
        if isinstance(field, (index.SearchField, index.AutocompleteField, index.RelatedFields))
    }


def reindex_unless_text_untouched(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not set(update_fields) & indexed_text_fields(type(instance)):
        return
    post_save_signal_handler(instance, **kwargs)


def register_signal_handlers():
    from rongmei.newsroom.models import StoryPage

    post_save.connect(
        reindex_unless_text_untouched, sender=StoryPage, dispatch_uid="rongmei_search_story_save"
    )
    post_delete.connect(
        post_delete_signal_handler, sender=StoryPage, dispatch_uid="rongmei_search_story_delete"
    )
