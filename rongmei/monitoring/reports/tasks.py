"""Tasks of the 舆情报告: the hourly run that sends due reports, and one report made now."""

from django.contrib.auth import get_user_model
from django_tasks import task

from ..models import Client
from . import services as reports


@task()
def send_due_reports() -> list[int]:
    """Periodic (hourly): yesterday's daily reports after 07:00, last week's on Monday, each once."""
    return reports.send_due_reports()


@task()
def generate_report_now(
    client_id: int, period: str, day: str | None = None, user_id: int | None = None, email: bool = False
) -> int | None:
    """Generate one client's report on demand (``day`` as YYYY-MM-DD, default `reports.default_day`);
    e-mail it too when asked. Returns the report id, or None when the client is gone."""
    from datetime import date

    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    report = reports.generate_report(
        client, period, date.fromisoformat(day) if day else reports.default_day(period), acting_user=user
    )
    if email:
        reports.email_report(report, acting_user=user)
    return report.pk
