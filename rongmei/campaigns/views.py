"""Admin screens of campaigns (大型活动): the list, the form, one campaign's progress, and its acts
(create its topic page, attach and detach topics). A GET only reads; every act is a POST calling a
service, which checks the right again and keeps the record."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.core.admin_views import ActView, AdminPage

from . import permissions, queries, services
from .forms import AttachTopicsForm, CampaignForm, TopicPageForm
from .models import GOAL_FIELDS, Campaign

TITLE = gettext_lazy("Campaigns (大型活动)")


class CampaignPage(AdminPage):
    header_icon = "calendar-check"
    page_title = TITLE
    refusal_message = gettext_lazy("Campaigns (大型活动) are only for newsroom staff.")

    def may_see(self, user) -> bool:
        return permissions.can_view(user)

    def crumbs(self):
        return [{"url": reverse("campaigns:index"), "label": TITLE}]

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + self.crumbs()


class ManagePage(CampaignPage):
    refusal_message = gettext_lazy(
        "Only department directors, chief editors and administrators create and change campaigns."
    )

    def may_see(self, user) -> bool:
        return permissions.can_manage(user)


class IndexView(CampaignPage):
    template_name = "campaigns/index.html"

    def crumbs(self):
        return [{"url": "", "label": TITLE}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = list(queries.campaigns())
        context.update(
            campaigns=[(campaign, campaign.days_left(today)) for campaign in rows],
            may_manage=permissions.can_manage(self.request.user),
        )
        return context


def _initial(campaign):
    fields = ("name", "partner_name", "partner_region", "starts_on", "ends_on", "description")
    initial = {name: getattr(campaign, name) for name in fields}
    initial.update({name: getattr(campaign, name) for _fmt, name in GOAL_FIELDS})
    initial.update(wants_topic_page=campaign.wants_topic_page, state=campaign.state)
    return initial


class FormView(ManagePage):
    """Add a campaign (no ``pk``) or change one."""

    template_name = "campaigns/form.html"

    def setup(self, request, *args, pk=None, **kwargs):
        super().setup(request, *args, **kwargs)
        self.campaign = get_object_or_404(Campaign, pk=pk) if pk else None

    def get_page_title(self):
        return _("Edit campaign") if self.campaign else _("New campaign")

    def crumbs(self):
        items = super().crumbs()
        if self.campaign:
            items.append(
                {"url": reverse("campaigns:detail", args=[self.campaign.pk]), "label": self.campaign.name}
            )
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            context["form"] = CampaignForm(initial=_initial(self.campaign) if self.campaign else None)
        context.update(campaign=self.campaign, page_title=self.get_page_title())
        return context

    def post(self, request, *args, **kwargs):
        form = CampaignForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if self.campaign:
                    campaign = services.update_campaign(self.campaign, acting_user=request.user, **data)
                    messages.success(request, _("“%(name)s” was saved.") % {"name": campaign.name})
                else:
                    campaign = services.create_campaign(acting_user=request.user, **data)
                    messages.success(
                        request,
                        _("“%(name)s” was added. Attach its topics and create its topic page next.")
                        % {"name": campaign.name},
                    )
                return redirect("campaigns:detail", campaign.pk)
            except services.CampaignError as error:
                form.add_error(None, error.message)
        messages.error(request, _("The campaign was not saved; see the form below."))
        return self.render_to_response(self.get_context_data(form=form))


class DetailView(CampaignPage):
    """One campaign's progress: goals against what is planned, filed and published per format."""

    template_name = "campaigns/detail.html"

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.campaign = get_object_or_404(queries.campaigns(), pk=pk)

    def get_page_title(self):
        return self.campaign.name

    def crumbs(self):
        return super().crumbs() + [{"url": "", "label": self.campaign.name}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        may_manage = permissions.can_manage(self.request.user)
        today = timezone.localdate()
        context.update(
            page_title=campaign.name,
            campaign=campaign,
            progress=queries.progress(campaign),
            days_left=campaign.days_left(today),
            started=campaign.has_started(today),
            topics=list(campaign.topics.select_related("department").order_by("-created_at", "-pk")),
            may_manage=may_manage,
        )
        if may_manage:
            context["topic_page_form"] = kwargs.get("topic_page_form") or TopicPageForm(
                initial={"title": campaign.name, "slug": services.proposed_slug(campaign)}
            )
            context["attach_form"] = kwargs.get("attach_form") or AttachTopicsForm(campaign)
        return context


class CampaignAct(ActView):
    errors = (services.CampaignError,)

    def get_object(self, *, pk, **kwargs):
        return get_object_or_404(Campaign, pk=pk)

    def default_next(self, obj):
        return reverse("campaigns:detail", args=[obj.pk])


class CreateTopicPageView(CampaignAct):
    def act(self, campaign):
        form = TopicPageForm(self.request.POST)
        if not form.is_valid():
            raise services.CampaignError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        page, published = services.create_topic_page(
            campaign,
            acting_user=self.request.user,
            slug=form.cleaned_data["slug"],
            title=form.cleaned_data["title"],
        )
        if published:
            return _("The topic page “%(title)s” is on the site.") % {"title": page.title}
        return _(
            "The topic page “%(title)s” was saved as a draft: a chief editor or an administrator publishes it."
        ) % {"title": page.title}


class AttachTopicsView(CampaignAct):
    def act(self, campaign):
        form = AttachTopicsForm(campaign, self.request.POST)
        if not form.is_valid():
            raise services.CampaignError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        topics = list(form.cleaned_data["topics"])
        services.attach_topics(campaign, topics, acting_user=self.request.user)
        return _("%(count)s topics were attached.") % {"count": len(topics)}


class DetachTopicView(CampaignAct):
    def get_object(self, *, pk, topic_pk, **kwargs):
        self.topic_pk = topic_pk
        return super().get_object(pk=pk)

    def act(self, campaign):
        services.detach_topic(campaign, self.topic_pk, acting_user=self.request.user)
        return _("The topic was detached from the campaign.")
