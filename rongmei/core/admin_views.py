"""Building blocks of the newsroom's own admin screens, so each app's screens ask, refuse, page and
come back the same way.

- ``AdminPage``: a screen that only reads. ``may_see(user)`` is asked first; a refusal sends the
  person back to the dashboard with the screen's ``refusal_message`` (why, in their language), or
  with Wagtail's general message when the screen has none. The screen's title ends the breadcrumbs.
- ``ActView``: a POST-only act on one object. The service carries it out and checks who may; its
  refusal (an error with a ``message``) shows as an error, the act's own words as a success, then
  back to the form's ``next`` (when it is on this site) or the view's default.
- ``page_of(request, rows)``, ``choice_of(request, name, allowed)``, ``next_url(request, default)``:
  a list's page (``core/includes/pagination.html`` shows its links), a filter that is one of its
  choices or none, a safe place to go back to.
"""

import functools

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

LIST_PAGE_SIZE = 50


def page_of(request, rows, per_page=LIST_PAGE_SIZE):
    """The page of ``rows`` that the ``p`` parameter asks for (the first for anything that is not a
    page number, the last past the end)."""
    return Paginator(rows, per_page).get_page(request.GET.get("p"))


def choice_of(request, name, allowed):
    """The ``name`` query parameter if it is one of ``allowed``, else "" (no filter)."""
    value = request.GET.get(name, "")
    return value if value in allowed else ""


def next_url(request, default):
    """Where to go after a POST: the form's ``next`` if it is a page of this site, else ``default``."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return default


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    """A read-only admin screen whose right is asked before anything else (``may_see``)."""

    refusal_message = ""

    def may_see(self, user) -> bool:
        return True

    def setup(self, request, *args, **kwargs):
        # Asked here, before any dispatch: a subclass's dispatch may then find its object knowing
        # the reader may see the screen.
        super().setup(request, *args, **kwargs)
        if not self.may_see(request.user):
            raise PermissionDenied(self.refusal_message)

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)

        @functools.wraps(view)
        def refusing_in_words(request, *args, **kwargs):
            # Wagtail answers every PermissionDenied with its general "no permission": the screen's
            # own reason is said here instead, on the same way back to the dashboard.
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as refusal:
                reason = str(refusal.args[0]) if refusal.args and refusal.args[0] else ""
                if not reason or request.headers.get("x-requested-with") == "XMLHttpRequest":
                    raise
                flash.error(request, reason)
                return redirect("wagtailadmin_home")

        return refusing_in_words

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


class ActView(View):
    """POST only (a GET answers 405): ``act(obj)`` on ``get_object(**kwargs)``.

    ``act`` calls the service (which checks who may) and returns the words that say it is done;
    an error of ``errors`` it raises is shown instead. Any other refusal (``PermissionDenied``) is
    Wagtail's. Then back to the form's ``next``, or ``default_next(obj)``.
    """

    errors: tuple = ()

    def get_object(self, **kwargs):
        raise NotImplementedError

    def act(self, obj) -> str:
        raise NotImplementedError

    def default_next(self, obj) -> str:
        raise NotImplementedError

    def post(self, request, **kwargs):
        obj = self.get_object(**kwargs)
        try:
            done = self.act(obj)
        except self.errors as error:
            flash.error(request, error.message)
        else:
            flash.success(request, done)
        return redirect(next_url(request, self.default_next(obj)))
