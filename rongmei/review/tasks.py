from django_tasks import task


@task()
def notify_emergency_publication(emergency_id: int) -> int:
    """Tell the chief editors (终审总编) that a story went out around 三审; returns how many were told."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    from rongmei.organisation import roles

    from .models import EmergencyPublication

    emergency = (
        EmergencyPublication.objects.select_related("story", "published_by").filter(pk=emergency_id).first()
    )
    if emergency is None:
        return 0
    addresses = sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.CHIEF.group_name)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not addresses:
        return 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        # A header takes one line: a title with a line break (a forged POST) would make send_mail fail.
        subject = _("Emergency publication (突发): %(title)s") % {
            "title": " ".join(emergency.story.title.split())
        }
        body = _(
            "%(name)s published “%(title)s” without completing review at %(time)s.\n"
            "Review stage at the time: %(stage)s\n"
            "Reason: %(reason)s\n"
            "Blocking proofreading findings overridden: %(findings)s\n\n"
            "The story: %(edit_url)s\n"
            "All emergency publications: %(report_url)s\n"
        ) % {
            "name": emergency.published_by_name or "—",
            "title": emergency.story.title,
            "time": timezone.localtime(emergency.created_at).strftime("%Y-%m-%d %H:%M"),
            "stage": emergency.review_stage or _("not submitted"),
            "reason": emergency.reason,
            "findings": "、".join(emergency.overridden_findings) or _("none"),
            "edit_url": base + reverse("wagtailadmin_pages:edit", args=[emergency.story_id]),
            "report_url": base + reverse("review_emergency_report"),
        }
    send_mail(subject, body, None, addresses)
    return len(addresses)
