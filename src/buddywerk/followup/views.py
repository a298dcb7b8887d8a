"""Follow-up pages of a duo: tandem thread (R11), concerns, kijkwijzer (R12), check-ins,
relationship surveys, and the coordinator's overview with every duo's health.

Each view: guard -> load (scoped, 404 outside the user's scope) -> validate (form) ->
service -> render (ARCHITECTURE.md 7). Pages with personal data are audited.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buddywerk.access import policy
from buddywerk.common.audit import audit_view_many
from buddywerk.common.forms import errors_to_form
from buddywerk.organisations.models import Programme

from . import followup_selectors as selectors
from . import followup_services as services
from .followup_forms import (
    AcknowledgeForm,
    CheckInForm,
    ConcernForm,
    CriterionForm,
    ObservationForm,
    SurveyForm,
    TandemNoteForm,
)
from .followup_models import ObservationCriterion, SurveyRespondent
from .models import Trajectory
from .selectors import participant_names, seen_in, trajectory_audit_view, trajectory_get


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _followup(trajectory: Trajectory) -> HttpResponse:
    return redirect("trajectories:followup", trajectory_uuid=trajectory.uuid)


def _names(request: HttpRequest, trajectory: Trajectory) -> str:
    return participant_names(user=request.user, trajectory=trajectory)


def _render(
    request: HttpRequest,
    trajectory: Trajectory,
    template: str,
    context: dict[str, object],
    **via: object,
) -> HttpResponse:
    """Render a follow-up page of the duo. It names the participants (and shows what was
    noticed about them), so showing it, on a GET or again with a form's errors, is audited:
    one event per participant, with the record shown in `via` (common/audit.py)."""
    trajectory_audit_view(user=request.user, trajectory=trajectory, **via)
    return render(
        request,
        template,
        {"trajectory": trajectory, "names": _names(request, trajectory), **context},
    )


def _guard(request: HttpRequest, trajectory_uuid: UUID, allowed) -> Trajectory:  # type: ignore[no-untyped-def]
    trajectory = trajectory_get(user=request.user, trajectory_uuid=trajectory_uuid)
    if not allowed(request.user, trajectory):
        raise PermissionDenied
    return trajectory


# --- The duo's follow-up page -----------------------------------------------------------


def duo_followup(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """Concerns and surveys for everyone in the duo; health, kijkwijzers, actions and
    check-ins for the programme."""
    trajectory = _guard(request, trajectory_uuid, policy.can_read_tandem)
    user = request.user
    follows_up = policy.can_follow_up_duo(user, trajectory) or policy.is_platform_admin(user)
    concerns = selectors.concerns_of(trajectory=trajectory)
    for concern in concerns:
        concern.can_ack = concern.is_open and policy.can_acknowledge_concern(user, concern)
    context = {
        "concerns": concerns,
        "can_raise": policy.can_raise_concern(user, trajectory) and not trajectory.is_closed,
        "follows_up": follows_up,
        "can_follow_up": policy.can_follow_up_duo(user, trajectory) and not trajectory.is_closed,
        "surveys": selectors.surveys_of(user=user, trajectory=trajectory),
        "surveys_due": selectors.surveys_due(trajectory=trajectory),
        "can_answer_buddy": policy.can_answer_survey(user, trajectory, "buddy"),
        "can_answer_participant": policy.can_answer_survey(user, trajectory, "participant"),
    }
    if follows_up:
        context.update(
            {
                "state": selectors.duo_followup(trajectory=trajectory),
                "observations": selectors.observations_of(trajectory=trajectory),
                "actions": selectors.actions_of(trajectory=trajectory),
                "checkins": selectors.checkins_of(trajectory=trajectory),
                "today": timezone.localdate(),
            }
        )
    return _render(request, trajectory, "trajectories/followup/duo_followup.html", context)


# --- Tandem (R11) -------------------------------------------------------------------------


def tandem(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard(request, trajectory_uuid, policy.can_read_tandem)
    can_write = policy.can_write_tandem_note(request.user, trajectory) and not trajectory.is_closed
    form = None
    if can_write:
        form = TandemNoteForm(
            request.POST or None, buddy=policy.is_trajectory_buddy(request.user, trajectory)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.tandem_note_add(
                    actor=request.user,
                    trajectory=trajectory,
                    text=form.cleaned_data["text"],
                    kind=form.cleaned_data.get("kind") or "note",
                    base_url=_base_url(request),
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Your note was sent. The other side gets a mail."))
                return redirect("trajectories:tandem", trajectory_uuid=trajectory.uuid)
    return _render(
        request,
        trajectory,
        "trajectories/followup/tandem.html",
        {"notes": selectors.tandem_notes_of(trajectory=trajectory), "form": form},
    )


# --- Concerns -----------------------------------------------------------------------------


def concern_create(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard(request, trajectory_uuid, policy.can_raise_concern)
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
        try:
            services.concern_raise(
                actor=request.user,
                trajectory=trajectory,
                urgency=form.cleaned_data["urgency"],
                text=form.cleaned_data["text"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The concern was raised. Someone will acknowledge it."))
            return _followup(trajectory)
    return _render(request, trajectory, "trajectories/followup/concern_form.html", {"form": form})


def concern_acknowledge(
    request: HttpRequest, trajectory_uuid: UUID, concern_uuid: UUID
) -> HttpResponse:
    trajectory = trajectory_get(user=request.user, trajectory_uuid=trajectory_uuid)
    concern = selectors.concern_get(
        user=request.user, trajectory=trajectory, concern_uuid=concern_uuid
    )
    if not policy.can_acknowledge_concern(request.user, concern):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_acknowledge(
                actor=request.user, concern=concern, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("You acknowledged the concern."))
            return _followup(trajectory)
    return _render(
        request,
        trajectory,
        "trajectories/followup/concern_acknowledge.html",
        {"concern": concern, "form": form},
        concern=concern.uuid,
    )


# --- Kijkwijzer (R12) ---------------------------------------------------------------------


def observation_create(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard(request, trajectory_uuid, policy.can_follow_up_duo)
    criteria = services.observation_criteria_for(trajectory.programme)
    form = ObservationForm(request.POST or None, criteria=criteria)
    if trajectory.is_closed:
        form.add_error(
            None, _("This duo is closed; nothing can be added to its follow-up anymore.")
        )
    if request.method == "POST" and form.is_valid():
        try:
            observation = services.observation_record(
                actor=request.user, trajectory=trajectory, **form.service_arguments()
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The kijkwijzer was saved."))
            return redirect(
                "trajectories:observation_detail",
                trajectory_uuid=trajectory.uuid,
                observation_uuid=observation.uuid,
            )
    return _render(
        request, trajectory, "trajectories/followup/observation_form.html", {"form": form}
    )


def observation_detail(
    request: HttpRequest, trajectory_uuid: UUID, observation_uuid: UUID
) -> HttpResponse:
    trajectory = _guard(
        request,
        trajectory_uuid,
        lambda user, t: policy.can_follow_up_duo(user, t) or policy.is_platform_admin(user),
    )
    observation = selectors.observation_get(
        trajectory=trajectory, observation_uuid=observation_uuid
    )
    return _render(
        request,
        trajectory,
        "trajectories/followup/observation_detail.html",
        {
            "observation": observation,
            "can_follow_up": policy.can_follow_up_duo(request.user, trajectory),
            "today": timezone.localdate(),
        },
        observation=observation.uuid,
    )


@require_POST
def action_done(request: HttpRequest, trajectory_uuid: UUID, action_uuid: UUID) -> HttpResponse:
    trajectory = _guard(request, trajectory_uuid, policy.can_follow_up_duo)
    action = selectors.action_get(trajectory=trajectory, action_uuid=action_uuid)
    services.action_done(actor=request.user, action=action)
    messages.success(request, _("The action is marked as done."))
    return _followup(trajectory)


# --- Check-ins ----------------------------------------------------------------------------


def checkin_create(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _guard(request, trajectory_uuid, policy.can_follow_up_duo)
    form = CheckInForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_record(actor=request.user, trajectory=trajectory, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The check-in was saved."))
            return _followup(trajectory)
    return _render(
        request,
        trajectory,
        "trajectories/followup/simple_form.html",
        {"form": form, "title": _("Record a check-in")},
    )


# --- Relationship survey ------------------------------------------------------------------


def survey_create(request: HttpRequest, trajectory_uuid: UUID, respondent: str) -> HttpResponse:
    if respondent not in SurveyRespondent.values:
        raise Http404
    trajectory = _guard(
        request,
        trajectory_uuid,
        lambda user, t: policy.can_answer_survey(user, t, respondent),
    )
    form = SurveyForm(request.POST or None, respondent=respondent)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_record(
                actor=request.user,
                trajectory=trajectory,
                respondent=respondent,
                moment=form.cleaned_data["moment"],
                answers=form.answers(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you: the answers were saved."))
            return _followup(trajectory)
    title = (
        _("How is our bond? (buddy)")
        if respondent == SurveyRespondent.BUDDY
        else _("How is our bond? (participant or parent)")
    )
    return _render(
        request,
        trajectory,
        "trajectories/followup/simple_form.html",
        {
            "form": form,
            "title": title,
            "intro": _(
                "Read each sentence and choose how true it is, from 1 (not true at all) to "
                "5 (completely true)."
            ),
        },
    )


# --- The coordinator's overview ---------------------------------------------------------


def followup_overview(request: HttpRequest) -> HttpResponse:
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
        "trajectories/followup/overview.html",
        {"rows": rows, "today": timezone.localdate()},
    )


# --- The programme's kijkwijzer criteria (R12) -----------------------------------------


def criteria_edit(request: HttpRequest) -> HttpResponse:
    """The coordinator adds criteria to the programme's kijkwijzer, or takes them out of
    use (the default list is filled in the first time)."""
    if not policy.can_view_followup_overview(request.user):
        raise PermissionDenied
    programmes = list(
        Programme.objects.filter(pk__in=selectors.coordinated_programme_ids(request.user)).order_by(
            "name"
        )
    )
    form = CriterionForm(request.POST or None, programmes=programmes)
    if request.method == "POST":
        toggle = request.POST.get("toggle")
        try:
            if toggle:
                criterion = get_object_or_404(
                    ObservationCriterion, pk=toggle, programme__in=programmes
                )
                services.observation_criterion_toggle(actor=request.user, criterion=criterion)
                messages.success(request, _("The kijkwijzer was changed."))
                return redirect("trajectories:criteria_edit")
            if form.is_valid():
                chosen = form.cleaned_data.get("programme", programmes[0].pk)
                programme = next(p for p in programmes if p.pk == chosen)
                services.observation_criterion_add(
                    actor=request.user, programme=programme, label=form.cleaned_data["label"]
                )
                messages.success(request, _("The kijkwijzer was changed."))
                return redirect("trajectories:criteria_edit")
        except ValidationError as exc:
            errors_to_form(form, exc)
    sets = []
    for programme in programmes:
        services.observation_criteria_for(programme)  # the default list, the first time
        sets.append((programme, list(ObservationCriterion.objects.filter(programme=programme))))
    return render(request, "trajectories/followup/criteria.html", {"sets": sets, "form": form})
