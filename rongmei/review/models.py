"""三审 (three-level review) on Wagtail workflows.

A review workflow is an ordinary Wagtail ``Workflow`` whose tasks are ``ReviewLevelTask``s, one per
level (初审 → 复审 → 终审). Who may decide, and the separation-of-duties rules, live in
``review/permissions.py``; the task methods below only ask it, and the decisions go through
``review/services.py``, so the admin, the services and any other caller obey the same rules.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.locks import WorkflowLock
from wagtail.models import LockableMixin, Task, TaskState

# The approve action at the final level while proofreading blocks: it needs a written reason.
APPROVE_OVER_PROOFING = "approve_over_proofing"


class ReviewLevelLock(WorkflowLock):
    """The editor's lock while a story waits at a review level, with the real reason this person may
    not edit or decide it (Wagtail's own message only says "only reviewers for this task")."""

    def get_message(self, user):
        if not self.for_user(user):
            return None
        from . import outcomes

        return outcomes.lock_message(self.object, self.task, user)


class ReviewLevelTask(Task):
    """One level of the 三审: members of ``groups`` decide; nobody decides two levels or their own story."""

    lock_class = ReviewLevelLock

    level = models.PositiveSmallIntegerField(
        _("level"),
        default=1,
        help_text=_("1 for 初审 (first review), 2 for 复审 (second review), 3 for 终审 (final review)…"),
    )
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("groups"),
        related_name="review_level_tasks",
        help_text=_("Members of these groups decide at this level."),
    )

    admin_form_fields = Task.admin_form_fields + ["level", "groups"]
    admin_form_widgets = {"groups": forms.CheckboxSelectMultiple}

    class Meta:
        verbose_name = _("review level (审核级)")
        verbose_name_plural = _("review levels (审核级)")

    @classmethod
    def get_description(cls):
        return _(
            "One level of the three-level review (三审): members of the chosen groups approve or "
            "reject; nobody may decide two levels of one submission or review their own story."
        )

    # --- Wagtail task API -------------------------------------------------------------------

    def start(self, workflow_state, user=None):
        # A resubmission resumes at the level that rejected; when the story changed since the
        # lower levels approved it, they must see it again first, so the review restarts at the
        # lowest level that has no approval of the current revision.
        first_open = workflow_state.get_next_task()
        if first_open is not None and first_open.pk != self.pk:
            return first_open.specific.start(workflow_state, user=user)
        obj = workflow_state.content_object
        if isinstance(obj, LockableMixin) and obj.locked_by_id and not self.user_in_groups(obj.locked_by):
            obj.locked = False
            obj.locked_by = None
            obj.locked_at = None
            obj.save(update_fields=["locked", "locked_by", "locked_at"])
        return super().start(workflow_state, user=user)

    def user_in_groups(self, user) -> bool:
        from .permissions import in_level_groups

        return in_level_groups(self, user)

    def _current_task_state(self, obj):
        task_state = obj.current_workflow_task_state
        if task_state is None or task_state.task_id != self.pk:
            return None
        return task_state

    def user_may_decide(self, obj, user) -> bool:
        from .permissions import may_decide

        task_state = self._current_task_state(obj)
        return task_state is not None and may_decide(task_state, user)

    def get_actions(self, obj, user):
        from . import services

        if not self.user_may_decide(obj, user):
            return []
        if services.stored_blocking_findings(self._current_task_state(obj)):
            # The plain approval would be refused; the only way through is the override, whose
            # form asks for the written reason. (Read from the stored check: the editor and the
            # dashboard only read. If the text changed meanwhile, the approval finds out and
            # on_action shows the findings.)
            approve = (APPROVE_OVER_PROOFING, _("Approve over blocking findings (越过拦截通过)"), True)
        else:
            approve = ("approve", _("Approve (通过)"), True)
        return [("reject", _("Reject (退回)"), True), approve]

    def get_template_for_action(self, action):
        # The approve dialog also says how many proofreading warnings are still open.
        if action in ("approve", APPROVE_OVER_PROOFING):
            return "review/workflow_action_modal.html"
        return ""

    def get_form_for_action(self, action):
        from .forms import ApproveOpinionForm, ApproveOverProofingForm, RejectOpinionForm

        if action == APPROVE_OVER_PROOFING:
            return ApproveOverProofingForm
        return RejectOpinionForm if action == "reject" else ApproveOpinionForm

    def on_action(self, task_state, user, action_name, **kwargs):
        from . import services

        if action_name == APPROVE_OVER_PROOFING:
            action_name = services.APPROVE
        elif action_name not in (services.APPROVE, services.REJECT):
            raise PermissionDenied
        try:
            services.decide(
                task_state,
                acting_user=user,
                action=action_name,
                opinion=kwargs.get("comment", ""),
                override_reason=kwargs.get("override_reason", ""),
            )
        except services.ReviewError as error:
            if error.code == "proofing_blocked":
                # Blocked after the actions were offered (the text changed meanwhile): show the
                # findings rather than an error page.
                return reverse("proofing_story", args=[task_state.workflow_state.object_id])
            raise PermissionDenied(str(error)) from error
        # Wagtail's dashboard dialog says nothing after a decision: pass through a page that tells
        # the reviewer what happened and what comes next, then goes where they were. (The page
        # editor ignores this URL; its message is replaced in wagtail_hooks.)
        url = reverse("review_decided", args=[task_state.pk])
        next_url = kwargs.get("next") or ""
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def user_can_access_editor(self, obj, user):
        return self.user_may_decide(obj, user)

    def locked_for_user(self, obj, user):
        return not (user.is_superuser or self.user_may_decide(obj, user))

    def user_can_lock(self, obj, user):
        return self.user_may_decide(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from .permissions import may_decide

        if not self.user_in_groups(user):
            return TaskState.objects.none()
        candidates = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).select_related(
            "workflow_state", "revision", "task"
        )
        allowed = [state.pk for state in candidates if may_decide(state, user)]
        return self.task_states.filter(pk__in=allowed)


class ReviewEvent(models.Model):
    """One row per review act on a story: the 审核记录 staff read, with each level's opinion."""

    class Decision(models.TextChoices):
        SUBMIT = "submit", _("submitted for review (送审)")
        RESUBMIT = "resubmit", _("resubmitted (重新送审)")
        APPROVE = "approve", _("approved (通过)")
        REJECT = "reject", _("rejected (退回)")
        WITHDRAW = "withdraw", _("withdrawn (撤回)")
        PUBLISH = "publish", _("published (发布)")
        SCHEDULE = "schedule", _("scheduled for publication (定时发布)")
        # Only through review.services.emergency_publish(): a named permission and a written reason.
        OVERRIDE = "override", _("emergency publication without completing review (突发发布)")
        PROOF_OVERRIDE = "proof_override", _("approved over blocking proofreading findings (越过审校拦截)")
        CORRECT = "correct", _("correction published (更正)")
        RETRACT = "retract", _("retracted (撤稿)")
        # Taken off the site without a retraction (newsroom.services.unpublish, Wagtail's "Unpublish").
        UNPUBLISH = "unpublish", _("taken off the site (下线)")

    story = models.ForeignKey(
        "newsroom.StoryPage", verbose_name=_("story"), on_delete=models.CASCADE, related_name="review_events"
    )
    workflow_state = models.ForeignKey(
        "wagtailcore.WorkflowState",
        verbose_name=_("submission"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task_state = models.ForeignKey(
        "wagtailcore.TaskState",
        verbose_name=_("review step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    level_name = models.CharField(_("level name"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_events",
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    opinion = models.TextField(_("opinion (审核意见)"), blank=True)
    # What the kind of event needs besides the opinion (see review/events.py): the go-live time of
    # a scheduling, the findings passed over, the corrections' texts, the revision it concerns.
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["story", "created_at"])]

    def __str__(self):
        return f"{self.story_id} {self.get_decision_display()} {self.level_name}".strip()

    @property
    def actor_name(self) -> str:
        from rongmei.organisation.models import display_name_for

        return display_name_for(self.actor)

    @property
    def details(self) -> str:
        """What ``data`` says, in a line for the history ("定于 12月6日 08:00 发布"), or ""."""
        from .events import details

        return details(self)


class EmergencyPublication(models.Model):
    """突发: a story published around 三审 by someone holding the emergency permission.

    The row is written before the revision is published; the go-live gate
    (``review.services.check_may_go_live``) lets exactly this revision through. The chief editors are
    told, and 突发发布记录 (Reports) lists every row.
    """

    story = models.ForeignKey(
        "newsroom.StoryPage",
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="emergency_publications",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("revision"), on_delete=models.CASCADE, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    # Where the story stood when it was published: e.g. "初审", or empty if it was never submitted.
    review_stage = models.CharField(_("review stage at the time"), max_length=255, blank=True)
    overridden_findings = models.JSONField(_("blocking proofreading findings overridden"), default=list)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("emergency publication (突发发布)")
        verbose_name_plural = _("emergency publications (突发发布)")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.story_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def published_by_name(self) -> str:
        from rongmei.organisation.models import display_name_for

        return display_name_for(self.published_by)
