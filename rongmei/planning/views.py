"""The 策划 admin screens: the planning board (选题会) for a day or a week, a topic with its history,
decision and assignments, the 报题 form, 我的任务, all assignments, the events calendar with its
iCalendar export and import.

A GET only reads. Every act is a POST that calls a service (which checks who may again); a
refusal of the screen itself is Wagtail's (back to the dashboard with the reason).
"""

import datetime

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.core.admin_views import ActView, AdminPage, next_url, page_of
from rongmei.organisation.models import Department, display_name_for

from . import ics, permissions, services
from .forms import AssignForm, DecideForm, EventForm, ExportForm, ImportForm, TopicForm, planning_staff
from .models import Assignment, PlannedEvent, Topic, TopicEvent

State = Topic.State
AState = Assignment.State

# The board's columns, left to right.
BOARD_COLUMNS = (
    State.PROPOSED,
    State.CHANGES_REQUESTED,
    State.APPROVED,
    State.IN_PROGRESS,
    State.DONE,
    State.DECLINED,
    State.CANCELLED,
)
# Topics waiting for the meeting are on every day's board, whenever they were proposed.
WAITING = (State.PROPOSED, State.CHANGES_REQUESTED)


def id_param(value):
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _week_start(day):
    return day - datetime.timedelta(days=day.weekday())


class PlanningPage(AdminPage):
    """A 策划 screen: ``may_see`` asks ``permissions``; ``parent`` adds the list a page belongs to."""

    header_icon = "date"
    refusal_message = gettext_lazy("The planning board (策划) is only for newsroom staff.")
    parent = None

    def may_see(self, user) -> bool:
        return permissions.can_view(user)

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if self.parent:
            url_name, label = self.parent
            items.insert(-1, {"url": reverse(url_name), "label": label})
        return items


# --- the board -------------------------------------------------------------------------------------------


class BoardView(PlanningPage):
    """选题会: the topics of a day or a week, one column per state, filtered by department, region
    and person; one-click moves for whoever may decide."""

    template_name = "planning/board.html"
    page_title = gettext_lazy("Planning meeting")

    @cached_property
    def span(self):
        return "week" if self.request.GET.get("span") == "week" else "day"

    @cached_property
    def day(self):
        return parse_date(self.request.GET.get("date") or "") or timezone.localdate()

    def period(self):
        start = _week_start(self.day) if self.span == "week" else self.day
        end = start + datetime.timedelta(days=7 if self.span == "week" else 1)
        return start, end

    def topics(self, start, end):
        since, until = _local_midnight(start), _local_midnight(end)
        rows = Topic.objects.for_board().filter(
            Q(state__in=WAITING)
            | Q(created_at__gte=since, created_at__lt=until)
            | Q(deadline__gte=since, deadline__lt=until)
            | Q(decided_at__gte=since, decided_at__lt=until)
            | Q(event__starts_at__gte=since, event__starts_at__lt=until)
        )
        department = id_param(self.request.GET.get("department"))
        region = id_param(self.request.GET.get("region"))
        person = id_param(self.request.GET.get("person"))
        if department:
            rows = rows.filter(department_id=department)
        if region:
            rows = rows.filter(region_id=region)
        if person:
            rows = rows.filter(Q(proposed_by_id=person) | Q(assignments__assignee_id=person))
        return rows.distinct().order_by("deadline", "created_at", "pk"), department, region, person

    def get_context_data(self, **kwargs):
        from rongmei.newsroom.models import Region

        context = super().get_context_data(**kwargs)
        user = self.request.user
        start, end = self.period()
        rows, department, region, person = self.topics(start, end)
        columns = {state: [] for state in BOARD_COLUMNS}
        for topic in rows:
            topic.moves = [(state, State(state).label) for state in services.allowed_moves(user, topic)]
            topic.may_decide = permissions.can_decide(user, topic)
            columns[topic.state].append(topic)
        step = datetime.timedelta(days=7 if self.span == "week" else 1)
        context.update(
            columns=[(state, State(state).label, columns[state]) for state in BOARD_COLUMNS],
            span=self.span,
            day=self.day,
            start=start,
            last_day=end - datetime.timedelta(days=1),
            previous=start - step,
            following=start + step,
            today=timezone.localdate(),
            department=department,
            region=region,
            person=person,
            departments=Department.objects.select_related("outlet").order_by("name"),
            regions=Region.objects.order_by("level", "sort_order", "name"),
            people=[(u.pk, display_name_for(u)) for u in planning_staff()],
            may_propose=permissions.can_propose(user),
            decide_states=(State.APPROVED, State.CHANGES_REQUESTED, State.DECLINED),
            total=sum(len(items) for items in columns.values()),
        )
        return context


# --- topics ----------------------------------------------------------------------------------------------


class ProposeView(PlanningPage):
    template_name = "planning/topic_form.html"
    page_title = gettext_lazy("Propose a topic")
    parent = ("planning_board", gettext_lazy("Planning meeting"))

    def may_see(self, user) -> bool:
        return permissions.can_propose(user)

    refusal_message = gettext_lazy(
        "Only reporters, editors, directors and the chief editor may propose topics (报题)."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            initial = {}
            event = id_param(self.request.GET.get("event"))
            if event:
                initial["event"] = event
            context["form"] = TopicForm(initial=initial)
        context["submit_label"] = _("Propose")
        return context

    def post(self, request, *args, **kwargs):
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                topic = services.propose_topic(request.user, **form.service_fields())
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                flash.success(request, _("Topic “%(title)s” proposed.") % {"title": topic.title})
                return redirect("planning_topic", topic.pk)
        return self.render_to_response(self.get_context_data(form=form))


class TopicPage(PlanningPage):
    parent = ("planning_board", gettext_lazy("Planning meeting"))

    def dispatch(self, request, *args, pk, **kwargs):
        self.topic = get_object_or_404(Topic.objects.for_board(), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.topic.title


class TopicView(TopicPage):
    template_name = "planning/topic.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        topic = self.topic
        may_decide = permissions.can_decide(user, topic)
        own = topic.proposed_by_id == user.pk and permissions.can_propose(user)
        assignments = list(topic.assignments.all())
        for assignment in assignments:
            assignment.acts = assignment_acts(user, assignment)
        context.update(
            topic=topic,
            history=TopicEvent.objects.filter(topic=topic)
            .select_related("actor__staff_profile", "assignment")
            .order_by("at", "pk"),
            assignments=assignments,
            channels=list(topic.planned_channels.all()),
            may_decide=may_decide and topic.state == State.PROPOSED,
            may_assign=may_decide and topic.state in services.ASSIGNABLE,
            may_revise=(own and topic.state in WAITING)
            or (may_decide and topic.state not in (State.DONE, State.CANCELLED)),
            moves=[
                (state, State(state).label)
                for state in services.allowed_moves(user, topic)
                if not (topic.state == State.PROPOSED and state != State.CANCELLED)
            ],
            decide_form=kwargs.get("decide_form") or DecideForm(),
            assign_form=kwargs.get("assign_form")
            or AssignForm(
                initial={
                    "deadline": timezone.localtime(topic.deadline) if topic.deadline else None,
                    "format": (topic.planned_formats or ["text"])[0],
                }
            ),
        )
        return context


class TopicEditView(TopicPage):
    template_name = "planning/topic_form.html"

    def get_page_title(self):
        return _("Revise “%(title)s”") % {"title": self.topic.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form", TopicForm(initial=TopicForm.initial_for(self.topic), current_event=self.topic.event_id)
        )
        context["topic"] = self.topic
        context["submit_label"] = (
            _("Revise and resubmit") if self.topic.state == State.CHANGES_REQUESTED else _("Save")
        )
        return context

    def post(self, request, *args, **kwargs):
        form = TopicForm(request.POST, current_event=self.topic.event_id)
        if form.is_valid():
            try:
                services.revise_topic(request.user, self.topic, **form.service_fields())
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                flash.success(request, _("Topic revised."))
                return redirect("planning_topic", self.topic.pk)
        return self.render_to_response(self.get_context_data(form=form))


class TopicFormPost(TopicView):
    """The decide and assign forms of a topic page: POST only; an invalid form shows the page again
    with its errors (nothing typed is lost)."""

    http_method_names = ["post"]
    form_class = None
    context_name = ""

    def act(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                done = self.act(form)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                flash.success(request, done)
                return redirect(next_url(request, reverse("planning_topic", args=[self.topic.pk])))
        return self.render_to_response(self.get_context_data(**{self.context_name: form}))


class DecideView(TopicFormPost):
    form_class = DecideForm
    context_name = "decide_form"

    def act(self, form):
        topic = services.decide_topic(
            self.request.user, self.topic, form.cleaned_data["decision"], form.cleaned_data["comment"]
        )
        return _("“%(title)s”: %(state)s.") % {"title": topic.title, "state": topic.get_state_display()}


class AssignView(TopicFormPost):
    form_class = AssignForm
    context_name = "assign_form"

    def act(self, form):
        data = form.cleaned_data
        assignment = services.assign(
            self.request.user,
            self.topic,
            format=data["format"],
            assignee=data["assignee"],
            deadline=data["deadline"],
            note=data["note"],
        )
        return _("%(format)s assigned to %(name)s.") % {
            "format": assignment.get_format_display(),
            "name": display_name_for(assignment.assignee),
        }


class PlanningAct(ActView):
    """Core's POST-only act; the service's refusal (``PermissionDenied`` with its reason) is shown
    like its other errors, on the screen the form came from."""

    errors = (ValidationError, PermissionDenied)

    def post(self, request, **kwargs):
        permissions.require_view(request.user)
        return super().post(request, **kwargs)

    def run(self, act):
        try:
            return act()
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, ValidationError):
                error.message = _error_text(error)
            else:
                error.message = str(error) or _("You may not do this.")
            raise


class MoveTopicView(PlanningAct):
    """A one-click move of the board (``state`` in the form; a comment when a decision needs one)."""

    def get_object(self, pk):
        return get_object_or_404(Topic, pk=pk)

    def act(self, topic):
        post = self.request.POST
        topic = self.run(
            lambda: services.set_topic_state(
                self.request.user, topic, post.get("state", ""), post.get("comment", "")
            )
        )
        return _("“%(title)s”: %(state)s.") % {"title": topic.title, "state": topic.get_state_display()}

    def default_next(self, topic):
        return reverse("planning_topic", args=[topic.pk])


# --- assignments -----------------------------------------------------------------------------------------


def assignment_acts(user, assignment):
    """The buttons ``user`` gets for ``assignment``: (act, label, primary)."""
    acts = []
    mine = assignment.assignee_id == user.pk
    may_work = permissions.can_work_on(user, assignment)
    may_decide = permissions.can_decide(user, assignment.topic)
    moves = services.ASSIGNMENT_MOVES.get(assignment.state, ())
    if may_work and not assignment.story_id and assignment.state in services.OPEN_ASSIGNMENT:
        acts.append(("write", _("Start writing"), True))
    if mine and AState.ACCEPTED in moves:
        acts.append(("accept", _("Accept"), False))
    if may_work and AState.IN_PROGRESS in moves and assignment.state != AState.FILED:
        acts.append(("start", _("Start work"), False))
    if may_work and assignment.story_id and assignment.state in services.OPEN_ASSIGNMENT:
        acts.append(("file", _("File the story"), False))
    if may_decide and AState.DONE in moves:
        acts.append(("finish", _("Mark done"), False))
    if may_decide and assignment.state not in (AState.DONE, AState.CANCELLED):
        acts.append(("cancel", _("Cancel"), False))
    return acts


class AssignmentActView(PlanningAct):
    def get_object(self, pk, act):
        self.name = act
        if act not in ("accept", "start", "file", "finish", "cancel"):
            raise Http404
        return get_object_or_404(Assignment.objects.select_related("topic", "story"), pk=pk)

    def act(self, assignment):
        return self.run(lambda: self.do(assignment))

    def do(self, assignment):
        user = self.request.user
        if self.name == "accept":
            services.accept_assignment(user, assignment)
            return _("Assignment accepted.")
        if self.name == "start":
            services.start_assignment(user, assignment)
            return _("Assignment started.")
        if self.name == "file":
            if assignment.story is None:
                raise ValidationError(_("Start the story first: no story is linked to this assignment."))
            services.file_story(user, assignment, assignment.story)
            return _("Story filed.")
        if self.name == "finish":
            services.finish_assignment(user, assignment)
            return _("Assignment done.")
        services.cancel_assignment(user, assignment, self.request.POST.get("comment", ""))
        return _("Assignment cancelled.")

    def default_next(self, assignment):
        return reverse("planning_topic", args=[assignment.topic_id])


class StartStoryView(PlanningAct):
    """开始写稿: the draft story is made and the page editor opens on it."""

    def post(self, request, pk):
        permissions.require_view(request.user)
        assignment = get_object_or_404(Assignment.objects.select_related("topic"), pk=pk)
        try:
            story = services.start_story(request.user, assignment)
        except (ValidationError, PermissionDenied) as error:
            flash.error(request, _error_text(error) if isinstance(error, ValidationError) else str(error))
            return redirect(next_url(request, reverse("planning_my_assignments")))
        flash.success(request, _("Draft “%(title)s” started; write it here.") % {"title": story.title})
        return redirect("wagtailadmin_pages:edit", story.pk)


def _assignments():
    return Assignment.objects.select_related(
        "topic", "topic__department", "assignee__staff_profile", "story", "created_by__staff_profile"
    )


class MyAssignmentsView(PlanningPage):
    template_name = "planning/my_assignments.html"
    page_title = gettext_lazy("My assignments")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        show_all = self.request.GET.get("show") == "all"
        rows = _assignments().filter(assignee=user)
        if not show_all:
            rows = rows.exclude(state__in=[AState.DONE, AState.CANCELLED])
        rows = list(rows.order_by("deadline", "pk")[:200])
        for assignment in rows:
            assignment.acts = assignment_acts(user, assignment)
        context.update(
            assignments=rows,
            show_all=show_all,
            overdue_count=Assignment.objects.overdue().filter(assignee=user).count(),
            my_topics=Topic.objects.filter(proposed_by=user)
            .select_related("department")
            .order_by("-created_at")[:20],
        )
        return context


class AssignmentsView(PlanningPage):
    template_name = "planning/assignments.html"
    page_title = gettext_lazy("All assignments")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        get = self.request.GET
        rows = _assignments()
        overdue = get.get("overdue") == "1"
        state = get.get("state", "") if get.get("state", "") in AState.values else ""
        person = id_param(get.get("person"))
        if overdue:
            rows = rows.overdue()
        elif state:
            rows = rows.filter(state=state)
        else:
            rows = rows.exclude(state__in=[AState.DONE, AState.CANCELLED])
        if person:
            rows = rows.filter(assignee_id=person)
        page = page_of(self.request, rows.order_by("deadline", "pk"))
        for assignment in page.object_list:
            assignment.acts = assignment_acts(user, assignment)
        context.update(
            page=page,
            assignments=page.object_list,
            overdue=overdue,
            state=state,
            person=person,
            states=AState.choices,
            people=[(u.pk, display_name_for(u)) for u in planning_staff()],
            overdue_count=Assignment.objects.overdue().count(),
        )
        return context


# --- the events calendar ---------------------------------------------------------------------------------


class CalendarView(PlanningPage):
    template_name = "planning/calendar.html"
    page_title = gettext_lazy("Events calendar")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = parse_date(self.request.GET.get("week") or "") or timezone.localdate()
        start = _week_start(day)
        end = start + datetime.timedelta(days=7)
        events = (
            PlannedEvent.objects.filter(
                Q(starts_at__gte=_local_midnight(start), starts_at__lt=_local_midnight(end))
                | Q(starts_at__lt=_local_midnight(start), ends_at__gte=_local_midnight(start))
            )
            .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("pk")))
            .order_by("starts_at", "pk")
        )
        days = {start + datetime.timedelta(days=n): [] for n in range(7)}
        for event in events:
            first = max(timezone.localtime(event.starts_at).date(), start)
            days[first].append(event)
        context.update(
            days=list(days.items()),
            start=start,
            last_day=end - datetime.timedelta(days=1),
            previous=start - datetime.timedelta(days=7),
            following=end,
            today=timezone.localdate(),
            may_edit=permissions.can_edit_events(self.request.user),
            may_propose=permissions.can_propose(self.request.user),
            export_form=ExportForm(initial={"start": start, "end": end - datetime.timedelta(days=1)}),
        )
        return context


class EventFormView(PlanningPage):
    template_name = "planning/event_form.html"
    parent = ("planning_calendar", gettext_lazy("Events calendar"))
    refusal_message = gettext_lazy(
        "Only editors, directors and the chief editor may change the events calendar (活动日历)."
    )

    def may_see(self, user) -> bool:
        return permissions.can_edit_events(user)

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.event = get_object_or_404(PlannedEvent, pk=pk) if pk else None
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.event.title if self.event else _("New event")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            context["form"] = EventForm(initial=EventForm.initial_for(self.event) if self.event else None)
        context["event"] = self.event
        context["topics"] = list(self.event.topics.order_by("pk")) if self.event else []
        return context

    def post(self, request, *args, **kwargs):
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                event = services.save_event(request.user, self.event, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                flash.success(request, _("Event “%(title)s” saved.") % {"title": event.title})
                week = timezone.localtime(event.starts_at).date().isoformat()
                return redirect(f"{reverse('planning_calendar')}?week={week}")
        return self.render_to_response(self.get_context_data(form=form))


class ExportView(PlanningPage):
    """The events of a date range as an .ics download (a GET that only reads)."""

    def get(self, request, *args, **kwargs):
        form = ExportForm(request.GET)
        if not form.is_valid():
            errors = "; ".join(str(message) for messages in form.errors.values() for message in messages)
            flash.error(request, _("The calendar was not exported: %(errors)s") % {"errors": errors})
            return redirect("planning_calendar")
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        events = PlannedEvent.objects.filter(
            starts_at__gte=_local_midnight(start),
            starts_at__lt=_local_midnight(end + datetime.timedelta(days=1)),
        ).order_by("starts_at", "pk")
        response = HttpResponse(ics.export_calendar(events), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="rongmei-events-{start}-{end}.ics"'
        return response


class ImportView(PlanningPage):
    template_name = "planning/import.html"
    page_title = gettext_lazy("Import events (iCalendar)")
    parent = ("planning_calendar", gettext_lazy("Events calendar"))
    refusal_message = EventFormView.refusal_message

    def may_see(self, user) -> bool:
        return permissions.can_edit_events(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        context["max_mb"] = ics.MAX_BYTES // (1024 * 1024)
        return context

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > ics.MAX_BYTES:
                form.add_error(
                    "file",
                    _("The file is too large (at most %(size)s MB).")
                    % {"size": ics.MAX_BYTES // (1024 * 1024)},
                )
            else:
                try:
                    added, updated = ics.import_calendar(request.user, upload.read())
                except ValidationError as error:
                    form.add_error("file", _error_text(error))
                else:
                    flash.success(
                        request,
                        _("Calendar imported: %(added)s events added, %(updated)s updated.")
                        % {"added": added, "updated": updated},
                    )
                    return redirect("planning_calendar")
        return self.render_to_response(self.get_context_data(form=form))
