"""舆情报告: a client's daily or weekly report, as HTML and PDF, stored and e-mailed.

`report_data()` gathers the numbers with a handful of aggregate queries (the database counts, not
Python), so a week with tens of thousands of matched items stays cheap. `generate_report()` renders
the HTML template and the PDF (WeasyPrint, offline) and keeps both on the one `Report` row of the
client, period and start. `email_report()` sends the PDF to the client's report recipients.
`send_due_reports()` is what the hourly scheduled task runs. See docs/decisions/0011-reports-pdf.md.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce, TruncDate, TruncHour
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.core.emails import parse_emails
from rongmei.core.storage import private_file_response

from ..events import charts
from ..models import Case, Client, Event, ItemAnalysis, MonitoredItem, Report, Reprint, RuleMatch
from ..permissions import can_see_reports, require

logger = logging.getLogger(__name__)

SYSTEM_DEPS_SCRIPT = "scripts/install-system-deps.sh"
# Reports go out at 07:00 local time, when the previous day is surely fetched and analysed.
SEND_AFTER = time(7, 0)
TOP_EVENTS = 10
TOP_SOURCES = 10
NEGATIVE_ITEMS = 50
CASES = 50
REPRINT_STORIES = 10

PERIOD_TITLES = {
    Report.Period.DAILY: gettext_lazy("Daily public-opinion report (舆情日报)"),
    Report.Period.WEEKLY: gettext_lazy("Weekly public-opinion report (舆情周报)"),
}


def _may_make_reports(acting_user) -> None:
    require(acting_user, can_see_reports, gettext_lazy("You may not make or send the clients' reports."))


class ReportError(Exception):
    """A report could not be made or sent; ``message`` says why in the reader's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- periods ---------------------------------------------------------------------------------------
def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period_bounds(period: str, day: date) -> tuple[datetime, datetime]:
    """The local-time range of the daily report of ``day`` or the weekly report of its week
    (Monday 00:00 to the next Monday 00:00)."""
    if period == Report.Period.DAILY:
        return _local_midnight(day), _local_midnight(day + timedelta(days=1))
    if period == Report.Period.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return _local_midnight(monday), _local_midnight(monday + timedelta(days=7))
    raise ReportError(_("“%(period)s” is not a report period.") % {"period": period})


def last_complete_day(period: str, now: datetime | None = None) -> date:
    """A day inside the last period that is over: yesterday, or a day of last week."""
    today = timezone.localdate(now or timezone.now())
    if period == Report.Period.WEEKLY:
        return today - timedelta(days=today.weekday() + 7)
    return today - timedelta(days=1)


def default_day(period: str, now: datetime | None = None) -> date:
    """The day of a report made on demand without a date: yesterday's daily report, but this
    week's weekly one so far. (Last week would often be empty, in a new installation always;
    the scheduled run redoes a week reported early once it is over.)"""
    if period == Report.Period.WEEKLY:
        return timezone.localdate(now or timezone.now())
    return last_complete_day(period, now)


# --- the numbers -------------------------------------------------------------------------------------
def percent(share: float) -> str:
    """A share (0..1) as every table of the report writes it: 12.5%."""
    return f"{share * 100:.1f}%"


@dataclass
class VolumeBucket:
    start: datetime
    label: str
    count: int


@dataclass
class SentimentShare:
    key: str
    label: str
    count: int
    share: float  # 0..1 of the period's items

    @property
    def percent(self) -> str:
        return percent(self.share)


@dataclass
class ReportData:
    client: Client
    starts_at: datetime
    ends_at: datetime
    hourly: bool
    total_items: int
    volume: list[VolumeBucket]
    sentiment: list[SentimentShare]
    top_events: list[Event]  # each with .period_items
    top_sources: list[dict]  # source_id, name, category, items, negative
    negative_total: int
    # One row per text: each the first copy, with .at, .analysis, .copies, .sites, .probability
    # (the highest of its copies); most certain first.
    negative_items: list[MonitoredItem]
    cases: list[Case]
    case_states: list[dict]  # state, label, count
    reprint_total: int
    reprint_stories: list[dict]  # story_id, title, reprints, unauthorised, sites
    negative_texts: int = 0  # negative items counted once per text (copies of one text: one)
    extra: dict = field(default_factory=dict)

    @property
    def negative_share(self) -> float:
        return self.negative_total / self.total_items if self.total_items else 0.0

    @property
    def negative_percent(self) -> str:
        return percent(self.negative_share)

    @property
    def peak(self) -> VolumeBucket | None:
        return max(self.volume, key=lambda bucket: bucket.count, default=None)


def client_items(client: Client, starts_at: datetime, ends_at: datetime):
    """Items that matched any of the client's rules and appeared in the range.

    An item's time is when it was published, or when we found it if the source gave no date.
    The subquery keeps an item matched by three rules one item.
    """
    matched = RuleMatch.objects.filter(client=client).values("item_id")
    return (
        MonitoredItem.objects.filter(pk__in=matched)
        .annotate(at=Coalesce("published_at", "fetched_at"))
        .filter(at__gte=starts_at, at__lt=ends_at)
    )


def _volume(items, starts_at: datetime, ends_at: datetime, hourly: bool) -> list[VolumeBucket]:
    tz = timezone.get_current_timezone()
    buckets: list[VolumeBucket] = []
    if hourly:
        rows = items.annotate(bucket=TruncHour("at", tzinfo=tz)).values("bucket").annotate(n=Count("pk"))
        counts = {
            timezone.localtime(row["bucket"], tz).strftime("%Y-%m-%d %H"): row["n"] for row in rows.order_by()
        }
        cursor = starts_at
        while cursor < ends_at:
            local = timezone.localtime(cursor, tz)
            buckets.append(
                VolumeBucket(cursor, local.strftime("%H"), counts.get(local.strftime("%Y-%m-%d %H"), 0))
            )
            cursor += timedelta(hours=1)
    else:
        rows = items.annotate(bucket=TruncDate("at", tzinfo=tz)).values("bucket").annotate(n=Count("pk"))
        counts = {row["bucket"]: row["n"] for row in rows.order_by()}
        day, last = (
            timezone.localdate(starts_at, tz),
            timezone.localdate(ends_at - timedelta(microseconds=1), tz),
        )
        while day <= last:
            buckets.append(VolumeBucket(_local_midnight(day), day.strftime("%m-%d"), counts.get(day, 0)))
            day += timedelta(days=1)
    return buckets


def _sentiment(items, total: int) -> list[SentimentShare]:
    counts = {
        row["analysis__sentiment"]: row["n"]
        for row in items.values("analysis__sentiment").annotate(n=Count("pk")).order_by()
    }
    shares = [
        SentimentShare(key, str(label), counts.get(key, 0), counts.get(key, 0) / total if total else 0.0)
        for key, label in (
            (ItemAnalysis.Sentiment.NEGATIVE, ItemAnalysis.Sentiment.NEGATIVE.label),
            (ItemAnalysis.Sentiment.NEUTRAL, ItemAnalysis.Sentiment.NEUTRAL.label),
            (ItemAnalysis.Sentiment.POSITIVE, ItemAnalysis.Sentiment.POSITIVE.label),
        )
    ]
    unanalysed = counts.get(None, 0)
    if unanalysed:
        shares.append(SentimentShare("unanalysed", _("not analysed yet"), unanalysed, unanalysed / total))
    return shares


def _negative_rows(negative) -> list[MonitoredItem]:
    """The period's negative items, copies of one text (one `ItemGroup`) as one row.

    Twenty sites copying one post are one row "…等 20 家", not twenty rows of the same title.
    """
    groups = list(
        negative.values("analysis__group_id")
        .annotate(
            copies=Count("pk"),
            sites=Count("source_id", distinct=True),
            probability=Max("analysis__sentiment_probability"),
            latest=Max("at"),
            first=Min("pk"),
        )
        .order_by("-probability", "-latest", "first")[:NEGATIVE_ITEMS]
    )
    firsts = negative.select_related("source", "analysis").in_bulk([row["first"] for row in groups])
    rows = []
    for row in groups:
        item = firsts[row["first"]]
        item.copies, item.sites, item.probability = row["copies"], row["sites"], row["probability"]
        item.probability_percent = percent(row["probability"])
        rows.append(item)
    return rows


def report_data(client: Client, starts_at: datetime, ends_at: datetime) -> ReportData:
    """Everything a report shows, for the client's matched items between the two times."""
    hourly = ends_at - starts_at <= timedelta(days=1)
    items = client_items(client, starts_at, ends_at)
    total = items.count()
    negative = items.filter(analysis__sentiment=ItemAnalysis.Sentiment.NEGATIVE)

    # filter() before annotate() on the same relation: the count is of this period's items only.
    top_events = list(
        Event.objects.filter(groups__analyses__item__in=items.values("pk"))
        .annotate(period_items=Count("groups__analyses", distinct=True))
        .order_by("-heat", "-period_items", "pk")[:TOP_EVENTS]
    )
    for event in top_events:
        event.negative_percent = percent(event.negative_share)
    top_sources = list(
        items.values("source_id", "source__name", "source__category")
        .annotate(
            items=Count("pk"),
            negative=Count("pk", filter=Q(analysis__sentiment=ItemAnalysis.Sentiment.NEGATIVE)),
        )
        .order_by("-items", "source__name", "source_id")[:TOP_SOURCES]
    )
    from ..models import Source

    categories = dict(Source.Category.choices)
    sources = [
        {
            "source_id": row["source_id"],
            "name": row["source__name"],
            "category": str(categories.get(row["source__category"], row["source__category"])),
            "items": row["items"],
            "negative": row["negative"],
            "negative_percent": percent(row["negative"] / row["items"] if row["items"] else 0.0),
        }
        for row in top_sources
    ]
    negative_items = _negative_rows(negative)
    negative_counts = negative.aggregate(items=Count("pk"), texts=Count("analysis__group_id", distinct=True))

    # Cases open at some point of the period, in their current state.
    cases_qs = Case.objects.filter(client=client, created_at__lt=ends_at).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=starts_at)
    )
    state_counts = {
        row["state"]: row["n"] for row in cases_qs.values("state").annotate(n=Count("pk")).order_by()
    }
    case_states = [
        {"state": state, "label": str(label), "count": state_counts.get(state, 0)}
        for state, label in Case.State.choices
    ]
    state_rank = {state: index for index, (state, _label) in enumerate(Case.State.choices)}
    cases = sorted(
        cases_qs.select_related("owner", "owner__staff_profile").order_by("-created_at", "pk")[:CASES],
        key=lambda case: (case.state == Case.State.RESOLVED, state_rank.get(case.state, 9)),
    )

    # Our stories copied by sites whose copy concerns this client (it matched the client's rules).
    reprints = Reprint.objects.filter(
        item_id__in=RuleMatch.objects.filter(client=client).values("item_id"),
        found_at__gte=starts_at,
        found_at__lt=ends_at,
    )
    reprint_total = reprints.count()
    reprint_stories = list(
        reprints.values("story_id", "story__title")
        .annotate(
            reprints=Count("pk"),
            unauthorised=Count("pk", filter=Q(authorised=False)),
            sites=Count("site", distinct=True),
        )
        .order_by("-reprints", "story_id")[:REPRINT_STORIES]
    )

    return ReportData(
        client=client,
        starts_at=starts_at,
        ends_at=ends_at,
        hourly=hourly,
        total_items=total,
        volume=_volume(items, starts_at, ends_at, hourly),
        sentiment=_sentiment(items, total),
        top_events=top_events,
        top_sources=sources,
        negative_total=negative_counts["items"],
        negative_items=negative_items,
        negative_texts=negative_counts["texts"],
        cases=cases,
        case_states=case_states,
        reprint_total=reprint_total,
        reprint_stories=[
            {
                "story_id": row["story_id"],
                "title": row["story__title"],
                "reprints": row["reprints"],
                "unauthorised": row["unauthorised"],
                "sites": row["sites"],
            }
            for row in reprint_stories
        ],
    )


# --- charts ------------------------------------------------------------------------------------------
def volume_chart(data: ReportData) -> str:
    if data.hourly:
        # 24 labels fit; the tooltip carries the full hour.
        bars = [
            charts.Bar(b.label, b.count, f"{timezone.localtime(b.start):%m-%d %H:00}: {b.count}")
            for b in data.volume
        ]
        x_label = _("Hour of the day")
    else:
        bars = [charts.Bar(b.label, b.count, f"{b.label}: {b.count}") for b in data.volume]
        x_label = _("Day")
    return charts.bar_chart(bars, title=_("Volume trend"), x_label=x_label, y_label=_("Items"))


def sentiment_chart(data: ReportData) -> str:
    return charts.stacked_share_bar(
        [charts.Segment(share.key, share.label, share.count) for share in data.sentiment],
        title=_("Sentiment share"),
        empty_text=_("No items in this period."),
    )


# --- rendering ---------------------------------------------------------------------------------------
def _safe_link(url: str) -> str:
    """Only web addresses become links; anything else (javascript:, data:) is shown as text."""
    return url if url.lower().startswith(("http://", "https://")) else ""


def render_html(data: ReportData, period: str, *, generated_at: datetime) -> str:
    """The report as one standalone, print-friendly HTML document, in the site's language (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        for item in data.negative_items:
            item.safe_url = _safe_link(item.url)
        return render_to_string(
            "monitoring/reports/report.html",
            {
                "data": data,
                "period": period,
                "title": str(PERIOD_TITLES[period]),
                # A period reported before it is over ends, for the reader, when the report was made.
                "last_moment": min(data.ends_at - timedelta(seconds=1), generated_at),
                "generated_at": generated_at,
                # Built by charts.py, which escapes every label.
                "volume_chart": mark_safe(volume_chart(data)),
                "sentiment_chart": mark_safe(sentiment_chart(data)),
                "font_family": charts.FONT_FAMILY,
            },
        )


def _weasyprint():
    """Import WeasyPrint, or say plainly which system libraries are missing and how to get them."""
    try:
        import weasyprint
    except OSError as exc:  # cffi could not load Pango/HarfBuzz/fontconfig
        raise ReportError(
            _(
                "PDF reports need the Pango, HarfBuzz and fontconfig libraries and the Noto CJK fonts "
                "(%(error)s). Install them with %(script)s."
            )
            % {"error": exc, "script": SYSTEM_DEPS_SCRIPT}
        ) from exc
    return weasyprint


def offline_url_fetcher():
    """A WeasyPrint URL fetcher that refuses everything but inline data: URLs.

    A report must never reach out while rendering (a slow or hostile host, a tracking pixel in an
    item's title), and the charts are inline SVG anyway.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)


def render_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=offline_url_fetcher()).write_pdf()


def report_filename(report: Report, extension: str = "pdf") -> str:
    """The name a person sees, in the site's language: 城东区政府舆情日报-2026-03-02.pdf.

    (A week's report is named by its Monday.) Downloads send it as RFC 6266 ``filename*`` (UTF-8).
    """
    start = timezone.localdate(report.starts_at)
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(PERIOD_TITLES.get(report.period, report.period))  # 舆情日报
    name = "".join(ch for ch in report.client.name if ch not in '\\/:*?"<>|\r\n').strip()
    return f"{name}{kind}-{start:%Y-%m-%d}.{extension}"


def generate_report(
    client: Client,
    period: str,
    starts_at: date | datetime | None = None,
    *,
    acting_user,
    now: datetime | None = None,
) -> Report:
    """Make (or remake) the client's report of the period that contains ``starts_at``.

    Without ``starts_at``: the last complete period (yesterday, or last week). Regenerating
    replaces the HTML and PDF of the same row. ``now`` is the scheduler's clock (default: now).
    """
    _may_make_reports(acting_user)
    if period not in Report.Period.values:
        raise ReportError(_("“%(period)s” is not a report period.") % {"period": period})
    if starts_at is None:
        day = last_complete_day(period, now)
    elif isinstance(starts_at, datetime):
        day = timezone.localdate(starts_at)
    else:
        day = starts_at
    starts, ends = period_bounds(period, day)
    generated_at = now or timezone.now()
    data = report_data(client, starts, ends)
    html = render_html(data, period, generated_at=generated_at)
    pdf = render_pdf(html)

    old_file = None
    with transaction.atomic():
        report, _created = Report.objects.select_for_update().get_or_create(
            client=client,
            period=period,
            starts_at=starts,
            defaults={"ends_at": ends, "generated_at": generated_at},
        )
        old_file = report.pdf.name or None
        report.ends_at = ends
        report.generated_at = generated_at
        report.generated_by = acting_user
        report.html = html
        report.pdf.save(f"report-{client.pk}-{period}-{day:%Y%m%d}.pdf", ContentFile(pdf), save=False)
        report.save(update_fields=["ends_at", "generated_at", "generated_by", "html", "pdf"])
        if old_file and old_file != report.pdf.name:
            storage = report.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    return report


# --- reading -----------------------------------------------------------------------------------------
def report_pdf_download(report: Report, user):
    """The report's PDF as a download for ``user``, streamed from the private storage.

    Raises PermissionDenied without the permission, FileNotFoundError if the file is gone.
    """
    if not can_see_reports(user):
        raise PermissionDenied
    return private_file_response(report.pdf, report_filename(report), "application/pdf")


# --- e-mail ------------------------------------------------------------------------------------------
def recipients(client: Client) -> tuple[list[str], list[str]]:
    """The client's report addresses: (valid, not an e-mail address)."""
    return parse_emails(client.report_emails)


def email_report(report: Report, *, acting_user) -> list[str]:
    """Send the report's PDF to the client's recipients; return the addresses it went to."""
    _may_make_reports(acting_user)
    to, _invalid = recipients(report.client)
    if not to:
        raise ReportError(
            _("%(client)s has no valid report recipients; add e-mail addresses to the client first.")
            % {"client": report.client.name}
        )
    if not report.pdf:
        raise ReportError(_("This report has not been generated yet."))
    with translation.override(settings.LANGUAGE_CODE):
        title = str(PERIOD_TITLES[report.period])
        start = timezone.localdate(report.starts_at)
        end = timezone.localdate(report.ends_at - timedelta(seconds=1))
        span = f"{start:%Y-%m-%d}" if start == end else f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"
        subject = f"{report.client.name} {title} {span}"
        body = _(
            "Attached is the %(title)s of %(client)s for %(span)s (PDF).\n\n"
            "This message was sent by the newsroom's monitoring service."
        ) % {"title": title, "client": report.client.name, "span": span}
    report.pdf.open("rb")
    try:
        content = report.pdf.read()
    finally:
        report.pdf.close()
    message = EmailMessage(subject=subject, body=body, to=to)
    message.attach(report_filename(report), content, "application/pdf")
    message.send()
    report.emailed_at = timezone.now()
    report.save(update_fields=["emailed_at"])
    logger.info("report %s e-mailed to %d recipients", report.pk, len(to))
    return to


# --- the scheduled run -------------------------------------------------------------------------------
def due_periods(now: datetime) -> list[tuple[str, date]]:
    """What is due at ``now``: yesterday's daily report after 07:00; last week's on Monday after 07:00."""
    local = timezone.localtime(now)
    if local.time() < SEND_AFTER:
        return []
    due = [(Report.Period.DAILY, last_complete_day(Report.Period.DAILY, now))]
    if local.weekday() == 0:
        due.append((Report.Period.WEEKLY, last_complete_day(Report.Period.WEEKLY, now)))
    return due


def _claim(client: Client, period: str, starts_at, ends_at, now) -> tuple[bool, Report | None]:
    """Take the period's report for this run, once across workers.

    A new row is claimed by creating it (the unique constraint stops a second worker); a report
    made on demand before its period was over is incomplete, so the run claims it once more with a
    conditional UPDATE. Returns (claimed, the earlier row if we took over one).
    """
    existing = Report.objects.filter(client=client, period=period, starts_at=starts_at).first()
    if existing is None:
        try:
            with transaction.atomic():
                Report.objects.create(
                    client=client, period=period, starts_at=starts_at, ends_at=ends_at, generated_at=now
                )
        except IntegrityError:
            return False, None
        return True, None
    if existing.generated_at >= ends_at:
        return False, None
    taken = Report.objects.filter(pk=existing.pk, generated_at=existing.generated_at).update(generated_at=now)
    return bool(taken), existing


def _release(client: Client, period: str, starts_at, earlier: Report | None) -> None:
    """Undo a claim whose report failed, so the next hourly run tries again."""
    if earlier is None:
        Report.objects.filter(client=client, period=period, starts_at=starts_at, html="").delete()
    else:
        Report.objects.filter(pk=earlier.pk).update(generated_at=earlier.generated_at)


def send_due_reports(now: datetime | None = None) -> list[int]:
    """Generate and e-mail every due report of every active client, each once; return their ids.

    One client's failure is logged and retried next hour; it never stops the others.
    """
    now = now or timezone.now()
    done = []
    for period, day in due_periods(now):
        starts_at, ends_at = period_bounds(period, day)
        for client in Client.objects.filter(active=True).order_by("pk"):
            claimed, earlier = _claim(client, period, starts_at, ends_at, now)
            if not claimed:
                continue
            try:
                report = generate_report(client, period, day, acting_user=None, now=now)
            except Exception:
                logger.exception("report %s %s of client %s failed", period, day, client.pk)
                _release(client, period, starts_at, earlier)
                continue
            done.append(report.pk)
            if recipients(client)[0]:
                try:
                    email_report(report, acting_user=None)
                except Exception:
                    # The report stays; the list shows it as not e-mailed and offers to send it.
                    logger.exception("e-mailing report %s failed", report.pk)
    return done
