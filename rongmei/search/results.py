"""What both database backends do with a ranked window: the page's objects, in rank order."""


def objects_in_rank_order(queryset, ranked, score_field=None):
    """The objects of ``ranked`` ((pk, score) pairs, best first) read in one query, in that order.

    A pk the queryset no longer holds (deleted or hidden since the window was built) is skipped;
    ``score_field``, when set, receives each object's score, as modelsearch's results do.
    """
    objects = {obj.pk: obj for obj in queryset.filter(pk__in=[pk for pk, _score in ranked])}
    results = []
    for pk, score in ranked:
        obj = objects.get(pk)
        if obj is None:
            continue
        if score_field:
            setattr(obj, score_field, score)
        results.append(obj)
    return results
