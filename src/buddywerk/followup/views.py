"""Follow-up pages of a duo: tandem thread (R11), kijkwijzer (R12), check-ins,
relationship surveys, the duo's follow-up page (with its concerns, which trajectories
raises and acknowledges), and the coordinator's overview with every duo's health.

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
from buddywerk.trajectories.models import Trajectory
from buddywerk.trajectories.selectors import concerns_of, coordinated_programme_ids, seen_in
from buddywerk.trajectories.views import duo_guard, render_duo_page

from . import selectors, services
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


def _render(
    request: HttpRequest,
    trajectory: Trajectory,
    template: str,
    context: dict[str, object],
    **via: object,
) -> HttpResponse:
    """A follow-up page of the duo names the participants (and shows what was noticed about
    them): showing it is audited, one event per participant (trajectories' render_duo_page)."""
    return render_duo_page(request, trajectory, template, context, names=True, **via)


# --- The duo's follow-up page -----------------------------------------------------------


def duo_followup(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """Concerns and surveys for everyone in the duo; health, kijkwijzers, actions and
    check-ins for the programme."""
    trajectory = duo_guard(request, trajectory_uuid, policy.can_read_tandem)
    user = request.user
    follows_up = policy.can_follow_up_duo(user, trajectory) or policy.is_platform_admin(user)
    concerns = concerns_of(trajectory=trajectory)
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
    return _render(request, trajectory, "followup/duo_followup.html", context)


# --- Tandem (R11) -------------------------------------------------------------------------


def tandem(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_guard(request, trajectory_uuid, policy.can_read_tandem)
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
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Your note was sent. The other side gets a mail."))
                return redirect("followup:tandem", trajectory_uuid=trajectory.uuid)
    return _render(
        request,
        trajectory,
        "followup/tandem.html",
        {"notes": selectors.tandem_notes_of(trajectory=trajectory), "form": form},
    )


# --- Kijkwijzer (R12) ---------------------------------------------------------------------


def observation_create(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_guard(request, trajectory_uuid, policy.can_follow_up_duo)
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
                "followup:observation_detail",
                trajectory_uuid=trajectory.uuid,
                observation_uuid=observation.uuid,
            )
    return _render(request, trajectory, "followup/observation_form.html", {"form": form})


def observation_detail(
    request: HttpRequest, trajectory_uuid: UUID, observation_uuid: UUID
) -> HttpResponse:
    trajectory = duo_guard(
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
        "followup/observation_detail.html",
        {
            "observation": observation,
            "can_follow_up": policy.can_follow_up_duo(request.user, trajectory),
            "today": timezone.localdate(),
        },
        observation=observation.uuid,
    )


@require_POST
def action_done(request: HttpRequest, trajectory_uuid: UUID, action_uuid: UUID) -> HttpResponse:
    trajectory = duo_guard(request, trajectory_uuid, policy.can_follow_up_duo)
    action = selectors.action_get(trajectory=trajectory, action_uuid=action_uuid)
    services.action_done(actor=request.user, action=action)
    messages.success(request, _("The action is marked as done."))
    return _followup(trajectory)


# --- Check-ins ----------------------------------------------------------------------------


def checkin_create(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = duo_guard(request, trajectory_uuid, policy.can_follow_up_duo)
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
        "followup/simple_form.html",
        {"form": form, "title": _("Record a check-in")},
    )


# --- Relationship survey ------------------------------------------------------------------


def survey_create(request: HttpRequest, trajectory_uuid: UUID, respondent: str) -> HttpResponse:
    if respondent not in SurveyRespondent.values:
        raise Http404
    trajectory = duo_guard(
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
        "followup/simple_form.html",
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
        "followup/overview.html",
        {"rows": rows, "today": timezone.localdate()},
    )


# --- The programme's kijkwijzer criteria (R12) -----------------------------------------


def criteria_edit(request: HttpRequest) -> HttpResponse:
    """The coordinator adds criteria to the programme's kijkwijzer, or takes them out of
    use (the default list is filled in the first time)."""
    if not policy.can_view_followup_overview(request.user):
        raise PermissionDenied
    programmes = list(
        Programme.objects.filter(pk__in=coordinated_programme_ids(request.user)).order_by("name")
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
                return redirect("followup:criteria_edit")
            if form.is_valid():
                chosen = form.cleaned_data.get("programme", programmes[0].pk)
                programme = next(p for p in programmes if p.pk == chosen)
                services.observation_criterion_add(
                    actor=request.user, programme=programme, label=form.cleaned_data["label"]
                )
                messages.success(request, _("The kijkwijzer was changed."))
                return redirect("followup:criteria_edit")
        except ValidationError as exc:
            errors_to_form(form, exc)
    sets = []
    for programme in programmes:
        services.observation_criteria_for(programme)  # the default list, the first time
        sets.append((programme, list(ObservationCriterion.objects.filter(programme=programme))))
    return render(request, "followup/criteria.html", {"sets": sets, "form": form})
