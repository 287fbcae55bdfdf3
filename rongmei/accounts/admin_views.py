"""The second factor in the admin: one's own (Account → 第二重验证) and an administrator's reset.

GETs only show; each act is a POST to a service, which checks who may again.
"""

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.core.admin_views import AdminPage

from . import services
from .forms import CodeForm, EnrolForm
from .roles import second_factor_required


class SecondFactorView(AdminPage):
    template_name = "accounts/second_factor.html"
    page_title = gettext_lazy("Second factor")
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_account"), "label": _("Account")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, signed_key=None, error="", **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        device = services.confirmed_totp(user)
        context.update(
            device=device,
            required=second_factor_required(user),
            error=error,
            codes_left=services.recovery_codes_left(user) if device else 0,
            off_form=CodeForm(),
        )
        if device is None:
            try:
                key = services.key_from_signed(user, signed_key) if signed_key else None
            except services.SecondFactorError:
                key = None
            if key is None:
                key, signed_key = services.new_enrolment_key(user)
            url = services.otpauth_url(user, key)
            context.update(
                form=EnrolForm(initial={"key": signed_key}),
                qr_svg=segno.make(url, error="m").svg_inline(
                    scale=5, title=_("QR code for your authenticator app")
                ),
                secret=services.base32_secret(key),
            )
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        add_never_cache_headers(response)  # the page carries a new secret
        return response

    def post(self, request, *args, **kwargs):
        act = request.POST.get("act")
        try:
            if act == "enrol":
                form = EnrolForm(request.POST)
                if not form.is_valid():
                    raise services.SecondFactorError(_("Please enter the 6 digits your app shows."))
                device, codes = services.enrol_totp(
                    request.user, form.cleaned_data["key"], form.cleaned_data["code"]
                )
                # This session has just proved the code: it counts as verified.
                from django_otp import login as otp_login

                otp_login(request, device)
                return self.show_codes(codes, enrolled=True)
            if act == "codes":
                if not request.user.is_verified():
                    raise PermissionDenied
                return self.show_codes(services.renew_recovery_codes(request.user), enrolled=False)
            if act == "off":
                services.turn_off(request.user, request.POST.get("code", ""))
                messages.success(
                    request, _("Your second factor is off. Signing in now needs only your password.")
                )
                return redirect("accounts_second_factor")
        except services.SecondFactorError as refusal:
            context = self.get_context_data(signed_key=request.POST.get("key"), error=refusal.message)
            response = self.render_to_response(context, status=400)
            add_never_cache_headers(response)
            return response
        return redirect("accounts_second_factor")

    def show_codes(self, codes, *, enrolled):
        self.template_name = "accounts/recovery_codes.html"
        context = super().get_context_data()
        context.update(codes=codes, enrolled=enrolled)
        response = self.render_to_response(context)
        add_never_cache_headers(response)  # shown once: never from a cache or the back button
        return response


class ResetView(AdminPage):
    """An administrator confirms the reset of someone's second factor (a lost phone)."""

    template_name = "accounts/reset.html"
    page_title = gettext_lazy("Reset second factor")
    header_icon = "key"
    refusal_message = gettext_lazy("Only an administrator who manages users may reset a second factor.")

    def setup(self, request, *args, **kwargs):
        self.target = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
        super().setup(request, *args, **kwargs)

    def may_see(self, user):
        return services.may_reset(user, self.target)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(target=self.target, has_device=services.has_second_factor(self.target))
        return context

    def post(self, request, *args, **kwargs):
        services.reset_second_factor(request.user, self.target)
        messages.success(
            request,
            _("The second factor of %(name)s is reset; they sign in with their password and may enrol again.")
            % {"name": self.target.get_username()},
        )
        return redirect("wagtailusers_users:index")
