"""Follow-up pages of a duo: tandem thread (R11), kijkwijzer (R12), check-ins,
relationship surveys, the duo's follow-up page (with its concerns, which trajectories
raises and acknowledges), and the coordinator's overview with every duo's health.

Each view: guard -> load (scoped, 404 outside the user's scope) -> validate (form) ->
service -> render (ARCHITECTURE.md 7). Pages with personal data are audited.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common.audit import audit_view_many
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import submit_once
from buddywerk.organisations.models import Programme
from buddywerk.trajectories.models import Trajectory
from buddywerk.trajectories.read_only import FOLLOWUP_CLOSED_MESSAGE
from buddywerk.trajectories.selectors import concerns_of, coordinated_programme_ids, seen_in
from buddywerk.trajectories.views import (
    duo_form_page,
    duo_guard,
    duo_write_guard,
    duo_write_view,
    post_service,
    render_duo_page,
)

from . import selectors, services, tandem_services
from .forms import (
    CheckInForm,
    CriterionForm,
    ObservationForm,
    SurveyForm,
    TandemNoteForm,
)
from .models import ObservationCriterion, SurveyRespondent


def _followup(trajectory: Trajectory) -> HttpResponse:
    return redirect("followup:duo", trajectory_uuid=trajectory.uuid)


def _write_guard(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> Trajectory:
    """A write of the programme's follow-up (R12) on a duo that is not read-only."""
    return duo_write_guard(
        request, trajectory_uuid, policy.can_follow_up_duo, FOLLOWUP_CLOSED_MESSAGE
    )


# --- The duo's follow-up page -----------------------------------------------------------


def duo_followup(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """Concerns and surveys for everyone in the duo; health, kijkwijzers, actions and
    check-ins for the programme."""
    trajectory = duo_guard(request, trajectory_uuid, policy.can_read_tandem)
    user = request.user
    can_read_followup = policy.can_read_followup(user, trajectory)
    concerns = concerns_of(trajectory=trajectory)
    for concern in concerns:
        concern.can_ack = concern.is_open and policy.can_acknowledge_concern(user, concern)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "concerns": concerns,
        "can_raise": policy.can_raise_concern(user, trajectory),
        "can_read_followup": can_read_followup,
        "can_follow_up": policy.can_follow_up_duo(user, trajectory),
        "surveys": selectors.surveys_of(user=user, trajectory=trajectory),
        "surveys_due": selectors.surveys_due(trajectory=trajectory),
        "can_answer_buddy": policy.can_answer_survey(user, trajectory, "buddy"),
        "can_answer_participant": policy.can_answer_survey(user, trajectory, "participant"),
    }
    if can_read_followup:
        context.update(
            {
                "state": selectors.duo_followup(trajectory=trajectory),
                "observations": selectors.observations_of(trajectory=trajectory),
                "actions": selectors.actions_of(trajectory=trajectory),
                "checkins": selectors.checkins_of(trajectory=trajectory),
                "today": timezone.localdate(),
            }
        )
    return render_duo_page(request, trajectory, "followup/duo_followup.html", context, names=True)


# --- Tandem (R11) -------------------------------------------------------------------------


@duo_write_view
@submit_once
def tandem(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """The tandem thread; its two sides write in it while the duo is not read-only."""
    if request.method == "POST":
        trajectory = duo_write_guard(
            request, trajectory_uuid, policy.can_write_tandem_note, FOLLOWUP_CLOSED_MESSAGE
        )
    else:
        trajectory = duo_guard(request, trajectory_uuid, policy.can_read_tandem)
    form = None
    if policy.can_write_tandem_note(request.user, trajectory) and not policy.duo_is_read_only(
        trajectory
    ):
        form = TandemNoteForm(
            request.POST or None, buddy=policy.is_trajectory_buddy(request.user, trajectory)
        )
    notes = list(selectors.tandem_notes_of(trajectory=trajectory))
    # Issue 16: the author corrects or deletes a note within the programme's correction days.
    writable = form is not None
    for note in notes:
        note.trajectory = trajectory  # the programme's window, without a query per note
        note.correctable = (  # type: ignore[attr-defined]
            writable
            and note.author_id == request.user.pk
            and tandem_services.tandem_note_correctable(note)
        )
    context = {"notes": notes}
    if form is None:
        return render_duo_page(
            request, trajectory, "followup/tandem.html", {**context, "form": None}, names=True
        )
    return duo_form_page(
        request,
        trajectory,
        form,
        lambda data: services.tandem_note_add(
            actor=request.user,
            trajectory=trajectory,
            text=data["text"],
            kind=data.get("kind") or "note",
        ),
        success=_("Your note was sent. The other side gets a mail."),
        template="followup/tandem.html",
        context=context,
        done=lambda _note: redirect("followup:tandem", trajectory_uuid=trajectory.uuid),
        names=True,
    )


# --- Kijkwijzer (R12) ---------------------------------------------------------------------


@duo_write_view
@submit_once
def observation_create(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _write_guard(request, trajectory_uuid)
    form = ObservationForm(
        request.POST or None, criteria=services.observation_criteria_for(trajectory.programme)
    )
    return duo_form_page(
        request,
        trajectory,
        form,
        lambda _data: services.observation_record(
            actor=request.user, trajectory=trajectory, **form.service_arguments()
        ),
        success=_("The kijkwijzer was saved."),
        template="followup/observation_form.html",
        done=lambda observation: redirect(
            "followup:observation_detail",
            trajectory_uuid=trajectory.uuid,
            observation_uuid=observation.uuid,
        ),
        names=True,
    )


def observation_detail(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, observation_uuid: UUID
) -> HttpResponse:
    trajectory = duo_guard(request, trajectory_uuid, policy.can_read_followup)
    observation = selectors.observation_get(
        trajectory=trajectory, observation_uuid=observation_uuid
    )
    return render_duo_page(
        request,
        trajectory,
        "followup/observation_detail.html",
        {
            "observation": observation,
            "can_follow_up": policy.can_follow_up_duo(request.user, trajectory),
            "today": timezone.localdate(),
        },
        names=True,
        observation=observation.uuid,
    )


@require_POST
@duo_write_view
def action_done(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, action_uuid: UUID
) -> HttpResponse:
    trajectory = _write_guard(request, trajectory_uuid)
    action = selectors.action_get(trajectory=trajectory, action_uuid=action_uuid)
    return post_service(
        request,
        lambda: services.action_done(actor=request.user, action=action),
        _("The action is marked as done."),
        _followup(trajectory),
    )


# --- Check-ins ----------------------------------------------------------------------------


@duo_write_view
@submit_once
def checkin_create(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _write_guard(request, trajectory_uuid)
    return duo_form_page(
        request,
        trajectory,
        CheckInForm(request.POST or None, today=timezone.localdate()),
        lambda data: services.checkin_record(actor=request.user, trajectory=trajectory, **data),
        success=_("The check-in was saved."),
        template="trajectories/phone_form.html",
        context={"title": _("Record a check-in")},
        done=lambda _checkin: _followup(trajectory),
        names=True,
    )


# --- Relationship survey ------------------------------------------------------------------


@duo_write_view
@submit_once
def survey_create(
    request: AuthenticatedHttpRequest, trajectory_uuid: UUID, respondent: str
) -> HttpResponse:
    if respondent not in SurveyRespondent.values:
        raise Http404

    def may_answer(user: User, trajectory: Trajectory) -> bool:
        return policy.can_answer_survey(user, trajectory, respondent)

    trajectory = duo_write_guard(request, trajectory_uuid, may_answer, FOLLOWUP_CLOSED_MESSAGE)
    form = SurveyForm(request.POST or None, respondent=respondent)
    title = (
        _("How is our bond? (buddy)")
        if respondent == SurveyRespondent.BUDDY
        else _("How is our bond? (participant or parent)")
    )
    return duo_form_page(
        request,
        trajectory,
        form,
        lambda data: services.survey_record(
            actor=request.user,
            trajectory=trajectory,
            respondent=respondent,
            moment=data["moment"],
            answers=form.answers(),
        ),
        success=_("Thank you: the answers were saved."),
        template="trajectories/phone_form.html",
        context={
            "title": title,
            "intro": _(
                "Read each sentence and choose how true it is, from 1 (not true at all) to "
                "5 (completely true)."
            ),
        },
        done=lambda _survey: _followup(trajectory),
        names=True,
    )


# --- The coordinator's overview ---------------------------------------------------------


def followup_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every running duo of the coordinator's programmes with its health and flags."""
    if not policy.can_view_followup_overview(request.user):
        raise PermissionDenied
    rows = selectors.followup_overview(user=request.user)
    # The overview names the participants of every running duo: one event per participant
    # (their participants are prefetched), in one INSERT.
    audit_view_many(
        actor=request.user, targets=[s for row in rows for s in seen_in(row.trajectory)]
    )
    return render(
        request,
        "followup/overview.html",
        {"rows": rows, "today": timezone.localdate()},
    )


# --- The programme's kijkwijzer criteria (R12) -----------------------------------------


def _coordinated_programmes(request: AuthenticatedHttpRequest) -> list[Programme]:
    """The programmes whose kijkwijzer the user sets (403 for anyone else)."""
    if not policy.can_view_followup_overview(request.user):
        raise PermissionDenied
    return list(
        Programme.objects.filter(pk__in=coordinated_programme_ids(request.user)).order_by("name")
    )


def criteria_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's kijkwijzer criteria per programme; a POST adds one (the default
    list is filled in the first time)."""
    programmes = _coordinated_programmes(request)
    form = CriterionForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("programme", programmes[0].pk)
        programme = next(p for p in programmes if p.pk == chosen)
        added = form_submit(
            form,
            lambda: services.observation_criterion_add(
                actor=request.user, programme=programme, label=form.cleaned_data["label"]
            ),
        )
        if added is not None:
            messages.success(request, _("The kijkwijzer was changed."))
            return redirect("followup:criteria_edit")
    sets = []
    for programme in programmes:
        services.observation_criteria_for(programme)  # the default list, the first time
        sets.append((programme, list(ObservationCriterion.objects.filter(programme=programme))))
    return render(request, "followup/criteria.html", {"sets": sets, "form": form})


@require_POST
def criterion_toggle(request: AuthenticatedHttpRequest, criterion_id: int) -> HttpResponse:
    """Take a criterion of one of the user's programmes out of use, or use it again (404
    for a criterion of another programme)."""
    programmes = _coordinated_programmes(request)
    criterion = get_object_or_404(ObservationCriterion, pk=criterion_id, programme__in=programmes)
    return post_service(
        request,
        lambda: services.observation_criterion_toggle(actor=request.user, criterion=criterion),
        _("The kijkwijzer was changed."),
        redirect("followup:criteria_edit"),
    )
