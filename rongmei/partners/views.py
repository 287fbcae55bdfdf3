"""Admin screens of the partner centers (合作媒体): the list, a partner's settings with its tokens,
signing secret and recent pulls and pushes; creating a token and setting the secret answer a page
that shows it once (never stored in plain, never in a message or a redirect)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from rongmei.core.admin_views import ActView, AdminPage

from . import services
from .forms import PartnerForm, SecretForm, TokenForm
from .models import Partner, PartnerToken


class ManagerOnly:
    def dispatch(self, request, *args, **kwargs):
        if not services.can_manage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _list_crumb():
    return {"url": reverse("partners_index"), "label": _("Partner centers (合作媒体)")}


class PartnerListView(AdminPage):
    template_name = "partners/index.html"
    page_title = _("Partner centers (合作媒体)")
    header_icon = "group"

    def may_see(self, user):
        return services.can_manage(user)

    def get_context_data(self, **kwargs):
        from rongmei.distribution.models import StoryChannelStatus

        context = super().get_context_data(**kwargs)
        partners = list(
            Partner.objects.annotate(active_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True)))
        )
        latest = {}
        for status in (
            StoryChannelStatus.objects.filter(channel__code__in=[p.channel_code for p in partners])
            .select_related("channel")
            .order_by("channel_id", "-changed_at", "-pk")
        ):
            latest.setdefault(status.channel.code, status)
        for partner in partners:
            partner.last_push = latest.get(partner.channel_code)
        context["partners"] = partners
        return context


class PartnerFormView(ManagerOnly, WagtailAdminTemplateMixin, FormView):
    template_name = "partners/edit.html"
    form_class = PartnerForm
    header_icon = "group"
    partner = None

    def get_page_title(self):
        return self.partner.name if self.partner else _("Add a partner center")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [_list_crumb(), {"url": "", "label": self.get_page_title()}]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.partner
        return kwargs

    def form_valid(self, form):
        partner = form.save(commit=False)
        created = partner.pk is None
        services.save_partner(
            partner,
            acting_user=self.request.user,
            sections=form.cleaned_data["sections"],
            regions=form.cleaned_data["regions"],
        )
        if created:
            messages.success(
                self.request,
                _(
                    "%(name)s was added. Create an API token for it to pull, or set a signing secret for pushes."
                )
                % {"name": partner.name},
            )
        else:
            messages.success(self.request, _("%(name)s was saved.") % {"name": partner.name})
        return redirect("partners_edit", pk=partner.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = self.partner
        if partner is not None:
            context.update(
                partner=partner,
                tokens=list(partner.tokens.all()),
                token_form=TokenForm(),
                secret_form=SecretForm(),
                channel=services.channel_for(partner),
                pushes=list(services.recent_pushes(partner)),
            )
        return context


class PartnerCreateView(PartnerFormView):
    pass


class PartnerEditView(PartnerFormView):
    def dispatch(self, request, pk, *args, **kwargs):
        self.partner = get_object_or_404(Partner, pk=pk)
        return super().dispatch(request, *args, **kwargs)


class ShownOnce(WagtailAdminTemplateMixin, TemplateView):
    """The page that shows a new token or secret, once: never cached, never stored."""

    template_name = "partners/shown_once.html"
    header_icon = "key"

    def render_once(self, **context):
        response = TemplateResponse(self.request, self.template_name, self.get_context_data(**context))
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            _list_crumb(),
            {"url": reverse("partners_edit", args=[self.partner.pk]), "label": self.partner.name},
            {"url": "", "label": self.get_page_title()},
        ]


class CreateTokenView(ManagerOnly, ShownOnce):
    page_title = _("New API token")

    def get(self, request, pk):
        return redirect("partners_edit", pk=pk)

    def post(self, request, pk):
        self.partner = get_object_or_404(Partner, pk=pk)
        form = TokenForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The label is too long: at most 100 characters."))
            return redirect("partners_edit", pk=pk)
        token, raw = services.create_token(
            self.partner, acting_user=request.user, label=form.cleaned_data["label"]
        )
        return self.render_once(partner=self.partner, token=token, shown=raw, what="token")


class SetSecretView(ManagerOnly, ShownOnce):
    page_title = _("Signing secret")

    def get(self, request, pk):
        return redirect("partners_edit", pk=pk)

    def post(self, request, pk):
        self.partner = get_object_or_404(Partner, pk=pk)
        form = SecretForm(request.POST)
        secret = form.cleaned_data["secret"] if form.is_valid() else ""
        try:
            shown = services.set_signing_secret(self.partner, acting_user=request.user, secret=secret)
        except services.PartnerError as error:
            messages.error(request, error.message)
            return redirect("partners_edit", pk=pk)
        return self.render_once(partner=self.partner, shown=shown, what="secret")


class RevokeTokenView(ActView):
    """POST only; the service checks who asks."""

    errors = (services.PartnerError,)

    def get_object(self, pk):
        return get_object_or_404(PartnerToken.objects.select_related("partner"), pk=pk)

    def act(self, token):
        services.revoke_token(token, acting_user=self.request.user)
        return _("The token %(token)s… of %(name)s is revoked: requests with it are refused from now on.") % {
            "token": token.shown_part,
            "name": token.partner.name,
        }

    def default_next(self, token):
        return reverse("partners_edit", args=[token.partner_id])
