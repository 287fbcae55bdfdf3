"""Admin screens of 内参: issues, their articles, recipients, copies (make, download, receipt).

Every screen first asks the service whether the user may see 内参 at all; every act is a POST
that calls a service, which checks the permission again and keeps the record. Downloads are POST
too (a download is recorded), answered with ``Content-Disposition: attachment`` and
``Cache-Control: private, no-store``.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .forms import (
    ArticleForm,
    ArticleFromStoryForm,
    GenerateCopiesForm,
    IssueForm,
    ReceivedForm,
    RecipientForm,
)
from .models import Copy, NeicanArticle, NeicanIssue, Recipient


class NeicanMixin:
    """Only staff granted 内参 see any of it; ``manage``/``approve`` views ask for more."""

    required = "view"

    def dispatch(self, request, *args, **kwargs):
        check = {
            "view": services.require_view,
            "manage": services.require_manage,
            "approve": services.require_approve,
        }[self.required]
        services.require_view(request.user)
        check(request.user)
        return super().dispatch(request, *args, **kwargs)


class NeicanPage(NeicanMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full-inverse"
    page_title = _("Internal reference (内参)")

    def crumbs(self):
        return [{"url": reverse("neican_issues"), "label": _("Internal reference (内参)")}]

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + self.crumbs()


def _issue(pk) -> NeicanIssue:
    return get_object_or_404(NeicanIssue, pk=pk)


def _back_to_issue(issue):
    return redirect("neican_issue", issue.pk)


# --- issues ----------------------------------------------------------------------------------------------


class IssueIndexView(NeicanPage):
    template_name = "neican/issues.html"

    def crumbs(self):
        return [{"url": "", "label": _("Internal reference (内参)")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["issues"] = services.issues_for(self.request.user)
        context["may_manage"] = services.can_manage(self.request.user)
        return context


class IssueFormView(NeicanPage):
    """Add an issue (no ``pk``) or change a draft issue's number, title, date and classification."""

    template_name = "neican/issue_form.html"
    required = "manage"

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.issue = _issue(pk) if pk else None
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Edit issue") if self.issue else _("New issue")

    def crumbs(self):
        items = super().crumbs()
        if self.issue:
            items.append({"url": reverse("neican_issue", args=[self.issue.pk]), "label": self.issue.number})
        return items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            initial = {}
            if self.issue:
                initial = {
                    "number": self.issue.number,
                    "title": self.issue.title,
                    "issue_date": self.issue.issue_date,
                    "classification": self.issue.classification,
                }
            context["form"] = IssueForm(initial=initial or None)
        context.update(issue=self.issue, page_title=self.get_page_title())
        return context

    def post(self, request, *args, **kwargs):
        form = IssueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if self.issue:
                    issue = services.update_issue(
                        self.issue,
                        acting_user=request.user,
                        number=data["number"],
                        title=data["title"],
                        issue_date=data["issue_date"],
                        classification=data["classification"] or self.issue.classification,
                    )
                    messages.success(request, _("%(issue)s was saved.") % {"issue": issue.number})
                else:
                    issue = services.create_issue(acting_user=request.user, **data)
                    messages.success(
                        request,
                        _("%(issue)s was added. Add its articles next.") % {"issue": issue.number},
                    )
                return _back_to_issue(issue)
            except services.NeicanError as error:
                form.add_error(None, error.message)
        messages.error(request, _("The issue was not saved; see the form below."))
        return self.render_to_response(self.get_context_data(form=form))


class IssueView(NeicanPage):
    """One issue: its articles, the approval, its copies, the ledger."""

    template_name = "neican/issue.html"

    def dispatch(self, request, *args, pk, **kwargs):
        self.issue = _issue(pk)
        return super().dispatch(request, *args, **kwargs)

    def crumbs(self):
        return super().crumbs() + [{"url": "", "label": self.issue.number}]

    def get_page_title(self):
        return f"{self.issue.number} {self.issue.title}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        issue = self.issue
        may_manage = services.can_manage(user)
        context.update(
            page_title=self.get_page_title(),
            issue=issue,
            articles=list(issue.articles.select_related("source_story")),
            copies=list(services.copies_of(issue, user)),
            events=list(services.events_of(issue, user)[:200]),
            may_manage=may_manage,
            may_edit=may_manage and issue.is_editable,
            may_approve=services.can_approve(user) and issue.is_editable,
            may_reopen=services.can_approve(user)
            and issue.state == NeicanIssue.State.APPROVED
            and not issue.copies.exists(),
            may_generate=may_manage and issue.state != NeicanIssue.State.DRAFT,
            story_form=kwargs.get("story_form") or ArticleFromStoryForm(),
            generate_form=kwargs.get("generate_form") or GenerateCopiesForm(issue),
            received_form=ReceivedForm(),
        )
        context["media"] = context["story_form"].media
        return context


class IssueActView(NeicanMixin, View):
    """POST: approve a draft (签发) or reopen an approved issue without copies."""

    required = "approve"

    def post(self, request, pk, act):
        issue = _issue(pk)
        try:
            if act == "approve":
                services.approve_issue(issue, acting_user=request.user)
                messages.success(
                    request,
                    _("%(issue)s is approved. Make the recipients' copies next.") % {"issue": issue.number},
                )
            elif act == "reopen":
                services.reopen_issue(issue, acting_user=request.user)
                messages.success(request, _("%(issue)s is a draft again.") % {"issue": issue.number})
            else:
                raise Http404
        except services.NeicanError as error:
            messages.error(request, error.message)
        return _back_to_issue(issue)


# --- articles --------------------------------------------------------------------------------------------


class ArticleFormView(NeicanPage):
    template_name = "neican/article_form.html"
    required = "manage"

    def dispatch(self, request, *args, issue_pk=None, pk=None, **kwargs):
        if pk:
            self.article = get_object_or_404(NeicanArticle.objects.select_related("issue"), pk=pk)
            self.issue = self.article.issue
        else:
            self.article = None
            self.issue = _issue(issue_pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Edit article") if self.article else _("New article")

    def crumbs(self):
        return super().crumbs() + [
            {"url": reverse("neican_issue", args=[self.issue.pk]), "label": self.issue.number},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            initial = {"title": self.article.title, "body": self.article.body} if self.article else None
            context["form"] = ArticleForm(initial=initial)
        context.update(issue=self.issue, article=self.article, page_title=self.get_page_title())
        return context

    def post(self, request, *args, **kwargs):
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                services.save_article(
                    self.issue,
                    acting_user=request.user,
                    article=self.article,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except services.NeicanError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The article was saved."))
                return _back_to_issue(self.issue)
        messages.error(request, _("The article was not saved; see the form below."))
        return self.render_to_response(self.get_context_data(form=form))


class ArticleFromStoryView(NeicanMixin, View):
    required = "manage"

    def post(self, request, issue_pk):
        issue = _issue(issue_pk)
        form = ArticleFromStoryForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the story to copy."))
            return _back_to_issue(issue)
        try:
            article = services.article_from_story(
                issue, form.cleaned_data["story"].specific, acting_user=request.user
            )
        except services.NeicanError as error:
            messages.error(request, error.message)
            return _back_to_issue(issue)
        messages.success(
            request,
            _("“%(title)s” was copied into the issue. Edit it there: the story itself is unchanged.")
            % {"title": article.title},
        )
        return redirect("neican_article_edit", article.pk)


class ArticleActView(NeicanMixin, View):
    """POST: remove an article, or move it up or down."""

    required = "manage"

    def post(self, request, pk, act):
        article = get_object_or_404(NeicanArticle.objects.select_related("issue"), pk=pk)
        try:
            if act == "delete":
                services.delete_article(article, acting_user=request.user)
                messages.success(request, _("“%(title)s” was removed.") % {"title": article.title})
            elif act in ("up", "down"):
                services.move_article(article, acting_user=request.user, up=act == "up")
            else:
                raise Http404
        except services.NeicanError as error:
            messages.error(request, error.message)
        return _back_to_issue(article.issue)


# --- copies ----------------------------------------------------------------------------------------------


class GenerateCopiesView(IssueView):
    """POST: make the ticked recipients' copies (the form's errors show on the issue page)."""

    required = "manage"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = GenerateCopiesForm(self.issue, request.POST)
        if not form.is_valid():
            messages.error(request, _("No copies were made; see the form below."))
            return self.render_to_response(self.get_context_data(generate_form=form))
        try:
            made = services.generate_copies(
                self.issue, acting_user=request.user, recipients=form.cleaned_data["recipients"]
            )
        except services.NeicanError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(count)d copies were made (%(numbers)s). Download each and hand it to its recipient.")
                % {"count": len(made), "numbers": "、".join(c.label for c in made) or "—"},
            )
        return _back_to_issue(self.issue)


def _copy(pk) -> Copy:
    return get_object_or_404(Copy.objects.select_related("issue"), pk=pk)


class CopyDownloadView(NeicanMixin, View):
    """POST: the copy's PDF from the private storage, recorded as downloaded by this user."""

    def post(self, request, pk):
        copy = _copy(pk)
        try:
            return services.copy_download(copy, acting_user=request.user)
        except FileNotFoundError:
            messages.error(
                request, _("The PDF of copy %(copy)s is missing from the server.") % {"copy": copy.label}
            )
            return _back_to_issue(copy.issue)


class CopyReceivedView(NeicanMixin, View):
    required = "manage"

    def post(self, request, pk):
        copy = _copy(pk)
        form = ReceivedForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.record_received(copy, acting_user=request.user, note=note)
        except services.NeicanError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Copy %(copy)s is recorded as received by %(name)s.")
                % {"copy": copy.label, "name": copy.recipient_name},
            )
        return _back_to_issue(copy.issue)


# --- recipients ------------------------------------------------------------------------------------------


class RecipientIndexView(NeicanPage):
    template_name = "neican/recipients.html"

    def crumbs(self):
        return super().crumbs() + [{"url": "", "label": _("Recipients")}]

    def get_page_title(self):
        return _("Recipients")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=self.get_page_title(),
            recipients=services.recipients_for(self.request.user),
            may_manage=services.can_manage(self.request.user),
        )
        return context


class RecipientFormView(NeicanPage):
    template_name = "neican/recipient_form.html"
    required = "manage"

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.recipient = get_object_or_404(Recipient, pk=pk) if pk else None
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Edit recipient") if self.recipient else _("New recipient")

    def crumbs(self):
        return super().crumbs() + [
            {"url": reverse("neican_recipients"), "label": _("Recipients")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", kwargs.get("form") or RecipientForm(instance=self.recipient))
        context.update(recipient=self.recipient, page_title=self.get_page_title())
        return context

    def post(self, request, *args, **kwargs):
        form = RecipientForm(request.POST, instance=self.recipient or Recipient())
        if form.is_valid():
            data = form.cleaned_data
            recipient = services.save_recipient(acting_user=request.user, recipient=self.recipient, **data)
            messages.success(request, _("%(name)s was saved.") % {"name": recipient.name})
            return redirect("neican_recipients")
        messages.error(request, _("The recipient was not saved; see the form below."))
        return self.render_to_response(self.get_context_data(form=form))
