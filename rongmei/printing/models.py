"""The print edition (报纸版面, issue 9 融合发布): a page plan per outlet and issue date.

``PrintIssue`` (one per outlet and date, with its number of pages) → ``PrintPage`` (版: number,
name such as “要闻”, state 小样 → 大样 → 审签) → ``PagePlacement`` (a reviewed story on the page,
its order, target length in characters, an optional print headline and a note).

All changes go through ``services``; the models only hold the data and the plain checks.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_PAGES = 64  # a county paper has 4–16 pages; a weekend edition rarely more than 48


class PrintIssue(models.Model):
    outlet = models.ForeignKey(
        "organisation.Outlet", verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="print_issues"
    )
    issue_date = models.DateField(_("issue date"), db_index=True)
    page_count = models.PositiveSmallIntegerField(_("number of pages"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("print issue")
        verbose_name_plural = _("print issues")
        ordering = ["-issue_date", "outlet__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "issue_date"], name="printing_one_issue_per_outlet_date"
            )
        ]

    def __str__(self):
        return f"{self.outlet} {self.issue_date:%Y-%m-%d}"


class PrintPage(models.Model):
    class State(models.TextChoices):
        GALLEY = "galley", _("galley proof (小样)")
        PAGE_PROOF = "page_proof", _("page proof (大样)")
        SIGNED_OFF = "signed_off", _("signed off (审签)")

    issue = models.ForeignKey(
        PrintIssue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="pages"
    )
    number = models.PositiveSmallIntegerField(_("page number"))
    name = models.CharField(_("page name"), max_length=50, blank=True, help_text=_("E.g. 要闻, 时政, 社会."))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.GALLEY, db_index=True
    )
    # Who moved the page to 大样 and when (the layout editor).
    page_proof_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page_proof_at = models.DateTimeField(_("page proof since"), null=True, blank=True)
    # The duty editor's sign-off (审签); the page is locked while it stands.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    # The last reopening of a signed-off page (the whole history is in the audit log).
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("print page")
        verbose_name_plural = _("print pages")
        ordering = ["issue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="printing_one_page_per_number"),
        ]
        permissions = [
            ("advance_printpage", _("Mark a print page as page proof (大样)")),
            ("sign_off_printpage", _("Sign off a print page (审签) and reopen a signed-off page")),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """第3版 · 要闻"""
        number = _("Page %(number)d") % {"number": self.number}
        return f"{number} · {self.name}" if self.name else str(number)

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.SIGNED_OFF


class PagePlacement(models.Model):
    page = models.ForeignKey(
        PrintPage, verbose_name=pgettext_lazy("print page", "page"), on_delete=models.CASCADE, related_name="placements"
    )
    # The page's issue, kept here so a story is placed at most once per issue (a database constraint).
    issue = models.ForeignKey(PrintIssue, on_delete=models.CASCADE, related_name="placements")
    story = models.ForeignKey(
        "newsroom.StoryPage",
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="print_placements",
    )
    order = models.PositiveSmallIntegerField(_("order on the page"), default=1)
    target_length = models.PositiveIntegerField(_("target length (characters)"))
    headline = models.CharField(
        _("print headline"),
        max_length=200,
        blank=True,
        help_text=_("Leave blank for the print headline of the story's print version (or its headline)."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["page__number", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "story"], name="printing_story_once_per_issue"),
        ]

    def __str__(self):
        return f"{self.page}: {self.story_id}"
