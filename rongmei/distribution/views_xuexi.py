"""The story's 学习强国 page: the contribution package (download, make again) and the record of the
submission by hand. Reading is GET; making the package and recording are POST through
``distribution/xuexi.py``, which checks the permission."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import packages, permissions, xuexi
from .models import StoryChannelStatus
from .services import TAKING_DOWN_ACTS, DistributionError


class MarkDoneForm(forms.Form):
    remote_url = forms.URLField(
        label=_("Address on 学习强国"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_("The article's address on the platform, if you have it (you can also leave it empty)."),
        error_messages={"invalid": _("Give a web address, e.g. https://www.xuexi.cn/…")},
    )


def _status(pk) -> StoryChannelStatus:
    status = get_object_or_404(StoryChannelStatus.objects.select_related("story", "channel"), pk=pk)
    if status.channel.kind != xuexi.KIND:
        raise PermissionDenied
    return status


def _refuse_unless_may(request, status):
    if not permissions.may_handle_xuexi(request.user, status.story):
        raise PermissionDenied


class XuexiStatusView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "distribution/xuexi/status.html"
    page_title = _("学习强国 package")
    header_icon = "download"

    def dispatch(self, request, pk, *args, **kwargs):
        self.status = _status(pk)
        _refuse_unless_may(request, self.status)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.status.story.title

    def get_breadcrumbs_items(self):
        story = self.status.story
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_pages:edit", args=[story.pk]), "label": story.title},
            {"url": reverse("distribution_story", args=[story.pk]), "label": _("Distribution (分发)")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.status
        waiting = status.state == StoryChannelStatus.State.NEEDS_MANUAL
        context.update(
            status=status,
            story=status.story,
            package_ready=packages.package_exists(status.story_id, status.revision_id),
            package_filename=packages.download_filename(status.story_id, status.revision_id),
            waiting=waiting,
            taking_down=status.act in TAKING_DOWN_ACTS,
            waiting_label=xuexi.waiting_act_label(status) if waiting else "",
            form=kwargs.get("form") or MarkDoneForm(),
            history=list(xuexi.history(status.story)[:50]),
        )
        return context


def package_download(request, pk):
    """GET: the package from the private storage, for staff who may edit the story."""
    status = _status(pk)
    try:
        return xuexi.package_download(status, acting_user=request.user)
    except FileNotFoundError:
        messages.error(request, _("There is no package for this version yet: make it first."))
        return redirect("distribution_xuexi", status.pk)


class RebuildPackageView(View):
    def post(self, request, pk):
        status = _status(pk)
        try:
            xuexi.rebuild_package(status, acting_user=request.user)
        except DistributionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The package was made for the current version: download it below."))
        return redirect("distribution_xuexi", status.pk)


class MarkDoneView(XuexiStatusView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = MarkDoneForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Nothing was recorded; see the form below."))
            return self.render_to_response(self.get_context_data(form=form))
        try:
            status = xuexi.mark_done(
                self.status, acting_user=request.user, remote_url=form.cleaned_data["remote_url"]
            )
        except DistributionError as error:
            messages.error(request, error.message)
            return redirect("distribution_xuexi", self.status.pk)
        messages.success(request, _("Recorded: %(note)s.") % {"note": status.note})
        return redirect("distribution_story", status.story_id)
