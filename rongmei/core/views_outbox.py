"""The outbox list (issue 9): every message sent outside, its state, and a retry."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import outbox
from .models import OutboxMessage


class OutboxView(WagtailAdminTemplateMixin, TemplateView):
    """Read-only: the messages the reader may see, newest first, filtered by target and status."""

    template_name = "core/outbox/index.html"
    page_title = _("Outbox (外发队列)")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not outbox.can_see_outbox(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        qs = outbox.visible_messages(user).select_related("content_type")
        targets = sorted(set(outbox.registered_targets()) | set(qs.values_list("target", flat=True).distinct()))
        target = self.request.GET.get("target", "")
        status = self.request.GET.get("status", "")
        if target in targets:
            qs = qs.filter(target=target)
        else:
            target = ""
        if status in OutboxMessage.Status.values:
            qs = qs.filter(status=status)
        else:
            status = ""
        page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(self.request.GET.get("p"))
        for message in page.object_list:
            message.user_may_retry = message.status != OutboxMessage.Status.SENT and outbox.may_retry(
                user, message
            )
            reg = outbox.registration(message.target)
            message.max_attempts = reg.max_attempts if reg else message.attempts
        context.update(
            page=page,
            targets=targets,
            target=target,
            statuses=OutboxMessage.Status.choices,
            status=status,
        )
        return context


class OutboxRetryView(View):
    """POST: try one message again now (the service checks who asks)."""

    def post(self, request, pk):
        message = get_object_or_404(outbox.visible_messages(request.user), pk=pk)
        try:
            outbox.retry_now(message, acting_user=request.user)
        except outbox.OutboxError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, _("Message %(id)d will be sent again now.") % {"id": message.pk})
        back = request.POST.get("next", "")
        if not (back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
            back = reverse("core_outbox")
        return redirect(back)
