"""Reads of the follow-up of duos, scoped by the access policy (ARCHITECTURE.md 2). The
duo's concerns are read by trajectories' selectors.

The coordinator's overview computes every duo's health from one annotated queryset and
two prefetches: the number of queries does not grow with the number of duos.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from buddywerk.access import policy
from buddywerk.access.policy import AnyUser
from buddywerk.common import clock
from buddywerk.trajectories.enums import LOGGING_STATUSES, Frequency, MeetingStatus
from buddywerk.trajectories.models import (
    Concern,
    Meeting,
    Participant,
    Trajectory,
    WellbeingScore,
)
from buddywerk.trajectories.selectors import coordinated_programme_ids, trajectories_visible

from .health import (
    SILENT_DAYS,
    SILENT_DAYS_TWICE_MONTHLY,
    CheckInSchedule,
    HealthResult,
    checkin_schedule,
    duo_health,
    observation_missing,
)
from .models import (
    CheckIn,
    FollowUpAction,
    Observation,
    ObservationScore,
    RelationshipSurvey,
    SurveyMoment,
    SurveyRespondent,
    TandemNote,
)


def _count(qs: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.order_by().values("trajectory").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _first(qs: QuerySet[Any], field: str) -> Subquery:
    return Subquery(qs.values(field)[:1])


def with_followup_figures(qs: QuerySet[Trajectory], *, today: dt.date) -> QuerySet[Trajectory]:
    """Annotate what the health of a duo needs, one subquery per figure (no join fan-out):
    meetings held, last logged meeting, last well-being score, open concerns, first
    kijkwijzer, open actions past due, last relationship-survey mean."""
    own = {"trajectory": OuterRef("pk")}
    logged = Meeting.objects.filter(**own).exclude(status=MeetingStatus.PLANNED)
    return qs.annotate(
        fu_meetings_held=_count(Meeting.objects.filter(**own, status=MeetingStatus.HAPPENED)),
        fu_last_meeting_on=Subquery(
            logged.order_by().values("trajectory").annotate(last=Max("date")).values("last")[:1]
        ),
        fu_last_wellbeing=_first(
            WellbeingScore.objects.filter(**own).order_by("-date", "-id"), "score"
        ),
        fu_open_concerns=_count(Concern.objects.filter(**own, acknowledged_at__isnull=True)),
        fu_first_observation=Subquery(
            Observation.objects.filter(**own)
            .order_by()
            .values("trajectory")
            .annotate(first=Min("observed_on"))
            .values("first")[:1]
        ),
        fu_overdue_actions=_count(
            FollowUpAction.objects.filter(**own, done_at__isnull=True, due_on__lt=today)
        ),
        fu_survey_mean=_first(
            RelationshipSurvey.objects.filter(**own).order_by("-answered_on", "-id"),
            "mean_score",
        ),
    )


@dataclass
class DuoFollowUp:
    """What the coordinator sees of one duo at a glance."""

    trajectory: Trajectory
    health: HealthResult
    checkins: CheckInSchedule
    observation_missing: bool
    overdue_actions: int
    open_concerns: int
    names: str = ""

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.observation_missing:
            flags.append(gettext("No kijkwijzer in the first 4 weeks"))
        if self.checkins.missed:
            flags.append(gettext("Missed check-ins: %(count)s") % {"count": self.checkins.missed})
        if self.overdue_actions:
            flags.append(gettext("Actions past due: %(count)s") % {"count": self.overdue_actions})
        return flags


def followup_of(
    trajectory: Trajectory, *, today: dt.date, checkin_dates: list[dt.date]
) -> DuoFollowUp:
    """Health and flags of an annotated duo (see `with_followup_figures`)."""
    figures: Any = trajectory  # the fu_* annotations are not fields of the model
    schedule = checkin_schedule(
        start=trajectory.planned_start,
        today=today,
        dates=checkin_dates,
        end=trajectory.planned_end,
    )
    health = duo_health(
        start=trajectory.planned_start,
        today=today,
        meetings_held=figures.fu_meetings_held,
        last_meeting_on=figures.fu_last_meeting_on,
        last_wellbeing=figures.fu_last_wellbeing,
        open_concerns=figures.fu_open_concerns,
        missed_checkins=schedule.missed,
        survey_mean=figures.fu_survey_mean,
        silent_days=SILENT_DAYS_TWICE_MONTHLY
        if trajectory.frequency == Frequency.TWICE_MONTHLY
        else SILENT_DAYS,
    )
    return DuoFollowUp(
        trajectory=trajectory,
        health=health,
        checkins=schedule,
        observation_missing=observation_missing(
            start=trajectory.planned_start,
            today=today,
            first_observation=figures.fu_first_observation,
        ),
        overdue_actions=figures.fu_overdue_actions,
        open_concerns=figures.fu_open_concerns,
    )


def followup_overview(*, user: AnyUser, today: dt.date | None = None) -> list[DuoFollowUp]:
    """The coordinator's programmes' running duos, each with its health and flags, in a
    fixed number of queries (one annotated queryset, participants and check-ins
    prefetched)."""
    today = clock.today(today)
    qs = (
        trajectories_visible(user=user)
        .filter(programme_id__in=coordinated_programme_ids(user), status__in=LOGGING_STATUSES)
        .select_related("school", "buddy__user", "programme")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("pupil", "family").order_by("id"),
            ),
            Prefetch("checkins", queryset=CheckIn.objects.only("id", "trajectory_id", "date")),
        )
        .order_by("planned_start", "id")
    )
    rows = []
    for trajectory in with_followup_figures(qs, today=today):
        row = followup_of(
            trajectory, today=today, checkin_dates=[c.date for c in trajectory.checkins.all()]
        )
        row.names = ", ".join(p.full_name for p in trajectory.participants.all())
        rows.append(row)
    order = {"check_in": 0, "too_early": 1, "on_track": 2}
    rows.sort(key=lambda r: (order[r.health.status], r.trajectory.planned_start))
    return rows


def duo_followup(*, trajectory: Trajectory, today: dt.date | None = None) -> DuoFollowUp:
    """Health and flags of one duo (for its page)."""
    today = clock.today(today)
    annotated = with_followup_figures(
        Trajectory.objects.filter(pk=trajectory.pk), today=today
    ).get()
    dates = list(trajectory.checkins.values_list("date", flat=True))
    return followup_of(annotated, today=today, checkin_dates=dates)


# --- Tandem -----------------------------------------------------------------------------


def tandem_notes_of(*, trajectory: Trajectory) -> QuerySet[TandemNote]:
    """The thread, oldest first. Only tandem notes: private meeting notes never appear."""
    return trajectory.tandem_notes.select_related("author").order_by("created_at", "id")


# --- Kijkwijzer, actions, check-ins, surveys --------------------------------------------


def observations_of(*, trajectory: Trajectory) -> QuerySet[Observation]:
    return trajectory.observations.select_related("observer").prefetch_related(
        Prefetch("scores", queryset=ObservationScore.objects.select_related("criterion")),
        "actions",
    )


def observation_get(*, trajectory: Trajectory, observation_uuid: Any) -> Observation:
    return get_object_or_404(observations_of(trajectory=trajectory), uuid=observation_uuid)


def actions_of(*, trajectory: Trajectory) -> QuerySet[FollowUpAction]:
    return trajectory.followup_actions.select_related("owner", "done_by").order_by(
        "done_at", "due_on", "id"
    )


def action_get(*, trajectory: Trajectory, action_uuid: Any) -> FollowUpAction:
    return get_object_or_404(FollowUpAction, trajectory=trajectory, uuid=action_uuid)


def checkins_of(*, trajectory: Trajectory) -> QuerySet[CheckIn]:
    return trajectory.checkins.select_related("by")


def surveys_of(*, user: AnyUser, trajectory: Trajectory) -> QuerySet[RelationshipSurvey]:
    """The buddy sees their own answers; the school and the programme see all."""
    qs = trajectory.surveys.all()
    if policy.is_trajectory_buddy(user, trajectory) and not (
        policy.can_manage_trajectory(user, trajectory)
        or policy.is_trajectory_school_staff(user, trajectory)
    ):
        qs = qs.filter(respondent="buddy")
    return qs


# A relationship survey is asked about 30 days in (and at the end).
SURVEY_DUE_AFTER_DAYS = 30


def surveys_due(*, trajectory: Trajectory, today: dt.date | None = None) -> list[str]:
    """The respondents (labels) whose 30-day survey is still missing once a running duo is
    30 days old."""
    today = clock.today(today)
    if trajectory.is_closed or (today - trajectory.planned_start).days < SURVEY_DUE_AFTER_DAYS:
        return []
    answered = set(
        trajectory.surveys.filter(moment=SurveyMoment.DAY_30).values_list("respondent", flat=True)
    )
    return [str(r.label) for r in SurveyRespondent if r.value not in answered]
