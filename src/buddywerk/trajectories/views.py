"""Duo pages and their concerns. Each view: guard -> load (scoped) -> validate (form) ->
service -> render (ARCHITECTURE.md 7). Personal data views are audited in the selectors."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.common.forms import errors_to_form, form_submit
from buddywerk.organisations.models import Programme
from buddywerk.referrals import selectors as referral_selectors

from . import concern_services, selectors, services
from .certificate import certificate_for, certificate_pdf
from .duo_pages import concerns_page_url, duo_links
from .enums import MeetingStatus
from .forms import (
    AcknowledgeForm,
    AgreementForm,
    CloseForm,
    ConcernForm,
    DuoStartForm,
    EvaluationForm,
    MeetingEditForm,
    MeetingForm,
    MeetingPlanForm,
    PauseForm,
    WellbeingForm,
)
from .models import Meeting, Trajectory


def _detail(trajectory: Trajectory) -> HttpResponseRedirect:
    return redirect("trajectories:detail", trajectory_uuid=trajectory.uuid)


def _load(request: HttpRequest, trajectory_uuid: UUID) -> Trajectory:
    """The duo in the user's scope (404 otherwise), with its participants."""
    return selectors.trajectory_get(user=request.user, trajectory_uuid=trajectory_uuid)


def render_duo_page(
    request: HttpRequest,
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
    pages). The follow-up app (buddywerk.followup) renders its duo pages with it too."""
    selectors.trajectory_audit_view(user=request.user, trajectory=trajectory, **via)
    extra: dict[str, Any] = {"trajectory": trajectory}
    if names:
        extra["names"] = selectors.participant_names(user=request.user, trajectory=trajectory)
    return render(request, template, {**extra, **context})


def duo_guard(
    request: HttpRequest, trajectory_uuid: UUID, allowed: Callable[[Any, Trajectory], bool]
) -> Trajectory:
    """The duo in the user's scope (404 otherwise) that the policy's `allowed(user, duo)`
    lets them act on (403 otherwise). For the concern pages and the follow-up app's."""
    trajectory = _load(request, trajectory_uuid)
    if not allowed(request.user, trajectory):
        raise PermissionDenied
    return trajectory


class ClosedDuo(Exception):
    pass


def closed_to_detail(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A write page of a closed duo sends the user back to the duo with the reason."""

    @wraps(view)
    def wrapper(request: HttpRequest, trajectory_uuid: UUID, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, trajectory_uuid, **kwargs)
        except ClosedDuo:
            return redirect("trajectories:detail", trajectory_uuid=trajectory_uuid)

    return wrapper


def _refuse_closed(request: HttpRequest, trajectory: Trajectory) -> None:
    """A closed duo is read-only: its forms are not shown; the user goes back to the duo
    with the reason (the services refuse the write anyway)."""
    if trajectory.is_closed:
        messages.error(request, str(services.CLOSED_MESSAGE))
        raise ClosedDuo


def trajectory_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_list_trajectories(request.user):
        raise PermissionDenied
    page = Paginator(selectors.trajectory_list(user=request.user), 50).get_page(
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


def trajectory_start(request: HttpRequest) -> HttpResponse:
    if not policy.can_start_trajectories(request.user):
        raise PermissionDenied
    programmes = Programme.objects.filter(
        pk__in=policy.organisation_ids(request.user, Role.PROGRAMME_COORDINATOR)
    ).order_by("name")
    form = DuoStartForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trajectory = services.trajectory_start(
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
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
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


def trajectory_detail(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = selectors.trajectory_get_for_view(
        user=request.user, trajectory_uuid=trajectory_uuid
    )
    user = request.user
    now = timezone.now()
    meetings = list(selectors.meetings_for(user=user, trajectory=trajectory))
    for meeting in meetings:
        meeting.locked = meeting.is_locked(now)
    is_buddy = policy.is_trajectory_buddy(user, trajectory)
    is_school = policy.is_trajectory_school_staff(user, trajectory)
    participants = selectors.participants_of(trajectory)
    # A family buddy records from a meeting that they introduced the family to a local
    # service (seed 004: the sociale kaart); the network app owns that page.
    service_family = None
    if is_buddy and not trajectory.is_closed:
        service_family = next((p.family for p in participants if p.family_id), None)
    return render(
        request,
        "trajectories/trajectory_detail.html",
        {
            "trajectory": trajectory,
            "agreement": trajectory.agreement,
            "participants": participants,
            "service_family": service_family,
            "full_names": policy.can_see_participant_full_name(user, trajectory),
            "meetings": meetings,
            "charts": selectors.wellbeing_charts(trajectory=trajectory),
            "insurance": trajectory.insurance,
            "transitions": trajectory.transitions.select_related("actor"),
            "consent_problem": services.consent_problem(trajectory),
            "is_buddy": is_buddy,
            "is_school": is_school,
            "can_manage": policy.can_manage_trajectory(user, trajectory),
            "can_log": policy.can_log_meeting(user, trajectory),
            "can_score": policy.can_score_wellbeing(user, trajectory),
            "end_is_near": trajectory.end_is_near(),
            "goodbye_planned": any(m.is_goodbye for m in meetings),
            "can_certificate": policy.can_download_certificate(user, trajectory),
            "can_evaluate": _may_evaluate(user, trajectory, is_buddy=is_buddy),
            # Pages of the apps built on the duo (the follow-up): trajectories/duo_pages.py.
            "duo_links": duo_links(trajectory),
        },
    )


def _may_evaluate(user: Any, trajectory: Trajectory, *, is_buddy: bool) -> bool:
    if not policy.can_evaluate_trajectory(user, trajectory) or trajectory.status == "planned":
        return False
    own = trajectory.buddy_evaluation if is_buddy else trajectory.school_evaluation
    return not (trajectory.is_closed and own)


def agreement_edit(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _load(request, trajectory_uuid)
    if not policy.can_manage_trajectory(request.user, trajectory):
        raise PermissionDenied
    if trajectory.is_closed:
        messages.error(request, str(services.CLOSED_MESSAGE))
        return _detail(trajectory)
    form = AgreementForm(request.POST or None, instance=trajectory.agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                actor=request.user,
                trajectory=trajectory,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("The agreements were saved. The buddy and the school confirm them.")
            )
            return _detail(trajectory)
    return render_duo_page(request, trajectory, "trajectories/agreement_edit.html", {"form": form})


@require_POST
def agreement_confirm(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = selectors.trajectory_get(user=request.user, trajectory_uuid=trajectory_uuid)
    if policy.is_trajectory_buddy(request.user, trajectory):
        side = "buddy"
    elif policy.is_trajectory_school_staff(request.user, trajectory):
        side = "school"
    else:
        raise PermissionDenied
    try:
        services.agreement_confirm(actor=request.user, trajectory=trajectory, side=side)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you: you confirmed the agreements."))
    return _detail(trajectory)


@require_POST
def insurance_confirm(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = selectors.trajectory_get(user=request.user, trajectory_uuid=trajectory_uuid)
    if not policy.is_trajectory_school_staff(request.user, trajectory):
        raise PermissionDenied
    try:
        services.school_insurance_confirm(actor=request.user, trajectory=trajectory)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you: the school's insurance covers this buddy."))
    return _detail(trajectory)


def _guard_log(request: HttpRequest, trajectory_uuid: UUID) -> Trajectory:
    trajectory = _load(request, trajectory_uuid)
    if not policy.can_log_meeting(request.user, trajectory):
        raise PermissionDenied
    _refuse_closed(request, trajectory)
    return trajectory


@closed_to_detail
def meeting_create(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard_log(request, trajectory_uuid)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_log(
                actor=request.user,
                trajectory=trajectory,
                date=data["date"],
                status=data["status"],
                duration_minutes=data["duration_minutes"],
                cancel_reason=data["cancel_reason"],
                topics=data["topics"],
                note=data["note"],
                note_visibility=data["note_visibility"],
                wellbeing=data["wellbeing"],
                is_goodbye=data["is_goodbye"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The meeting was saved. Thank you!"))
            return _detail(trajectory)
    return render_duo_page(
        request,
        trajectory,
        "trajectories/meeting_form.html",
        {"form": form, "title": _("Log a meeting")},
    )


@closed_to_detail
def meeting_plan(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard_log(request, trajectory_uuid)
    form = MeetingPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_plan(actor=request.user, trajectory=trajectory, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The meeting was planned."))
            return _detail(trajectory)
    return render_duo_page(
        request,
        trajectory,
        "trajectories/meeting_form.html",
        {"form": form, "title": _("Plan a meeting")},
    )


@closed_to_detail
def meeting_edit(request: HttpRequest, trajectory_uuid: UUID, meeting_uuid: UUID) -> HttpResponse:
    trajectory = _guard_log(request, trajectory_uuid)
    meeting = get_object_or_404(Meeting, trajectory=trajectory, uuid=meeting_uuid)
    if meeting.is_locked():
        messages.error(request, _("This meeting was logged more than 7 days ago and is locked."))
        return _detail(trajectory)
    planned = meeting.status == MeetingStatus.PLANNED
    initial: dict[str, Any] = {
        "date": meeting.date,
        "status": meeting.status,
        "duration_minutes": meeting.duration_minutes,
        "cancel_reason": meeting.cancel_reason,
        "topics": meeting.topics,
        "note": meeting.note,
        "note_visibility": meeting.note_visibility,
        "is_goodbye": meeting.is_goodbye,
    }
    form = MeetingEditForm(request.POST or None, initial=initial, planned=planned)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                date=data["date"],
                status=data["status"],
                duration_minutes=data["duration_minutes"],
                cancel_reason=data["cancel_reason"],
                topics=data["topics"],
                note=data["note"],
                note_visibility=data["note_visibility"],
                is_goodbye=data["is_goodbye"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return _detail(trajectory)
    return render_duo_page(
        request,
        trajectory,
        "trajectories/meeting_form.html",
        {"form": form, "title": _("Change a meeting")},
    )


def wellbeing_create(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _load(request, trajectory_uuid)
    if not policy.can_score_wellbeing(request.user, trajectory):
        raise PermissionDenied
    if trajectory.is_closed:
        messages.error(request, str(services.CLOSED_MESSAGE))
        return _detail(trajectory)
    participants = selectors.participants_of(trajectory)
    full = policy.can_see_participant_full_name(request.user, trajectory)
    choices = [(str(p.uuid), p.full_name if full else p.first_name) for p in participants]
    form = WellbeingForm(request.POST or None, participants=choices, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        participant = next(p for p in participants if str(p.uuid) == data["participant"])
        try:
            services.wellbeing_record(
                actor=request.user,
                trajectory=trajectory,
                participant=participant,
                moment=data["moment"],
                score=data["score"],
                date=data["date"],
                participant_answer=data["participant_answer"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The well-being score was saved."))
            return _detail(trajectory)
    return render_duo_page(request, trajectory, "trajectories/wellbeing_form.html", {"form": form})


def _guard_manage(request: HttpRequest, trajectory_uuid: UUID) -> Trajectory:
    trajectory = _load(request, trajectory_uuid)
    if not policy.can_manage_trajectory(request.user, trajectory):
        raise PermissionDenied
    _refuse_closed(request, trajectory)
    return trajectory


@closed_to_detail
def trajectory_pause(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard_manage(request, trajectory_uuid)
    form = PauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.trajectory_pause(
                actor=request.user, trajectory=trajectory, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The duo is paused."))
            return _detail(trajectory)
    return render_duo_page(
        request,
        trajectory,
        "trajectories/status_form.html",
        {"form": form, "title": _("Pause the duo")},
    )


@require_POST
@closed_to_detail
def trajectory_resume(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard_manage(request, trajectory_uuid)
    try:
        services.trajectory_resume(actor=request.user, trajectory=trajectory)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The duo is active again."))
    return _detail(trajectory)


@closed_to_detail
def trajectory_close(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard_manage(request, trajectory_uuid)
    form = CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.trajectory_close(
                actor=request.user,
                trajectory=trajectory,
                reason=data["close_reason"],
                closed_on=data["closed_on"],
                note=data["note"],
                final_wellbeing=data["final_wellbeing"],
                rematch_reason=data["rematch_reason"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The duo is closed."))
            return _detail(trajectory)
    return render_duo_page(
        request,
        trajectory,
        "trajectories/status_form.html",
        {"form": form, "title": _("Close the duo")},
    )


def trajectory_evaluate(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """The buddy or the school writes its own short evaluation of the duo."""
    trajectory = _load(request, trajectory_uuid)
    if not policy.can_evaluate_trajectory(request.user, trajectory):
        raise PermissionDenied
    is_buddy = policy.is_trajectory_buddy(request.user, trajectory)
    current = trajectory.buddy_evaluation if is_buddy else trajectory.school_evaluation
    if trajectory.is_closed and current:
        messages.error(request, str(services.CLOSED_MESSAGE))
        return _detail(trajectory)
    form = EvaluationForm(request.POST or None, initial={"text": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.trajectory_evaluate(
                actor=request.user, trajectory=trajectory, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return _detail(trajectory)
    return render_duo_page(
        request,
        trajectory,
        "trajectories/status_form.html",
        {"form": form, "title": _("Evaluate the duo")},
    )


def trajectory_certificate(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """The buddy's certificate of participation as a PDF: no pupil data in it."""
    trajectory = _load(request, trajectory_uuid)
    if not policy.can_download_certificate(request.user, trajectory):
        raise PermissionDenied
    # audited like every page of the duo, although the file names no participant
    selectors.trajectory_audit_view(user=request.user, trajectory=trajectory)
    pdf = certificate_pdf(certificate_for(trajectory))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="buddywerk-certificaat.pdf"'
    return response


# --- Concerns -----------------------------------------------------------------------------


def concern_create(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_guard(request, trajectory_uuid, policy.can_raise_concern)
    form = ConcernForm(request.POST or None)
    if trajectory.is_closed:
        form.add_error(
            None,
            _(
                "This duo is closed: a concern can no longer be raised here. Contact the "
                "programme coordinator directly."
            ),
        )
    if request.method == "POST" and form.is_valid():
        raised = form_submit(
            form,
            lambda: concern_services.concern_raise(
                actor=request.user,
                trajectory=trajectory,
                urgency=form.cleaned_data["urgency"],
                text=form.cleaned_data["text"],
            ),
        )
        if raised is not None:
            messages.success(request, _("The concern was raised. Someone will acknowledge it."))
            return redirect(concerns_page_url(trajectory))
    return render_duo_page(
        request, trajectory, "trajectories/concern_form.html", {"form": form}, names=True
    )


def concern_acknowledge(
    request: HttpRequest, trajectory_uuid: UUID, concern_uuid: UUID
) -> HttpResponse:
    trajectory = _load(request, trajectory_uuid)
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
            return redirect(concerns_page_url(trajectory))
    return render_duo_page(
        request,
        trajectory,
        "trajectories/concern_acknowledge.html",
        {"concern": concern, "form": form},
        names=True,
        concern=concern.uuid,
    )
