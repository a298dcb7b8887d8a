"""Reads of duos, always scoped by the access policy (ARCHITECTURE.md 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.access.policy import AnyUser
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, Seen, audit_view_many, seen
from buddywerk.common.memo import shared
from buddywerk.common.models import AuditEvent

from .concern_rules import escalation_due_at, region_escalation_due_at, stale_before
from .enums import (
    LOGGING_STATUSES,
    ConcernOrigin,
    MeetingStatus,
    NoteVisibility,
    TrajectoryStatus,
    Urgency,
    WellbeingMoment,
    WellbeingSource,
)
from .models import Concern, Meeting, Participant, Trajectory, WellbeingScore


def trajectories_visible(*, user: AnyUser) -> QuerySet[Trajectory]:
    """Every duo in the user's scope: the policy's scoped queryset (ARCHITECTURE.md 2)."""
    return policy.trajectories_visible_to(user, Trajectory.objects.all())


def trajectory_list(*, user: AnyUser) -> QuerySet[Trajectory]:
    """The duos the user may see, with what a list shows, in a fixed number of queries."""
    return trajectory_list_rows(user=user).annotate(
        meetings_held=Count("meetings", filter=Q(meetings__status=MeetingStatus.HAPPENED)),
        last_meeting_on=Max("meetings__date", filter=~Q(meetings__status="planned")),
    )


def trajectory_list_rows(*, user: AnyUser) -> QuerySet[Trajectory]:
    """`trajectory_list` without its meeting figures: the duo list page counts the
    meetings of its one page afterwards (`trajectory_rows`), so that neither its paginator's
    count nor its page query groups every duo in scope by all the columns of the row
    (issue 17 point 4)."""
    return (
        trajectories_visible(user=user)
        .select_related("programme", "school", "buddy__user", "agreement")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("pupil", "family").order_by("id"),
            )
        )
        .order_by("status", "-planned_start", "-id")
    )


def trajectory_get(*, user: AnyUser, trajectory_uuid: UUID, lean: bool = False) -> Trajectory:
    """One duo in the user's scope (404 otherwise), for actions on it, with its
    participants (what a page names and its audit events need). `lean`: only what the
    policy's duo predicates and the audit read (the buddy, the participants' pupil or
    family), for a page that shows no more of the duo (the meeting form: issue 17
    point 4); the rest still loads when asked, one query each."""
    if lean:
        related: tuple[str, ...] = ("buddy",)
        participant_related: tuple[str, ...] = ("pupil", "family")
    else:
        related = ("programme", "school", "buddy__user", "agreement")
        participant_related = ("pupil", "family", "referral__family")
    return get_object_or_404(
        trajectories_visible(user=user)
        .select_related(*related)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related(*participant_related),
            )
        ),
        uuid=trajectory_uuid,
    )


# The duo page lists its meetings page by page: a duo met weekly for years stays one
# readable page on a phone, and the page's cost does not grow with the duo's age.
MEETINGS_PER_PAGE = 20


@dataclass(frozen=True)
class MeetingFacts:
    """What the duo page says of all its meetings, not only the listed page's."""

    count: int  # the pages of the list
    held: int  # a certificate attests held meetings
    goodbye: bool  # a goodbye meeting is on the list


def meeting_facts(trajectory: Trajectory) -> MeetingFacts:
    """The duo's meeting facts in one query."""
    facts = trajectory.meetings.aggregate(
        count=Count("pk"),
        held=Count("pk", filter=Q(status=MeetingStatus.HAPPENED)),
        goodbye=Count("pk", filter=Q(is_goodbye=True)),
    )
    return MeetingFacts(count=facts["count"], held=facts["held"], goodbye=facts["goodbye"] > 0)


def seen_in(trajectory: Trajectory, **via: Any) -> list[Seen]:
    """The duo's pupils or family, the targets of a view of the duo or of a record of its
    follow-up (`via`, e.g. concern=<uuid>): see common/audit.py. Reads the prefetched
    participants."""
    return [
        seen(p.pupil if p.pupil_id else p.family, trajectory=trajectory.uuid, **via)  # type: ignore[arg-type]
        for p in trajectory.participants.all()
    ]


def trajectory_audit_view(*, user: AnyUser, trajectory: Trajectory, **via: Any) -> None:
    """Record that `user` saw a page of the duo: one event per participant, one INSERT."""
    audit_view_many(actor=user, targets=seen_in(trajectory, **via), listed=False)


def trajectory_get_for_view(*, user: AnyUser, trajectory_uuid: UUID) -> Trajectory:
    """One duo in scope, with the view written to the audit (it shows personal data)."""
    trajectory = trajectory_get(user=user, trajectory_uuid=trajectory_uuid)
    trajectory_audit_view(user=user, trajectory=trajectory)
    return trajectory


def meetings_for(*, user: AnyUser, trajectory: Trajectory) -> QuerySet[Meeting]:
    """The duo's meetings with `visible_note`: the note itself for those who may read it,
    otherwise only notes shared with the school. A private note never leaves the database
    for school staff (DOMAIN.md: the school sees shared notes, never private ones)."""
    qs = trajectory.meetings.all().order_by("-date", "-id")
    if policy.can_read_private_notes(user, trajectory):
        return qs.annotate(visible_note=F("note"))
    return qs.defer("note").annotate(
        visible_note=Case(
            When(note_visibility=NoteVisibility.SHARED, then="note"),
            default=Value(""),
            output_field=CharField(),
        )
    )


def participants_of(trajectory: Trajectory) -> list[Participant]:
    """The participants `trajectory_get` prefetched, with their pupil, family and referral."""
    return list(trajectory.participants.all())


# --- Well-being chart (SVG rendered on the server, with a table behind it) --------------

CHART_WIDTH = 320
CHART_HEIGHT = 180
CHART_LEFT = 34
CHART_RIGHT = 10
CHART_TOP = 12
CHART_BOTTOM = 28


@dataclass
class ChartPoint:
    x: float
    y: float
    score: int
    date: dt.date


@dataclass
class ChartSeries:
    source: str
    label: str
    points: list[ChartPoint] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class WellbeingChart:
    participant: Participant
    scores: list[WellbeingScore]
    series: list[ChartSeries]
    gridlines: list[tuple[int, float]]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT
    right_edge: int = CHART_WIDTH - CHART_RIGHT
    bottom_edge: int = CHART_HEIGHT - CHART_BOTTOM
    first_date: dt.date | None = None
    last_date: dt.date | None = None

    @property
    def end_score(self) -> WellbeingScore | None:
        """The participant's latest end measurement (the final score written at closing, or
        one recorded with moment end): the same row the funder's report reads."""
        ends = [s for s in self.scores if s.moment == WellbeingMoment.END]
        return ends[-1] if ends else None


def _y(score: int) -> float:
    span = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    return CHART_TOP + span * (5 - score) / 4


def wellbeing_charts(*, trajectory: Trajectory) -> list[WellbeingChart]:
    """One chart per participant: a line per source (buddy, school, the pupil's own
    answer) over the duo's period, Leuven scale 1-5 on the vertical axis."""
    participants = participants_of(trajectory)
    scores = list(trajectory.wellbeing_scores.order_by("date", "id"))
    start = trajectory.planned_start
    end = max([trajectory.planned_end, *[s.date for s in scores]])
    days = max((end - start).days, 1)
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    gridlines = [(score, _y(score)) for score in range(1, 6)]
    charts = []
    for participant in participants:
        own = [s for s in scores if s.participant_id == participant.pk]
        series = []
        for source in WellbeingSource:
            points = [
                ChartPoint(
                    x=CHART_LEFT + plot_width * (s.date - start).days / days,
                    y=_y(s.score),
                    score=s.score,
                    date=s.date,
                )
                for s in own
                if s.source == source
            ]
            if points:
                series.append(
                    ChartSeries(source=source.value, label=str(source.label), points=points)
                )
        charts.append(
            WellbeingChart(
                participant=participant,
                scores=own,
                series=series,
                gridlines=gridlines,
                first_date=start,
                last_date=end,
            )
        )
    return charts


# --- What a row of the list shows -----------------------------------------------------


def participant_names(*, user: AnyUser, trajectory: Trajectory) -> str:
    """First names only for the buddy; full names for the school and the programme."""
    full = policy.can_see_participant_full_name(user, trajectory)
    return ", ".join(p.full_name if full else p.first_name for p in trajectory.participants.all())


def tasks_for(*, user: AnyUser, trajectory: Trajectory) -> list[str]:
    """What the user still has to do for this duo (R9 agreements, R10 insurance)."""
    tasks: list[str] = []
    if policy.duo_is_read_only(trajectory):
        return tasks
    agreement = trajectory.agreement
    if policy.is_trajectory_buddy(user, trajectory) and agreement.buddy_confirmed_at is None:
        tasks.append(gettext("Confirm the agreements"))
    if policy.is_trajectory_school_staff(user, trajectory):
        if agreement.school_confirmed_at is None:
            tasks.append(gettext("Confirm the agreements"))
        if trajectory.awaits_school_insurance:
            tasks.append(gettext("Confirm the insurance"))
    if (
        policy.can_manage_trajectory(user, trajectory)
        and trajectory.status == TrajectoryStatus.PLANNED
    ):
        tasks.append(gettext("Agreements not confirmed yet"))
    return tasks


def _add_meeting_figures(trajectories: list[Trajectory]) -> None:
    """`meetings_held` and `last_meeting_on` of each duo (as `trajectory_list` annotates
    them), in one grouped query over the meetings of these duos only."""
    missing = [t for t in trajectories if not hasattr(t, "meetings_held")]
    if not missing:
        return
    figures = {
        trajectory_id: (held, last)
        for trajectory_id, held, last in Meeting.objects.filter(
            trajectory_id__in=[t.pk for t in missing]
        )
        .values_list("trajectory_id")
        .annotate(
            held=Count("id", filter=Q(status=MeetingStatus.HAPPENED)),
            last=Max("date", filter=~Q(status="planned")),
        )
        .order_by()
    }
    for trajectory in missing:
        held, last = figures.get(trajectory.pk, (0, None))
        trajectory.meetings_held = held  # type: ignore[attr-defined]
        trajectory.last_meeting_on = last  # type: ignore[attr-defined]


def trajectory_rows(*, user: AnyUser, trajectories: Any) -> list[dict[str, Any]]:
    """The list's rows. They name each duo's participants, so every participant listed is
    audited as viewed (one INSERT for the page; the participants are prefetched)."""
    trajectories = list(trajectories)
    audit_view_many(actor=user, targets=[s for t in trajectories for s in seen_in(t)])
    _add_meeting_figures(trajectories)
    return [
        {
            "trajectory": t,
            "names": participant_names(user=user, trajectory=t),
            "tasks": tasks_for(user=user, trajectory=t),
        }
        for t in trajectories
    ]


def running_duos_coordinated(*, user: AnyUser) -> list[Trajectory]:
    """The running duos of the programmes the user coordinates, oldest first, with their
    days only: the home page's "active duos" figure and the follow-up's check-in to-do item
    read them once (common.memo.shared)."""
    return shared(("running-duos", user.pk), lambda: _running_duos_coordinated(user))


def _running_duos_coordinated(user: AnyUser) -> list[Trajectory]:
    programmes = coordinated_programme_ids(user)
    if not programmes:
        return []
    return list(
        trajectories_visible(user=user)
        .filter(programme_id__in=programmes, status__in=LOGGING_STATUSES)
        .only("uuid", "planned_start", "planned_end")
        .order_by("planned_start", "id")
    )


# --- Concerns ---------------------------------------------------------------------------


def coordinated_programme_ids(user: AnyUser) -> set[int]:
    """The programmes the user coordinates."""
    return policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR)


def open_concerns_for(user: AnyUser) -> QuerySet[Concern]:
    """Open (unacknowledged) concerns of the duos of the programmes the user coordinates:
    urgent first, then the oldest. For the coordinator's home page."""
    programmes = coordinated_programme_ids(user)
    if not programmes:
        return Concern.objects.none()
    urgency_rank = {Urgency.URGENT: 0, Urgency.ATTENTION: 1, Urgency.INFO: 2}
    return (
        policy.duo_rows_visible_to(user, Concern.objects.open())
        .filter(trajectory__programme_id__in=programmes)
        .select_related("trajectory__school", "trajectory__buddy__user", "raised_by")
        .alias(
            rank=Case(
                *[When(urgency=code, then=Value(rank)) for code, rank in urgency_rank.items()],
                default=Value(3),
            )
        )
        .order_by("rank", "raised_at", "id")
    )


# The home page lists this many concerns, then says how many more there are.
HOME_CONCERNS = 10
# What the home page shows of a concern (the open and the stale panels, the to-do item).
HOME_CONCERN_FIELDS = (
    "uuid",
    "urgency",
    "status",
    "raised_at",
    "escalated_at",
    "trajectory__uuid",
    "trajectory__school__name",
    "trajectory__buddy__user__first_name",
    "trajectory__buddy__user__last_name",
    "trajectory__buddy__user__email",
)


def for_home(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    """The concerns with only the columns the home page shows (HOME_CONCERN_FIELDS)."""
    return (
        concerns.select_related(None)
        .select_related("trajectory__school", "trajectory__buddy__user")
        .only(*HOME_CONCERN_FIELDS)
    )


@dataclass(frozen=True)
class OpenConcerns:
    """The open concerns of the coordinator's home page: the first HOME_CONCERNS of
    open_concerns_for (its order, HOME_CONCERN_FIELDS only), how many there are and how
    many of them are urgent."""

    first: list[Concern]
    total: int
    urgent: int


def open_concerns_summary(user: AnyUser) -> OpenConcerns:
    """One query for the open-concerns figures, to-do item and panel of the home page,
    read once per page (common.memo.shared): both counts ride along as window columns."""
    return shared(("open-concerns", user.pk), lambda: _open_concerns(user, HOME_CONCERNS))


def _open_concerns(user: AnyUser, limit: int) -> OpenConcerns:
    rows: list[Any] = list(
        for_home(open_concerns_for(user)).annotate(
            bw_total=Window(Count("*")),
            bw_urgent=Window(Count("pk", filter=Q(urgency=Urgency.URGENT))),
        )[:limit]
    )
    if not rows:
        return OpenConcerns([], 0, 0)
    return OpenConcerns(rows, rows[0].bw_total, rows[0].bw_urgent)


def concerns_of(*, trajectory: Trajectory) -> list[Concern]:
    """The duo's concerns, open ones first, each with the moment it escalates."""
    concerns = list(
        trajectory.concerns.select_related("raised_by", "acknowledged_by").order_by(
            "acknowledged_at", "-raised_at"
        )
    )
    for concern in concerns:
        concern.escalates_at = escalation_due_at(timezone.localtime(concern.raised_at))  # type: ignore[attr-defined]
    return concerns


def concern_get(*, trajectory: Trajectory, concern_uuid: Any) -> Concern:
    """One concern of a duo already loaded in the user's scope (404 otherwise)."""
    concern = get_object_or_404(
        Concern.objects.select_related("raised_by", "acknowledged_by", "outcome_by", "closed_by"),
        trajectory=trajectory,
        uuid=concern_uuid,
    )
    concern.trajectory = trajectory  # the duo as loaded, with its participants
    concern.escalates_at = escalation_due_at(timezone.localtime(concern.raised_at))  # type: ignore[attr-defined]
    concern.escalates_region_at = region_escalation_due_at(  # type: ignore[attr-defined]
        timezone.localtime(concern.raised_at)
    )
    return concern


def stale_concerns_for(user: AnyUser, *, now: dt.datetime | None = None) -> QuerySet[Concern]:
    """Issue 13, point 5: concerns raised more than 30 days ago and not yet closed, of the
    programmes the user leads (policy.leads_programme_ids), oldest first. For the lead's
    home page; closed duos included (safeguarding outlives the duo)."""
    programmes = policy.leads_programme_ids(user)
    if not programmes:
        return Concern.objects.none()
    return (
        policy.duo_rows_visible_to(user, Concern.objects.not_closed())
        .filter(
            raised_at__lte=stale_before(clock.now(now)),
            trajectory__programme_id__in=programmes,
        )
        .select_related("trajectory__school", "trajectory__buddy__user")
        .order_by("raised_at", "id")
    )


@dataclass(frozen=True)
class ConcernStep:
    """One line of a concern's history: when, who (None: the system), what."""

    at: dt.datetime
    actor: User | None
    what: str
    viewed: bool = False


def concern_history(*, concern: Concern, with_views: bool) -> list[ConcernStep]:
    """Issue 13, point 5: the concern's case, oldest first: its steps from the kernel's
    transition log (raised, acknowledged, outcome recorded, closed: who and when), its
    escalations (the system), and with `with_views` who opened its pages (those views are
    audited per child with `concern=<uuid>`; one line per page shown). Every step is in
    the audit trail too; the log and the concern hold the moments the services were given
    (a fake clock in tests and the demo). Two queries."""
    from .concern_workflow import CONCERN  # the table imports the policy, which imports us

    steps: list[ConcernStep] = []
    for row in concern.transitions.select_related("actor").order_by("at", "id"):
        if not row.transition:
            action = (
                AuditAction.CONCERN_RAISE_WELLBEING
                if concern.origin == ConcernOrigin.WELLBEING
                else AuditAction.CONCERN_RAISE
            )
        else:
            action = CONCERN[row.transition].action
        what = str(action.label)
        if row.transition == "record_outcome" and concern.outcome:
            what = f"{what}: {concern.get_outcome_display()}"
        steps.append(ConcernStep(at=row.at, actor=row.actor, what=what))
    for moment, action in (
        (concern.escalated_at, AuditAction.CONCERN_ESCALATE),
        (concern.escalated_region_at, AuditAction.CONCERN_ESCALATE_REGION),
    ):
        if moment is not None:
            steps.append(ConcernStep(at=moment, actor=None, what=str(action.label)))
    if with_views:
        children = [s.object_id for s in seen_in(concern.trajectory)]
        views = (
            AuditEvent.objects.filter(
                action=AuditAction.VIEW,
                object_id__in=children,
                detail__concern=str(concern.uuid),
            )
            .select_related("actor")
            .order_by("at", "id")
        )
        shown: set[tuple[int | None, str]] = set()
        label = gettext("Opened the concern")
        for event in views:
            # one line per page shown, not per child on it
            key = (event.actor_id, event.request_id or event.at.isoformat())
            if key not in shown:
                shown.add(key)
                steps.append(ConcernStep(at=event.at, actor=event.actor, what=label, viewed=True))
    steps.sort(key=lambda step: step.at)
    return steps
