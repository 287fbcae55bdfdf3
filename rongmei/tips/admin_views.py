"""The tips desk in the admin (menu 线索): the desk list, a tip taken on the hotline, one tip with its
acts and history, the tipster's contact (a logged POST), the attachments, 我的线索, the rewards.

Screens only read; every act is a POST calling a service, which checks who may again. The
tipster's contact is never on a GET: "show contact" is a POST whose answer is not stored.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rongmei.core.admin_views import AdminPage, choice_of, page_of
from rongmei.core.storage import private_file_response

from . import permissions, services
from .forms import AssignForm, HotlineTipForm, NoteForm, PaymentForm, RewardForm, StoryForm, TriageForm
from .models import Reward, Tip, TipAttachment


class DeskPage(AdminPage):
    header_icon = "help"
    refusal_message = gettext_lazy("Only the tips desk (线索编辑) may open this page.")

    def may_see(self, user):
        return permissions.is_desk(user)

    def get_breadcrumbs_items(self):
        crumbs = [{"url": reverse("tips_desk"), "label": _("Tips desk")}]
        return self.breadcrumbs_items + crumbs + [{"url": "", "label": self.get_page_title()}]


# --- the desk list -------------------------------------------------------------------------------------


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class DeskView(DeskPage):
    template_name = "tips/admin/desk.html"
    page_title = gettext_lazy("Tips desk")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        state = choice_of(request, "state", Tip.State.values)
        kind = choice_of(request, "kind", Tip.Kind.values)
        source = choice_of(request, "source", Tip.Source.values)
        reward = choice_of(request, "reward", Reward.State.values)
        since, until = _date(request.GET.get("since")), _date(request.GET.get("until"))
        query = (request.GET.get("q") or "").strip()[:100]
        tips = Tip.objects.select_related("assigned_to", "story", "reward").order_by("-received_at", "-pk")
        if state:
            tips = tips.filter(state=state)
        if kind:
            tips = tips.filter(kind=kind)
        if source:
            tips = tips.filter(source=source)
        if reward:
            tips = tips.filter(reward__state=reward)
        if since:
            tips = tips.filter(received_at__date__gte=since)
        if until:
            tips = tips.filter(received_at__date__lte=until)
        if query:
            tips = tips.filter(
                Q(text__icontains=query) | Q(location__icontains=query) | Q(reference__iexact=query)
            )
        context.update(
            page=page_of(request, tips),
            filters=[
                ("state", _("State"), _("all states"), Tip.State.choices, state),
                ("kind", _("Tip type"), _("all types"), Tip.Kind.choices, kind),
                ("source", _("Source"), _("all sources"), Tip.Source.choices, source),
                ("reward", _("Reward"), _("all"), Reward.State.choices, reward),
            ],
            since=request.GET.get("since", "") if since else "",
            until=request.GET.get("until", "") if until else "",
            query=query,
            new_count=Tip.objects.filter(state=Tip.State.NEW).count(),
            due_count=Reward.objects.filter(state=Reward.State.DUE).count(),
        )
        return context


class MineView(AdminPage):
    """我的线索: the tips assigned to the person (text, place, time; never the contact)."""

    template_name = "tips/admin/mine.html"
    page_title = gettext_lazy("My tips")
    header_icon = "help"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tips = Tip.objects.filter(assigned_to=self.request.user).select_related("story")
        context["page"] = page_of(self.request, tips)
        return context


# --- a tip taken on the hotline --------------------------------------------------------------------------


class HotlineView(DeskPage):
    template_name = "tips/admin/hotline.html"
    page_title = gettext_lazy("Tip from the hotline")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", HotlineTipForm())
        return context

    def post(self, request, *args, **kwargs):
        form = HotlineTipForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                tip = services.receive_tip(
                    **form.tip_fields(),
                    source=Tip.Source.HOTLINE,
                    acting_user=request.user,
                )
            except services.TipError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Tip %(reference)s is kept. Give the caller this reference number.")
                    % {"reference": tip.reference},
                )
                return redirect("tips_tip", tip.pk)
        messages.error(request, _("The tip was not kept; see the form below."))
        return self.render_to_response(self.get_context_data(form=form))


# --- one tip ---------------------------------------------------------------------------------------------


class TipView(AdminPage):
    template_name = "tips/admin/tip.html"
    header_icon = "help"
    refusal_message = gettext_lazy("Only the tips desk and the person the tip is assigned to may read it.")

    def setup(self, request, *args, pk, **kwargs):
        self.tip = get_object_or_404(
            Tip.objects.select_related("assigned_to", "story", "taken_by", "duplicate_of", "topic"), pk=pk
        )
        super().setup(request, *args, pk=pk, **kwargs)

    def may_see(self, user):
        return permissions.may_read_tip(user, self.tip)

    def get_page_title(self):
        return _("Tip %(reference)s") % {"reference": self.tip.reference}

    def get_breadcrumbs_items(self):
        user = self.request.user
        back = (
            {"url": reverse("tips_desk"), "label": _("Tips desk")}
            if permissions.is_desk(user)
            else {"url": reverse("tips_mine"), "label": _("My tips")}
        )
        return self.breadcrumbs_items + [back, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, contact=None, forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tip = self.tip
        desk = permissions.is_desk(user)
        forms = forms or {}
        reward = Reward.objects.filter(tip=tip).select_related("set_by", "paid_by").first()
        story_form = forms.get("story") or StoryForm(initial={"story": tip.story_id})
        context.update(
            tip=tip,
            desk=desk,
            contact=contact,
            may_see_contact=permissions.may_see_contact(user),
            attachments=list(tip.attachments.all()),
            events=list(tip.events.select_related("actor")),
            reads=list(tip.contact_reads.select_related("user")[:20]) if desk else [],
            reward=reward,
            rule_amount=services.rule_amount(tip.kind, reward.lead_story if reward else False)
            if reward
            else None,
            triage_form=forms.get("triage") or TriageForm(initial={"state": tip.state}),
            assign_form=forms.get("assign") or AssignForm(initial={"person": tip.assigned_to_id}),
            story_form=story_form,
            note_form=forms.get("note") or NoteForm(),
            reward_form=forms.get("reward")
            or RewardForm(
                initial={
                    "lead_story": reward.lead_story if reward else False,
                    "amount": reward.amount if reward else None,
                }
            ),
            payment_form=forms.get("payment") or PaymentForm(),
            may_propose=_may_propose(user),
            media=story_form.media,
        )
        return context


def _may_propose(user) -> bool:
    from rongmei.planning import permissions as planning

    return planning.can_propose(user)


class ContactView(TipView):
    """POST: the tipster's contact, shown on the tip's page; the read is logged."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        contact = services.reveal_contact(self.tip, acting_user=request.user)
        response = self.render_to_response(self.get_context_data(contact=contact))
        add_never_cache_headers(response)
        return response


class TipActView(TipView):
    """POST: one act of the desk (or a note by the assignee) on the tip, through its service."""

    http_method_names = ["post"]
    ACTS = {
        "triage": TriageForm,
        "assign": AssignForm,
        "story": StoryForm,
        "note": NoteForm,
        "reward": RewardForm,
        "payment": PaymentForm,
        "topic": None,
    }

    def post(self, request, *args, act, **kwargs):
        if act not in self.ACTS:
            raise Http404
        tip, user = self.tip, request.user
        form_class = self.ACTS[act]
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            messages.error(request, _("Nothing was changed; see the form below."))
            return self.render_to_response(self.get_context_data(forms={act: form}))
        data = form.cleaned_data if form is not None else {}
        try:
            done = self._act(act, tip, user, data)
        except services.TipError as error:
            if form is None:
                messages.error(request, error.message)
                return redirect("tips_tip", tip.pk)
            form.add_error(None, error.message)
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data(forms={act: form}))
        messages.success(request, done)
        return redirect("tips_tip", tip.pk)

    def _act(self, act, tip, user, data) -> str:
        if act == "triage":
            services.triage(
                tip,
                acting_user=user,
                state=data["state"],
                duplicate_of=data["duplicate_of"],
                note=data["note"],
            )
            return _("The tip is now: %(state)s.") % {"state": tip.get_state_display()}
        if act == "assign":
            services.assign(tip, acting_user=user, person=data["person"], note=data["note"])
            return _("The tip is assigned.")
        if act == "story":
            services.link_story(tip, acting_user=user, story=data["story"])
            return _("The tip is linked to its story.")
        if act == "note":
            services.add_note(tip, acting_user=user, note=data["note"])
            return _("The note is added.")
        if act == "topic":
            topic = services.turn_into_topic(tip, acting_user=user)
            return _("Topic “%(title)s” is proposed.") % {"title": topic.title}
        if act == "reward":
            reward = services.set_reward(
                tip,
                acting_user=user,
                lead_story=data["lead_story"],
                amount=data["amount"],
                reason=data["reason"],
            )
            return _("The reward is set: %(amount)s yuan.") % {"amount": reward.amount}
        services.record_payment(
            tip,
            acting_user=user,
            method=data["method"],
            paid_at=data["paid_at"] or None,
            note=data["note"],
        )
        return _("The payment is recorded.")


class AttachmentView(View):
    """An attachment as a download, for whoever may read its tip."""

    def get(self, request, pk):
        attachment = get_object_or_404(TipAttachment.objects.select_related("tip"), pk=pk)
        if not permissions.may_read_tip(request.user, attachment.tip):
            raise PermissionDenied(_("Only the tips desk and the person the tip is assigned to may read it."))
        try:
            return private_file_response(attachment.file, attachment.original_name)
        except FileNotFoundError:
            raise Http404(_("This file is no longer kept.")) from None


# --- rewards ---------------------------------------------------------------------------------------------


def _month(request):
    value = request.GET.get("month") or request.POST.get("month") or ""
    try:
        year, month = (int(part) for part in value.split("-"))
        datetime.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        year, month = today.year, today.month
    return year, month


class RewardsView(DeskPage):
    """线索奖: rewards due, and the month's rewards (the payment list is the Excel export)."""

    template_name = "tips/admin/rewards.html"
    page_title = gettext_lazy("Tip rewards")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month = _month(self.request)
        rewards = list(services.rewards_of_month(year, month))
        first = datetime.date(year, month, 1)
        previous = first - datetime.timedelta(days=1)
        following = first + datetime.timedelta(days=32)
        context.update(
            month=f"{year}-{month:02d}",
            previous_month=f"{previous.year}-{previous.month:02d}",
            next_month=f"{following.year}-{following.month:02d}",
            due=list(Reward.objects.filter(state=Reward.State.DUE).select_related("tip", "tip__story")),
            rewards=rewards,
            total=sum((reward.amount or 0) for reward in rewards),
            paid_total=sum((reward.amount or 0) for reward in rewards if reward.state == Reward.State.PAID),
            may_export=permissions.may_see_contact(self.request.user),
        )
        return context


class RewardsExportView(View):
    """POST: the month's payment list as Excel (names and phones: each row's read is logged)."""

    def post(self, request):
        year, month = _month(request)
        data = services.reward_workbook(year, month, acting_user=request.user)
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="tip-rewards-{year}-{month:02d}.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response
