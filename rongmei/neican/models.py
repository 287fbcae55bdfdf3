"""内参 (internal reference reports for officials): a restricted channel, never a Wagtail page.

An issue (期) holds articles; each recipient gets a numbered copy (第 001 份 …) as a PDF with their
name as a watermark, kept in the private storage (``rongmei/core/storage.py``: outside MEDIA_ROOT,
no URL). Nothing here is a ``Page``, indexed for search, listed in a sitemap or feed, or exposed
by the content API: those all start from pages. Every act is a service (``services.py``) that
checks the permission and writes a ``NeicanEvent`` (who did what to which issue or copy, when).

The models have no default add/change/delete/view permissions: the only grants are the three
below, so nobody reaches 内参 through a generic model permission.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rongmei.core.storage import private_storage

DEFAULT_CLASSIFICATION = "内部资料 注意保存"


class NeicanIssue(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved for distribution")
        DISTRIBUTED = "distributed", _("distributed")

    number = models.CharField(
        _("issue number (期号)"),
        max_length=50,
        unique=True,
        help_text=_("As printed on the issue, e.g. 2026年第12期."),
    )
    title = models.CharField(_("title"), max_length=200)
    issue_date = models.DateField(_("date"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    classification = models.CharField(
        _("classification note"),
        max_length=100,
        default=DEFAULT_CLASSIFICATION,
        help_text=_("Printed at the top of every page, e.g. 内部资料 注意保存."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        verbose_name = _("internal reference issue")
        verbose_name_plural = _("internal reference issues")
        ordering = ["-issue_date", "-pk"]
        default_permissions = ()
        permissions = [
            ("view_neican", _("Read internal reference reports (内参) and download copies")),
            ("manage_neican", _("Compile internal reference reports (内参), manage recipients, make copies")),
            ("approve_neican", _("Approve internal reference reports (内参) for distribution")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT


class NeicanArticle(models.Model):
    issue = models.ForeignKey(
        NeicanIssue, on_delete=models.CASCADE, related_name="articles", verbose_name=_("issue")
    )
    title = models.CharField(_("title"), max_length=200)
    # Plain text, one paragraph per line: no images, links or embeds, whose files or addresses
    # would be public (Wagtail's image library and renditions are).
    body = models.TextField(_("text"))
    source_story = models.ForeignKey(
        "newsroom.StoryPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made from story"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("internal reference article")
        verbose_name_plural = _("internal reference articles")
        ordering = ["sort_order", "pk"]
        default_permissions = ()

    def __str__(self):
        return self.title

    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


class Recipient(models.Model):
    name = models.CharField(_("full name"), max_length=50)
    title = models.CharField(_("position and unit"), max_length=200, blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active recipients get copies of new issues.")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["sort_order", "name", "pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


def copy_upload_to(instance, filename):
    return f"neican/{instance.issue_id}/{filename}"


class Copy(models.Model):
    """One numbered copy of an issue for one recipient (第 N 份), and what became of it."""

    issue = models.ForeignKey(
        NeicanIssue, on_delete=models.PROTECT, related_name="copies", verbose_name=_("issue")
    )
    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="copies", verbose_name=_("recipient")
    )
    number = models.PositiveIntegerField(_("copy number"))
    # As printed on the copy: a recipient renamed later keeps the copy they were given.
    recipient_name = models.CharField(_("recipient"), max_length=50)
    recipient_title = models.CharField(_("position and unit"), max_length=200, blank=True)
    pdf = models.FileField(_("PDF file"), storage=private_storage, upload_to=copy_upload_to, max_length=200)
    generated_at = models.DateTimeField(_("made"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made by"),
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_note = models.CharField(_("receipt note"), max_length=200, blank=True)
    received_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("receipt recorded by"),
    )

    class Meta:
        verbose_name = _("copy")
        verbose_name_plural = _("copies")
        ordering = ["issue", "number"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="neican_one_number_per_issue"),
            models.UniqueConstraint(fields=["issue", "recipient"], name="neican_one_copy_per_recipient"),
        ]

    def __str__(self):
        return f"{self.issue.number} 第 {self.label} 份"

    @property
    def label(self) -> str:
        return f"{self.number:03d}"


class NeicanEvent(models.Model):
    """The ledger: who did what to which issue or copy, when (never edited, never deleted)."""

    class Act(models.TextChoices):
        CREATE = "create", _("issue created")
        EDIT = "edit", _("issue edited")
        APPROVE = "approve", _("issue approved")
        REOPEN = "reopen", _("reopened for editing")
        GENERATE = "generate", _("copy made")
        DOWNLOAD = "download", _("copy downloaded")
        RECEIVED = "received", _("receipt recorded")

    issue = models.ForeignKey(
        NeicanIssue, on_delete=models.PROTECT, related_name="events", verbose_name=_("issue")
    )
    copy = models.ForeignKey(
        Copy, null=True, blank=True, on_delete=models.PROTECT, related_name="events", verbose_name=_("copy")
    )
    act = models.CharField(_("act"), max_length=20, choices=Act.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("internal reference record")
        verbose_name_plural = _("internal reference records")
        ordering = ["-at", "-pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.issue_id} {self.act} {self.at:%Y-%m-%d %H:%M}"
