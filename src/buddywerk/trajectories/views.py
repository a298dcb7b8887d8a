"""Duo pages and their concerns. Each view: guard -> load (scoped) -> validate (form) ->
service -> render (ARCHITECTURE.md 7). Personal data views are audited in the selectors.

A closed duo is read-only (`policy.duo_is_read_only`): every page that changes a duo goes
through `duo_write_guard`, which sends the user back to the duo with the reason; the
services refuse the write anyway (trajectories/read_only.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.buddies.paths import buddy_path
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import once_made, submit_once
from buddywerk.organisations.models import Programme
from buddywerk.referrals import selectors as referral_selectors

from . import concern_services, selectors, services
from .certificate import certificate_for, certificate_pdf, has_certificate
from .duo_pages import concerns_page_url, duo_links
from .enums import ConcernStatus, MeetingStatus
from .forms import (
    AcknowledgeForm,
    AgreementForm,
    CloseForm,
    ConcernForm,
    ConcernOutcomeForm,
    DuoStartForm,
    EvaluationForm,
    MeetingEditForm,
    MeetingForm,
    MeetingPlanForm,
    PauseForm,
    WellbeingForm,
)
from .models import Concern, Meeting, Trajectory
from .read_only import CLOSED_MESSAGE, CONCERN_CLOSED_MESSAGE

DuoPredicate = Callable[[User, Trajectory], bool]
View = Callable[..., HttpResponse]

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _detail(trajectory: Trajectory) -> HttpResponseRedirect:
    return redirect("trajectories:detail", trajectory_uuid=trajectory.uuid)


def render_duo_page(
    request: AuthenticatedHttpRequest,
    trajectory: Trajectory,
    template: str,
    context: dict[str, Any],
    *,
    names: bool = False,
    **via: Any,
) -> HttpResponse:
    """Render a page of the duo. Showing it (a GET, or a form shown again with its errors)
    is a view of the participants' data, so it is audited: one event per participant, with
    the record shown in `via` (e.g. concern=<uuid>; common/audit.py). `names` adds the
    participants' names as the user may see them (the header of the concern and follow-up
    pages). `read_only` tells the template whether it may offer changes. The follow-up app
    (buddywerk.followup) renders its duo pages with it too."""
    selectors.trajectory_audit_view(user=request.user, trajectory=trajectory, **via)
    extra: dict[str, Any] = {
        "trajectory": trajectory,
        "read_only": policy.duo_is_read_only(trajectory),
    }
    if names:
        extra["names"] = selectors.participant_names(user=request.user, trajectory=trajectory)
    return render(request, template, {**extra, **context})


def duo_guard(
    request: AuthenticatedHttpRequest,
    trajectory_uuid: UUID,
    allowed: DuoPredicate,
    *,
    lean: bool = False,
) -> Trajectory:
    """The duo in the user's scope (404 otherwise), with its participants, that the
    policy's `allowed(user, duo)` lets them act on (403 otherwise); `lean` as in
    `selectors.trajectory_get`."""
    trajectory = selectors.trajectory_get(
        user=request.user, trajectory_uuid=trajectory_uuid, lean=lean
    )
    if not allowed(request.user, trajectory):
        raise PermissionDenied
    return trajectory


class DuoReadOnly(Exception):
    """A page that changes a duo was asked for a closed duo (`duo_write_view` answers)."""

    def __init__(self, trajectory_uuid: UUID, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.trajectory_uuid = trajectory_uuid
        self.message = message


def duo_write_guard(
    request: AuthenticatedHttpRequest,
    trajectory_uuid: UUID,
    allowed: DuoPredicate,
    message: StrOrPromise = CLOSED_MESSAGE,
    *,
    lean: bool = False,
) -> Trajectory:
    """`duo_guard` for a page that changes the duo: a read-only (closed) duo is refused
    with `message` (the view must be wrapped in `duo_write_view`)."""
    trajectory = duo_guard(request, trajectory_uuid, allowed, lean=lean)
    if policy.duo_is_read_only(trajectory):
        raise DuoReadOnly(trajectory.uuid, message)
    return trajectory


def duo_write_view(view: View) -> View:
    """A page that changes a duo sends the user back to a closed duo's page with the
    reason: its forms are not shown, and nothing is changed."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DuoReadOnly as refused:
            messages.error(request, str(refused.message))
            return redirect("trajectories:detail", trajectory_uuid=refused.trajectory_uuid)

    return wrapper


def duo_form_page(
    request: AuthenticatedHttpRequest,
    trajectory: Trajectory,
    form: Any,
    service: Callable[[dict[str, Any]], object],
    *,
    success: str,
    template: str,
    context: dict[str, Any] | None = None,
    done: Callable[[Any], HttpResponse] | None = None,
    names: bool = False,
) -> HttpResponse:
    """The one shape of a form page of a duo: a valid POST calls `service(cleaned_data)`
    through `form_submit` (its refusal is shown on the form and nothing changes); on
    success a message and back to the duo (or to `done(result)`); otherwise the page, with
    the form and its errors."""
    if request.method == "POST" and form.is_valid():
        result = form_submit(form, lambda: service(form.cleaned_data))
        if result is not None:
            once_made(request, result)
            messages.success(request, success)
            return done(result) if done else _detail(trajectory)
    return render_duo_page(
        request, trajectory, template, {"form": form, **(context or {})}, names=names
    )


def _titled_page(
    request: AuthenticatedHttpRequest,
    trajectory: Trajectory,
    form: Any,
    service: Callable[[dict[str, Any]], object],
    *,
    success: str,
    title: str,
    template: str = "trajectories/status_form.html",
) -> HttpResponse:
    """A duo form page whose template takes its title from the view (meetings, status)."""
    return duo_form_page(
        request,
        trajectory,
        form,
        service,
        success=success,
        template=template,
        context={"title": title},
    )


def post_service(
    request: AuthenticatedHttpRequest,
    call: Callable[[], object],
    success: str,
    back: HttpResponse,
) -> HttpResponse:
    """A button that posts to a service without a form: the service's refusal (or
    `success`) is shown as a message on the page the user goes `back` to."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return back


def trajectory_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_list_trajectories(request.user):
        raise PermissionDenied
    page = Paginator(selectors.trajectory_list_rows(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "trajectories/trajectory_list.html",
        {
            "page": page,
            "rows": selectors.trajectory_rows(user=request.user, trajectories=page.object_list),
            "can_start": policy.can_start_trajectories(request.user),
        },
    )


@submit_once
def trajectory_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_start_trajectories(request.user):
        raise PermissionDenied
    programmes = Programme.objects.filter(
        pk__in=selectors.coordinated_programme_ids(request.user)
    ).order_by("name")
    form = DuoStartForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        trajectory = form_submit(
            form,
            lambda: services.trajectory_start(
                actor=request.user,
                programme=data["programme"],
                buddy=data["buddy"],
                referrals=list(data["referrals"]),
                mode=data["mode"],
                place=data["place"],
                weekly_slot=data["weekly_slot"],
                frequency=data["frequency"] or None,
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                coupled_by=data["coupled_by"] or None,
            ),
        )
        if trajectory is not None:
            once_made(request, trajectory)
            messages.success(request, _("The duo was created. Now fill in the agreements."))
            if trajectory.is_shorter_than_advised:
                messages.warning(
                    request,
                    _("This duo is shorter than 6 weeks: a duo starts paying off from 6 weeks."),
                )
            return redirect("trajectories:agreement_edit", trajectory_uuid=trajectory.uuid)
    # the form lists the accepted referrals to choose from by name: each is audited
    referral_selectors.referral_rows(
        user=request.user,
        referrals=form.fields["referrals"].queryset,  # type: ignore[attr-defined]
    )
    return render(request, "trajectories/trajectory_start.html", {"form": form})


def trajectory_detail(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = selectors.trajectory_get_for_view(
        user=request.user, trajectory_uuid=trajectory_uuid
    )
    user = request.user
    now = timezone.now()
    facts = selectors.meeting_facts(trajectory)
    paginator = Paginator(
        selectors.meetings_for(user=user, trajectory=trajectory), selectors.MEETINGS_PER_PAGE
    )
    paginator.count = facts.count  # type: ignore[misc]  # read with the other facts
    meeting_page = paginator.get_page(request.GET.get("page"))
    meetings = list(meeting_page.object_list)
    for meeting in meetings:
        meeting.locked = meeting.is_locked(  # type: ignore[attr-defined]
            now, days=trajectory.programme.correction_days
        )
        meeting.own = meeting.logged_by_id == user.pk  # type: ignore[attr-defined]
    is_buddy = policy.is_trajectory_buddy(user, trajectory)
    read_only = policy.duo_is_read_only(trajectory)
    participants = selectors.participants_of(trajectory)
    # A family buddy records from a meeting that they introduced the family to a local
    # service (seed 004: the sociale kaart); the network app owns that page.
    service_family = None
    if is_buddy and not read_only:
        service_family = next((p.family for p in participants if p.family_id), None)
    return render(
        request,
        "trajectories/trajectory_detail.html",
        {
            "trajectory": trajectory,
            "read_only": read_only,
            "agreement": trajectory.agreement,
            "participants": participants,
            "service_family": service_family,
            "full_names": policy.can_see_participant_full_name(user, trajectory),
            # issue 21: the mentor's or role model's own path, as far as they show it
            "buddy_path": buddy_path(trajectory.buddy)
            if policy.can_see_buddy_path(
                user,
                trajectory.buddy,
                programme_id=trajectory.programme_id,
                school_id=trajectory.school_id,
            )
            else None,
            "meetings": meetings,
            "meeting_page": meeting_page,
            "charts": selectors.wellbeing_charts(trajectory=trajectory),
            "insurance": trajectory.insurance,
            "transitions": trajectory.transitions.select_related("actor"),
            "can_read_safeguarding_reason": policy.can_read_safeguarding_reason(
                user, trajectory.programme
            ),
            "consent_problem": services.consent_problem(trajectory),
            "is_buddy": is_buddy,
            "is_school": policy.is_trajectory_school_staff(user, trajectory),
            "can_manage": policy.can_manage_trajectory(user, trajectory),
            "can_log": policy.can_log_meeting(user, trajectory),
            "can_score": policy.can_score_wellbeing(user, trajectory),
            "can_raise": policy.can_raise_concern(user, trajectory),
            "end_is_near": trajectory.end_is_near(),
            "goodbye_planned": facts.goodbye,
            "can_certificate": policy.can_download_certificate(user, trajectory)
            and has_certificate(trajectory, held=facts.held),
            "can_evaluate": policy.can_write_evaluation(user, trajectory),
            # Pages of the apps built on the duo (the follow-up): trajectories/duo_pages.py.
            "duo_links": duo_links(trajectory, user),
            "can_family_contact": policy.can_record_family_contact(user, trajectory),
        },
    )


@duo_write_view
def agreement_edit(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_manage_trajectory)
    form = AgreementForm(request.POST or None, instance=trajectory.agreement)
    return duo_form_page(
        request,
        trajectory,
        form,
        lambda data: services.agreement_update(
            actor=request.user,
            trajectory=trajectory,
            **{name: data[name] for name in AgreementForm.Meta.fields},
        ),
        success=_("The agreements were saved. The buddy and the school confirm them."),
        template="trajectories/status_form.html",
        context={
            "title": _("Agreements"),
            "intro": _(
                "Fill in the frame of this duo. After a change, the buddy and the school "
                "confirm the agreements again."
            ),
        },
    )


@require_POST
@duo_write_view
def agreement_confirm(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_confirm_agreements)
    side = "buddy" if policy.is_trajectory_buddy(request.user, trajectory) else "school"
    return post_service(
        request,
        lambda: services.agreement_confirm(actor=request.user, trajectory=trajectory, side=side),
        _("Thank you: you confirmed the agreements."),
        _detail(trajectory),
    )


@require_POST
@duo_write_view
def insurance_confirm(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_confirm_school_insurance)
    return post_service(
        request,
        lambda: services.school_insurance_confirm(actor=request.user, trajectory=trajectory),
        _("Thank you: the school's insurance covers this buddy."),
        _detail(trajectory),
    )


# What a meeting's form and its services share (the new meeting adds a well-being score).
MEETING_FIELDS = (
    "date",
    "status",
    "duration_minutes",
    "cancel_reason",
    "topics",
    "note",
    "note_visibility",
    "is_goodbye",
)


@duo_write_view
@submit_once
def meeting_create(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    # The empty form shows nothing of the duo: read it lean; the service reads the rest.
    trajectory = duo_write_guard(
        request, trajectory_uuid, policy.can_log_meeting, lean=request.method != "POST"
    )
    return _titled_page(
        request,
        trajectory,
        MeetingForm(request.POST or None),
        lambda data: services.meeting_log(
            actor=request.user,
            trajectory=trajectory,
            wellbeing=data["wellbeing"],
            **{name: data[name] for name in MEETING_FIELDS},
        ),
        success=_("The meeting was saved. Thank you!"),
        title=_("Log a meeting"),
        template="trajectories/phone_form.html",
    )


@duo_write_view
@submit_once
def meeting_plan(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_log_meeting)
    return _titled_page(
        request,
        trajectory,
        MeetingPlanForm(request.POST or None),
        lambda data: services.meeting_plan(actor=request.user, trajectory=trajectory, **data),
        success=_("The meeting was planned."),
        title=_("Plan a meeting"),
        template="trajectories/phone_form.html",
    )


@duo_write_view
def meeting_edit(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, meeting_uuid: UUID
) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_log_meeting)
    meeting = get_object_or_404(Meeting, trajectory=trajectory, uuid=meeting_uuid)
    if meeting.is_locked(days=trajectory.programme.correction_days):
        messages.error(
            request, _("This meeting can no longer be changed: the days to correct it are over.")
        )
        return _detail(trajectory)
    form = MeetingEditForm(
        request.POST or None,
        initial={name: getattr(meeting, name) for name in MEETING_FIELDS},
        planned=meeting.status == MeetingStatus.PLANNED,
    )
    return _titled_page(
        request,
        trajectory,
        form,
        lambda data: services.meeting_update(
            actor=request.user,
            meeting=meeting,
            **{name: data[name] for name in MEETING_FIELDS},
        ),
        success=_("The meeting was saved."),
        title=_("Change a meeting"),
        template="trajectories/phone_form.html",
    )


@duo_write_view
@submit_once
def wellbeing_create(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_score_wellbeing)
    participants = selectors.participants_of(trajectory)
    full = policy.can_see_participant_full_name(request.user, trajectory)
    choices = [(str(p.uuid), p.full_name if full else p.first_name) for p in participants]
    form = WellbeingForm(request.POST or None, participants=choices, today=timezone.localdate())

    def record(data: dict[str, Any]) -> object:
        participant = next(p for p in participants if str(p.uuid) == data["participant"])
        return services.wellbeing_record(
            actor=request.user,
            trajectory=trajectory,
            participant=participant,
            moment=data["moment"],
            score=data["score"],
            date=data["date"],
            participant_answer=data["participant_answer"],
        )

    return duo_form_page(
        request,
        trajectory,
        form,
        record,
        success=_("The well-being score was saved."),
        template="trajectories/phone_form.html",
        context={
            "title": _("Score well-being"),
            "intro": _(
                "The Leuven well-being scale (Laevers): 1 very low to 5 very high. For the "
                "pupil's own answer, let them point at a smiley from 1 (very sad) to 5 (very "
                "happy)."
            ),
        },
    )


@duo_write_view
def trajectory_pause(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_manage_trajectory)
    return _titled_page(
        request,
        trajectory,
        PauseForm(request.POST or None),
        lambda data: services.trajectory_pause(
            actor=request.user, trajectory=trajectory, reason=data["reason"]
        ),
        success=_("The duo is paused."),
        title=_("Pause the duo"),
    )


@require_POST
@duo_write_view
def trajectory_resume(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_manage_trajectory)
    return post_service(
        request,
        lambda: services.trajectory_resume(actor=request.user, trajectory=trajectory),
        _("The duo is active again."),
        _detail(trajectory),
    )


@duo_write_view
def trajectory_close(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(request, trajectory_uuid, policy.can_manage_trajectory)
    return _titled_page(
        request,
        trajectory,
        CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()}),
        lambda data: services.trajectory_close(
            actor=request.user,
            trajectory=trajectory,
            reason=data["close_reason"],
            closed_on=data["closed_on"],
            note=data["note"],
            final_wellbeing=data["final_wellbeing"],
            rematch_reason=data["rematch_reason"],
        ),
        success=_("The duo is closed."),
        title=_("Close the duo"),
    )


def trajectory_evaluate(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """The buddy or the school writes its own short evaluation of the duo (once more after
    the closure if it had not: `policy.can_write_evaluation`)."""
    trajectory = duo_guard(request, trajectory_uuid, policy.can_evaluate_trajectory)
    if not policy.can_write_evaluation(request.user, trajectory):
        messages.error(request, str(CLOSED_MESSAGE))
        return _detail(trajectory)
    is_buddy = policy.is_trajectory_buddy(request.user, trajectory)
    current = trajectory.buddy_evaluation if is_buddy else trajectory.school_evaluation
    return _titled_page(
        request,
        trajectory,
        EvaluationForm(request.POST or None, initial={"text": current}),
        lambda data: services.trajectory_evaluate(
            actor=request.user, trajectory=trajectory, text=data["text"]
        ),
        success=_("Thank you for your evaluation."),
        title=_("Evaluate the duo"),
    )


def trajectory_certificate(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID
) -> HttpResponse:
    """The buddy's certificate of participation as a PDF: no pupil data in it."""
    trajectory = duo_guard(request, trajectory_uuid, policy.can_download_certificate)
    if not has_certificate(trajectory):
        raise Http404
    # audited like every page of the duo, although the file names no participant
    selectors.trajectory_audit_view(user=request.user, trajectory=trajectory)
    pdf = certificate_pdf(certificate_for(trajectory))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="buddywerk-certificaat.pdf"'
    return response


# --- Concerns -----------------------------------------------------------------------------


@duo_write_view
@submit_once
def concern_create(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_write_guard(
        request, trajectory_uuid, policy.can_raise_concern, CONCERN_CLOSED_MESSAGE
    )
    return duo_form_page(
        request,
        trajectory,
        ConcernForm(request.POST or None),
        lambda data: concern_services.concern_raise(
            actor=request.user, trajectory=trajectory, urgency=data["urgency"], text=data["text"]
        ),
        success=_("The concern was raised. Someone will acknowledge it."),
        template="trajectories/concern_form.html",
        done=lambda _concern: redirect(concerns_page_url(trajectory)),
        names=True,
    )


def concern_acknowledge(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, concern_uuid: UUID
) -> HttpResponse:
    """An open concern is acknowledged also on a closed duo (safeguarding does not stop at
    the closure: `policy.duo_is_read_only`)."""
    trajectory = selectors.trajectory_get(user=request.user, trajectory_uuid=trajectory_uuid)
    concern = selectors.concern_get(trajectory=trajectory, concern_uuid=concern_uuid)
    if not policy.can_acknowledge_concern(request.user, concern):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        acknowledged = form_submit(
            form,
            lambda: concern_services.concern_acknowledge(
                actor=request.user, concern=concern, note=form.cleaned_data["note"]
            ),
        )
        if acknowledged is not None:
            messages.success(request, _("You acknowledged the concern."))
            # back to where it was acknowledged: the concern's own page, or the duo's list
            if request.POST.get("from") == "concern":
                return _concern_page(concern)
            return redirect(concerns_page_url(trajectory))
    return render_duo_page(
        request,
        trajectory,
        "trajectories/concern_acknowledge.html",
        {"concern": concern, "form": form},
        names=True,
        concern=concern.uuid,
    )


# A concern is a case (issue 13, point 5): its page shows what was noticed, its steps and
# who saw it; each step is one POST endpoint. Like the acknowledgement, the outcome and the
# closing stay open on a closed duo: safeguarding outlives the duo (policy.duo_is_read_only).


def _concern_page(concern: Concern) -> HttpResponseRedirect:
    return redirect(
        "trajectories:concern_detail",
        trajectory_uuid=concern.trajectory.uuid,
        concern_uuid=concern.uuid,
    )


def _concern_in_scope(
    request: AuthenticatedHttpRequest,
    trajectory_uuid: UUID,
    concern_uuid: UUID,
    allowed: Callable[[User, Concern], bool],
) -> Concern:
    """The concern of a duo in the user's scope (404 otherwise, for the duo or the concern)
    that the policy lets the user act on (403 otherwise)."""
    trajectory = selectors.trajectory_get(user=request.user, trajectory_uuid=trajectory_uuid)
    concern = selectors.concern_get(trajectory=trajectory, concern_uuid=concern_uuid)
    if not allowed(request.user, concern):
        raise PermissionDenied
    return concern


def _render_concern(
    request: AuthenticatedHttpRequest, concern: Concern, outcome_form: ConcernOutcomeForm | None
) -> HttpResponse:
    user = request.user
    with_views = policy.can_see_concern_history(user, concern)
    can_ack = concern.is_open and policy.can_acknowledge_concern(user, concern)
    can_outcome = not concern.is_closed and not concern.is_open
    can_outcome = can_outcome and policy.can_record_concern_outcome(user, concern)
    if outcome_form is None and can_outcome:
        outcome_form = ConcernOutcomeForm(
            initial={"outcome": concern.outcome, "note": concern.outcome_note}
        )
    return render_duo_page(
        request,
        concern.trajectory,
        "trajectories/concern_detail.html",
        {
            "concern": concern,
            # read while rendering, after this view was audited: the page shows itself too
            "history": SimpleLazyObject(
                lambda: selectors.concern_history(concern=concern, with_views=with_views)
            ),
            "with_views": with_views,
            "can_ack": can_ack,
            "ack_form": AcknowledgeForm() if can_ack else None,
            "outcome_form": outcome_form if can_outcome else None,
            "can_close": concern.status == ConcernStatus.OUTCOME_RECORDED
            and policy.can_close_concern(user, concern),
            "back": concerns_page_url(concern.trajectory),
        },
        names=True,
        concern=concern.uuid,
    )


def concern_detail(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, concern_uuid: UUID
) -> HttpResponse:
    """The concern's page: audited as a view of each child of the duo (concern=<uuid>)."""
    concern = _concern_in_scope(request, trajectory_uuid, concern_uuid, policy.can_view_concern)
    return _render_concern(request, concern, None)


@require_POST
def concern_outcome(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, concern_uuid: UUID
) -> HttpResponse:
    """Record (or correct, until the closing) what was done about the concern."""
    concern = _concern_in_scope(
        request, trajectory_uuid, concern_uuid, policy.can_record_concern_outcome
    )
    form = ConcernOutcomeForm(request.POST)
    if form.is_valid():
        done = form_submit(
            form,
            lambda: concern_services.concern_record_outcome(
                actor=request.user,
                concern=concern,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("The outcome was recorded."))
            return _concern_page(concern)
    if form.non_field_errors():
        # refused as a whole (not acknowledged yet, already closed): the page says why
        for message in form.non_field_errors():
            messages.error(request, str(message))
        return _concern_page(concern)
    # shown again with its errors (a view of the duo's data, audited like the page)
    return _render_concern(request, concern, form)


@require_POST
def concern_close(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, concern_uuid: UUID
) -> HttpResponse:
    """A coordinator of the programme closes the case once it has an outcome; a refusal
    (no outcome yet, already closed) comes back as a message and changes nothing."""
    concern = _concern_in_scope(request, trajectory_uuid, concern_uuid, policy.can_close_concern)
    try:
        concern_services.concern_close(actor=request.user, concern=concern)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The concern is closed."))
    return _concern_page(concern)
