"""Wagtail search backend with Chinese word segmentation (settings: WAGTAILSEARCH_BACKENDS).

modelsearch's database backends index text with the database's own tokenizer, which sees a run of
Chinese between two punctuation marks as one word, so 北京 is never found inside a sentence. The
subclasses in ``sqlite_backend`` and ``postgres_backend`` segment with jieba
(``rongmei.search.segment``) at both ends:

- index time: every searchable field value is segmented and stored as space-separated tokens, so
  SQLite FTS5 (unicode61) and PostgreSQL (``to_tsvector('simple', …)``) split on the spaces;
- query time: ``PlainText`` and ``Phrase`` queries are segmented the same way and every token
  group is ANDed (a group of single characters is matched as an adjacent phrase).

Everything else (filters, rebuilding, the admin's autocomplete) is modelsearch's own code.
See docs/decisions/0002-chinese-search.md.
"""

import copy
import html
import logging
import operator
import re
from functools import reduce

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F, Sum, prefetch_related_objects
from django.db.models.functions import Length
from modelsearch.backends.base import EmptySearchResults
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import And, Boost, MatchAll, Not, Or, Phrase, PlainText
from wagtail.fields import RichTextField
from wagtail.rich_text import get_text_for_indexing

from .segment import query_groups, segment_for_index, segment_many

logger = logging.getLogger(__name__)


def has_terms(query) -> bool:
    """Whether a search query has anything to look for once segmented (not just punctuation)."""
    if isinstance(query, str):
        return bool(query_groups(query))
    if isinstance(query, (PlainText, Phrase)):
        return bool(query_groups(query.query_string))
    if isinstance(query, MatchAll):
        return True
    if isinstance(query, (Not, Boost)):
        return has_terms(query.subquery)
    if isinstance(query, (And, Or)):
        return any(has_terms(subquery) for subquery in query.subqueries)
    return True


def query_terms(text, *, prefix_last=False) -> list[list[tuple[list[str], bool]]]:
    """What a query string asks for, as both databases build it: one part per space-separated word
    of the query (all or any of them, by the operator), each a list of token groups (all of them;
    a group is matched as an adjacent phrase), each group with whether it is a prefix (only the
    last group of the last part, for autocomplete). [] when nothing is searchable."""
    groups_per_part = [groups for groups in (query_groups(part) for part in text.split()) if groups]
    last_part = len(groups_per_part) - 1
    return [
        [
            (group, prefix_last and index == last_part and i == len(groups) - 1)
            for i, group in enumerate(groups)
        ]
        for index, groups in enumerate(groups_per_part)
    ]


def combine(parts, *, all_of=True):
    """``parts`` (database query expressions) joined with AND (``all_of``) or OR; those that are
    None (nothing searchable) left out; None when none is left."""
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    return reduce(operator.and_ if all_of else operator.or_, parts)


# --- rich text to plain text, fast --------------------------------------------------------------------
# Wagtail indexes a RichTextField through get_text_for_indexing(), i.e. Django's strip_tags(), an
# HTMLParser run over the whole body: 0.07 ms of a 780-character body against 0.01 ms here (2,000
# bodies, bench/RESULTS.md session 12; a story's whole indexing is ~1.5 ms). The editor's HTML is regular — tags with quoted attributes, text with < escaped — so two
# regular expressions give the same text; anything else (a bare "<", a comment) takes Wagtail's way.
_BLOCK_END = re.compile(r"(</(?:p|h\d|li|blockquote)>|<(?:br|hr)\s*/>)", re.IGNORECASE)
_TAG = re.compile(r"""<[a-zA-Z/](?:[^>"']|"[^"]*"|'[^']*')*>""")
_IRREGULAR = re.compile(r"<(?![a-zA-Z/])")


def rich_text_for_index(source) -> str:
    """The words of a rich text value as Wagtail's ``get_text_for_indexing`` gives them."""
    source = str(source or "")
    if _IRREGULAR.search(source):
        return get_text_for_indexing(source)
    text = _TAG.sub("", _BLOCK_END.sub(r"\1 ", source))
    if "<" in text or ">" in text:  # a tag the pattern did not close: leave it to the parser
        return get_text_for_indexing(source)
    return html.unescape(text.strip())


_fast_fields: dict = {}


def _fast_search_field(model, field):
    """``field`` itself, or for a SearchField of a RichTextField a copy that reads the text with
    ``rich_text_for_index`` (made once per model and field)."""
    key = (model, id(field))
    if key not in _fast_fields:
        fast = field
        if type(field) is SearchField:
            try:
                model_field = field.get_field(model)
            except FieldDoesNotExist:
                model_field = None
            if isinstance(model_field, RichTextField):
                fast = copy.copy(field)
                fast.get_value = lambda obj, f=model_field: [rich_text_for_index(f.value_from_object(obj))]
            elif (
                model_field is not None
                and not model_field.is_relation
                and not hasattr(model_field, "get_searchable_content")
            ):
                # A plain column: SearchField.get_value's checks (taggit installed? searchable
                # content? a relation?) all end in value_from_object for it.
                fast = copy.copy(field)
                fast.get_value = model_field.value_from_object
        _fast_fields[key] = (field, fast)  # the field is kept so that its id is not reused
    return _fast_fields[key][1]


_text_fields: dict = {}


def _text_search_fields(model, search_fields):
    """``search_fields`` without those that give no text (FilterField): every walk over a story's
    fields (five of them on PostgreSQL) skipped them one generator at a time."""
    if model not in _text_fields:
        _text_fields[model] = [
            field for field in search_fields if isinstance(field, (SearchField, AutocompleteField, RelatedFields))
        ]
    return _text_fields[model]


class SegmentingIndexerMixin:
    """Segments every field value an ObjectIndexer prepares; each value is segmented once.

    modelsearch's own ``prepare_field`` (of the database's ObjectIndexer) yields ``(…, value)``;
    related objects' fields (tags) come back through this class's ``prepare_field`` and stay raw
    there, so that every value of a field is segmented in one place. ``texts_to_segment`` lists
    the raw values, so ``presegment`` can segment a whole batch's texts in worker processes first.
    """

    def __init__(self, obj, backend):
        super().__init__(obj, backend)
        self.search_fields = _text_search_fields(type(obj), self.search_fields)

    def segment(self, value):
        # The title is both a SearchField and an AutocompleteField: segment the same text once.
        cache = self.__dict__.setdefault("_segmented_values", {})
        if value not in cache:
            cache[value] = segment_for_index(value)
        return cache[value]

    def _raw_field(self, field):
        cache = self.__dict__.setdefault("_raw_fields", {})
        key = id(field)
        if key not in cache:
            fast = _fast_search_field(type(self.obj), field)
            # The original field leads the tuple of a value the fast copy read; a related object's
            # values (tags) keep their own field, which says whether they are title or body.
            cache[key] = [
                (field if current is fast else current, *rest)
                for current, *rest in super().prepare_field(self.obj, fast)
            ]
        return cache[key]

    def texts_to_segment(self) -> list[str]:
        """Every raw value this object's index entry is made of (related objects queried once)."""
        return [value for field in self.search_fields for *_rest, value in self._raw_field(field)]

    def prepare_field(self, obj, field):
        if obj is not self.obj:
            # A related object (e.g. a tag) reached through RelatedFields: raw here, segmented by
            # the top-level call below with the other values.
            yield from super().prepare_field(obj, field)
            return
        # title, body, autocomplete (and on PostgreSQL title_text, body_text) each walk all the
        # fields; segment (and query related objects) only once.
        cache = self.__dict__.setdefault("_prepared_fields", {})
        key = id(field)
        if key not in cache:
            cache[key] = [(*rest, self.segment(value)) for *rest, value in self._raw_field(field)]
        yield from cache[key]


def _simple_tag_relation(model, name):
    """``(through model, its key to the object)`` when ``name`` is a django-taggit manager whose
    through model has a real foreign key to ``model`` (StoryPage's tags), else None."""
    try:
        from taggit.managers import TaggableManager

        field = model._meta.get_field(name)
    except (ImportError, FieldDoesNotExist):
        return None
    if not isinstance(field, TaggableManager) or getattr(field, "ordering", None):
        return None
    through = field.through
    try:
        owner = through._meta.get_field("content_object")
        through._meta.get_field("tag")
    except FieldDoesNotExist:
        return None
    if not (owner.is_relation and owner.concrete):  # a generic relation: Django's prefetch
        return None
    return through, owner


def prefetch_tags(model, objs, name) -> bool:
    """The tags of every object in ``objs`` with one query, stored where the tag manager reads
    them; False when ``name`` is not a tag relation this can read (Django's prefetch then).

    Django's ``prefetch_related_objects`` asks the tag manager of each object for its queryset,
    which django-taggit builds as a new filtered query: 0.18 ms a story, 0.08 for reading the
    story itself (bench/RESULTS.md, session 13)."""
    relation = _simple_tag_relation(model, name)
    if relation is None:
        return False
    through, owner = relation
    objs = [obj for obj in objs if obj.pk is not None]
    if not objs:
        return True
    cache_name = getattr(objs[0], name).prefetch_cache_name
    todo = [obj for obj in objs if cache_name not in getattr(obj, "_prefetched_objects_cache", {})]
    if not todo:
        return True
    from modelcluster.queryset import FakeQuerySet

    tags = {}
    items = (
        through._default_manager.filter(**{f"{owner.attname}__in": [obj.pk for obj in todo]})
        .select_related("tag")
        .order_by("pk")
    )
    for item in items:
        tags.setdefault(getattr(item, owner.attname), []).append(item.tag)
    tag_model = through._meta.get_field("tag").related_model
    for obj in todo:
        if not hasattr(obj, "_prefetched_objects_cache"):
            obj._prefetched_objects_cache = {}
        obj._prefetched_objects_cache[cache_name] = FakeQuerySet(tag_model, tags.get(obj.pk, []))
    return True


def without_tag_prefetches(queryset):
    """``queryset`` without the prefetch lookups ``prefetch_tags`` does more cheaply."""
    lookups = queryset._prefetch_related_lookups
    keep = [
        lookup
        for lookup in lookups
        if not (isinstance(lookup, str) and _simple_tag_relation(queryset.model, lookup))
    ]
    if len(keep) == len(lookups):
        return queryset
    return queryset.prefetch_related(None).prefetch_related(*keep)


def _prefetch_related_fields(model, objs):
    """One query per RelatedFields (tags) for the whole batch instead of one per object."""
    names = [field.field_name for field in model.get_search_fields() if isinstance(field, RelatedFields)]
    for name in names:
        if prefetch_tags(model, objs, name):
            continue
        try:
            prefetch_related_objects(objs, name)
        except (AttributeError, ValueError, TypeError):  # not a relation Django can prefetch
            continue


def presegment(indexers) -> None:
    """Segment the texts of a batch of indexers at once, in worker processes when it is large
    (``segment.segment_many``), and hand each indexer its segmented values."""
    texts = {}
    per_indexer = []
    for indexer in indexers:
        values = indexer.texts_to_segment()
        per_indexer.append(values)
        for value in values:
            texts.setdefault(value, None)
    unique = list(texts)
    segmented = dict(zip(unique, segment_many(unique), strict=True))
    for indexer, values in zip(indexers, per_indexer, strict=True):
        indexer.__dict__.setdefault("_segmented_values", {}).update(
            (value, segmented[value]) for value in values
        )


def indexers_for(index, model, objs) -> list:
    """The segmenting indexers of ``objs`` for ``index`` (none when the model has no search fields),
    their texts already segmented: what both databases' ``add_items`` write."""
    if not model.get_search_fields():
        return []
    objs = list(objs)
    if len(objs) > 1:
        _prefetch_related_fields(model, objs)
    indexers = [index.indexer_class(obj, index.backend) for obj in objs]
    if len(indexers) > 1:  # a single save segments its few values as they are asked for
        presegment(indexers)
    return indexers


#: Per database alias: [sum of title lengths, number of entries with a title], kept by
#: ``refresh_batch_title_norms`` (see there).
_title_stats: dict[str, list[float]] = {}


def forget_title_stats(alias) -> None:
    """Drop the kept average title length of ``alias``: a rebuild starts from what the table
    holds then (the first batch reads it again), not from what this process saw earlier."""
    _title_stats.pop(alias, None)


def title_totals(index) -> list:
    """``[sum of title lengths, number of titled entries]`` of the index, kept per process and
    database (``count_created_titles`` keeps it up to date): read from the table the first time."""
    db = index.entries.db
    stats = _title_stats.get(db)
    if stats is None:
        totals = (
            index.entries.annotate(title_length=Length("title"))
            .filter(title_length__gt=0)
            .aggregate(total=Sum("title_length"), count=Count("pk"))
        )
        stats = _title_stats[db] = [float(totals["total"] or 0), int(totals["count"] or 0)]
    return stats


def count_created_titles(index, created_lengths) -> list:
    """Bring ``title_totals`` up to date with the titles a batch created (``created_lengths``: their
    lengths, 0 for no title); read from the table the first time (the batch just written included)."""
    stats = _title_stats.get(index.entries.db)
    if stats is None:
        return title_totals(index)
    lengths = [length for length in created_lengths if length]
    stats[0] += float(sum(lengths))
    stats[1] += len(lengths)
    return stats


def running_title_average(index, created_lengths) -> float | None:
    """The average title length of the index (what modelsearch's title norms divide), kept per
    process and database (``count_created_titles``). None while no entry has a title."""
    total, titled = count_created_titles(index, created_lengths)
    return total / titled if titled else None


def refresh_batch_title_norms(index, content_type_pk, object_ids, created_ids) -> None:
    """modelsearch's title norms (average title length / this title's length) for one batch.

    modelsearch's ``_refresh_title_norms`` scans the whole index twice after every batch (the
    average, then every entry whose norm is 1.0): 0.4 s a batch at 100,000 stories on SQLite and
    ~4 s at a million, so a rebuild slowed down quadratically. Here the average is computed once
    per process and database, then kept with the titles of each batch's new entries, and only the
    batch's entries are updated. Norms only scale the headline's weight in PostgreSQL's rank (the
    SQLite ranking uses bm25(), which normalises by itself).
    """
    entries = index.entries.filter(content_type_id=content_type_pk, object_id__in=list(object_ids))
    with_length = entries.annotate(title_length=Length("title")).filter(title_length__gt=0)
    created_lengths = []
    if created_ids and index.entries.db in _title_stats:
        created_lengths = list(
            with_length.filter(object_id__in=list(created_ids)).values_list("title_length", flat=True)
        )
    average = running_title_average(index, created_lengths)
    if average is None:
        return
    with_length.update(title_norm=average / F("title_length"))


class EmptyQueryMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        # A query of punctuation only has no token to match; without this, the FTS query would be
        # empty and the database would raise a syntax error.
        if not has_terms(query):
            return EmptySearchResults()
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


def _sqlite_fts_ready() -> bool:
    from modelsearch.backends.database.sqlite.utils import fts5_available, fts_table_exists

    return fts5_available() and fts_table_exists()


def SearchBackend(params):
    """The Chinese search backend for the default database's vendor (as modelsearch chooses)."""
    if connection.vendor == "postgresql":
        from .postgres_backend import ChinesePostgresSearchBackend

        return ChinesePostgresSearchBackend(params)
    if connection.vendor == "sqlite":
        if not _sqlite_fts_ready():
            # Only before `migrate` has created the FTS table (or on an SQLite built without
            # FTS5): modelsearch's fallback backend keeps saving pages working meanwhile.
            from modelsearch.backends.database.fallback import DatabaseSearchBackend

            logger.warning(
                "SQLite FTS5 table missing: Chinese search is not available until migrate has run."
            )
            return DatabaseSearchBackend(params)
        from .sqlite_backend import ChineseSQLiteSearchBackend

        return ChineseSQLiteSearchBackend(params)
    raise ImproperlyConfigured(
        f"rongmei.search.backend supports SQLite (with FTS5) and PostgreSQL, not {connection.vendor}."
    )
