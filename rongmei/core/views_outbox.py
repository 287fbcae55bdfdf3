"""The outbox list (issue 9): every message sent outside, its state, and a retry."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import outbox
from .admin_views import ActView, AdminPage, choice_of, page_of
from .models import OutboxMessage


class OutboxView(AdminPage):
    """Read-only: the messages the reader may see, newest first, filtered by target and status."""

    template_name = "core/outbox/index.html"
    page_title = _("Outbox (外发队列)")
    header_icon = "mail"

    def may_see(self, user):
        return outbox.can_see_outbox(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        qs = outbox.visible_messages(user).select_related("content_type")
        targets = sorted(
            set(outbox.registered_targets()) | set(qs.values_list("target", flat=True).distinct())
        )
        target = choice_of(self.request, "target", targets)
        status = choice_of(self.request, "status", OutboxMessage.Status.values)
        if target:
            qs = qs.filter(target=target)
        if status:
            qs = qs.filter(status=status)
        page = page_of(self.request, qs.order_by("-created_at", "-pk"))
        for message in page.object_list:
            message.user_may_retry = message.status != OutboxMessage.Status.SENT and outbox.may_retry(
                user, message
            )
            reg = outbox.registration(message.target)
            message.max_attempts = reg.max_attempts if reg else message.attempts
        context.update(
            page=page,
            target_choices=[(name, name) for name in targets],
            target=target,
            statuses=OutboxMessage.Status.choices,
            status=status,
        )
        return context


class OutboxRetryView(ActView):
    """POST: try one message again now (the service checks who asks)."""

    errors = (outbox.OutboxError,)

    def get_object(self, pk):
        return get_object_or_404(outbox.visible_messages(self.request.user), pk=pk)

    def act(self, message):
        outbox.retry_now(message, acting_user=self.request.user)
        return _("Message %(id)d will be sent again now.") % {"id": message.pk}

    def default_next(self, message):
        return reverse("core_outbox")
