"""The second-factor page after the password (/accounts/verify/): outside the admin, so it answers
before the admin's gate does. A GET only shows the form; the POST asks the service."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import login as otp_login
from wagtail.users.models import UserProfile

from . import services
from .forms import CodeForm


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("wagtailadmin_home")


class VerifyView(View):
    template_name = "accounts/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(reverse("wagtailadmin_login"))
        if request.user.is_verified() or not services.has_second_factor(request.user):
            return redirect(_next(request))
        # In the person's own admin language, as the admin they are about to enter.
        language = UserProfile.get_for_user(request.user).get_preferred_language()
        with translation.override(language):
            return super().dispatch(request, *args, **kwargs)

    def render(self, request, form, error="", status=200):
        context = {"form": form, "error": error, "next": _next(request)}
        response = render(request, self.template_name, context, status=status)
        add_never_cache_headers(response)
        return response

    def get(self, request):
        return self.render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, status=400)
        try:
            device = services.verify_second_factor(request.user, form.cleaned_data["code"])
        except services.SecondFactorError as refusal:
            # A fresh field: the wrong code is not shown again.
            return self.render(request, CodeForm(), error=refusal.message, status=400)
        otp_login(request, device)
        return redirect(_next(request))
