"""Admin screens of the analysis: the items matching each client's watch rules, and trying a rule."""

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongmei.core.admin_views import page_of

from ..models import Client, ItemAnalysis, RuleMatch
from ..permissions import can_see_matches
from ..views import MonitoringPage
from . import services as analysis


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


# --- matched items ----------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def highlight_spans(text: str, spans, *, context: int = 40) -> list[tuple[str, bool]]:
    """An excerpt of ``text`` around the matched spans, as (piece, is_match) pairs for the template.

    From a little before the first span to a little after the last; long stretches between spans
    are cut to "…" and runs of whitespace become one space.
    """
    spans = sorted((int(s[0]), int(s[1])) for s in spans if int(s[1]) > int(s[0]))
    if not spans:
        return [(_SPACE.sub(" ", text[: 2 * context]), False)]
    start = max(0, spans[0][0] - context)
    pieces: list[tuple[str, bool]] = [("…", False)] if start else []
    pos = start
    for s_start, s_end in spans:
        if s_end <= pos:
            continue
        if s_start < pos:  # overlaps the previous highlight: extend it
            pieces[-1] = (pieces[-1][0] + text[pos:s_end], True)
        else:
            gap = text[pos:s_start]
            if len(gap) > 2 * context:
                gap = f"{gap[:context]} … {gap[-context:]}"
            if gap:
                pieces.append((_SPACE.sub(" ", gap), False))
            pieces.append((text[s_start:s_end], True))
        pos = s_end
    if text[pos : pos + context]:
        pieces.append((_SPACE.sub(" ", text[pos : pos + context]), False))
    if pos + context < len(text):
        pieces.append(("…", False))
    return pieces


def _day_in_range(day):
    # Far-off days (0001-01-01, 9999-12-31) have no day boundary that fits a datetime.
    if not date(1900, 1, 1) <= day <= date(2999, 12, 31):
        raise forms.ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s; this date was not applied."),
            params={"earliest": "1900-01-01", "latest": "2999-12-31"},
        )


class MatchFilterForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.order_by("name"),
        required=False,
        empty_label=_("All clients"),
    )
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), choices=[("", _("Any"))] + ItemAnalysis.Sentiment.choices, required=False
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[_day_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=[_day_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MatchedItemsView(MonitoringPage):
    """Items that matched a client's watch rules, with the matched words highlighted."""

    template_name = "monitoring/analysis/matches.html"
    page_title = _("Matched items")
    may_see = staticmethod(can_see_matches)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MatchFilterForm(self.request.GET or None)
        matches = (
            RuleMatch.objects.select_related("rule", "client", "item__source", "item__analysis__group")
            .annotate(at=Coalesce("item__published_at", "item__fetched_at"))
            .order_by("-at", "-pk")
        )
        if form.is_valid():
            data = form.cleaned_data
            if data["client"]:
                matches = matches.filter(client=data["client"])
            if data["sentiment"]:
                matches = matches.filter(item__analysis__sentiment=data["sentiment"])
            if data["date_from"]:
                matches = matches.filter(at__gte=_day_start(data["date_from"]))
            if data["date_to"]:
                matches = matches.filter(at__lt=_day_start(data["date_to"] + timedelta(days=1)))
        page = page_of(self.request, matches)
        for match in page.object_list:
            match.title_pieces, match.body_pieces = item_pieces(match.item, match.spans or [])
            match.analysis = getattr(match.item, "analysis", None)
        context.update(form=form, page=page)
        return context


def item_pieces(item, spans):
    """The title and a body excerpt cut into (text, is_match) pieces; spans are offsets into
    title + newline + body, as the engine matched them."""
    title_end = len(item.title)
    title_spans = [s for s in spans if s[1] <= title_end]
    title_pieces = highlight_spans(item.title, title_spans, context=len(item.title))
    body_spans = [(s[0] - title_end - 1, s[1] - title_end - 1) for s in spans if s[0] > title_end]
    body_pieces = highlight_spans(item.body, body_spans) if body_spans else []
    return title_pieces, body_pieces


class RuleTrialForm(forms.Form):
    expression = forms.CharField(
        label=_("Rule"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the rule to try.")},
    )
    days = forms.TypedChoiceField(
        label=_("Fetched in the last"),
        coerce=int,
        initial=7,
        choices=[(1, _("1 day")), (3, _("3 days")), (7, _("7 days")), (30, _("30 days"))],
    )


class RuleTrialView(MonitoringPage):
    """Try a watch rule on recent items before saving it: what it catches, what it misses."""

    template_name = "monitoring/analysis/rule_trial.html"
    page_title = _("Try a watch rule")
    may_see = staticmethod(can_see_matches)
    header_icon = "search"
    LIMIT = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RuleTrialForm(self.request.GET or None)
        trial = None
        if form.is_valid():
            trial = analysis.try_rule(
                form.cleaned_data["expression"], days=form.cleaned_data["days"], limit=self.LIMIT
            )
            if trial.error:
                form.add_error("expression", trial.error)
            for hit in trial.hits:
                hit.title_pieces, hit.body_pieces = item_pieces(hit.item, hit.spans)
                hit.analysis = getattr(hit.item, "analysis", None)
        context.update(form=form, trial=trial, limit=self.LIMIT)
        return context
