from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import queries
from .forms import SearchForm
from .highlight import contains_any, excerpt, highlight
from .segment import QUERY_MAX_CHARS, highlight_terms, query_groups, truncate_query

RESULTS_PER_PAGE = 20


def _chrome(request):
    """The site chrome base.html needs (site name, navigation, footer)."""
    from rongmei.website import pages

    return pages.chrome(request)


def _result_rows(stories, terms):
    rows = []
    for story in queries.attach_sections(stories):
        source = story.lead if story.lead and contains_any(story.lead, terms) else ""
        if not source:
            source = story.body if contains_any(story.body, terms) else (story.lead or story.body)
        rows.append(
            {
                "story": story,
                "headline": highlight(story.title, terms),
                "excerpt": excerpt(source, terms),
                "section": story.search_section,
            }
        )
    return rows


@require_safe
def search(request):
    """Public story search: /search/?q=…&section=…&region=…&from=YYYY-MM-DD&to=YYYY-MM-DD."""
    form = SearchForm(request.GET or None)
    form.is_valid()  # errors are shown next to their fields; the valid filters still apply
    raw_query = request.GET.get("q", "").strip()
    query, truncated = truncate_query(raw_query)
    context = _chrome(request)
    context.update(
        form=form,
        query=query,
        truncated=truncated,
        max_chars=QUERY_MAX_CHARS,
        page_title=_("Search"),
        searched=False,
        page_obj=None,
        rows=[],
        notice="",
    )
    if not query:
        context["notice"] = _("Type a word, a name or a place to search the stories, e.g. 淄博 or 人工智能.")
    elif not query_groups(query):
        context["notice"] = _("Type at least one word or number: punctuation alone cannot be searched.")
    else:
        results = queries.search_stories(query, **form.filters())
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        params = {key: value for key, value in request.GET.items() if key != "page" and value}
        params["q"] = query
        window = getattr(results, "ranking_window", None)  # both backends cap very common words
        context.update(
            searched=True,
            page_obj=page_obj,
            ranking_window=window() if window else None,
            rows=_result_rows(page_obj.object_list, highlight_terms(query)),
            page_title=_("Search: %(query)s") % {"query": query},
            base_query=urlencode(params),
            elided_range=list(
                page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
            ),
        )
    response = render(request, "search/results.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
