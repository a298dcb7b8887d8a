"""Reads of the internships app, scoped by the access policy.

Hours (issue 20, point 5): per school year (1 September - 31 August), the minutes of the
meetings held (their recorded duration, so travel is never in it) plus the length of the
learning events the buddy attended. Cancelled and planned meetings do not count.

The internship file (point 1) holds the student's duos without any pupil or family data
beyond the school year and the programme: the file is built from explicit fields only,
never from a participant's name, a note or an evaluation text (those may name a child).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from buddywerk.access import policy
from buddywerk.buddies.models import Buddy
from buddywerk.common.vocabulary import SchoolYear
from buddywerk.followup.models import Observation
from buddywerk.learning.models import EventKind, ModuleCompletion, Registration
from buddywerk.organisations.models import Programme, TrainingInstitution
from buddywerk.reports.periods import school_year_label, school_year_of
from buddywerk.trajectories.enums import MeetingStatus
from buddywerk.trajectories.models import Meeting, Trajectory

from .models import InstitutionPartnership, SharingConsent


def _hours(minutes: int) -> str:
    """Hours with one decimal, Dutch style (12,5)."""
    return f"{minutes / 60:.1f}".replace(".", ",")


@dataclass
class YearHours:
    school_year: int
    meeting_minutes: int = 0
    meetings_held: int = 0
    event_minutes: int = 0
    events_attended: int = 0
    programmes: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def minutes(self) -> int:
        return self.meeting_minutes + self.event_minutes

    @property
    def hours(self) -> str:
        return _hours(self.minutes)

    @property
    def programme_names(self) -> str:
        return ", ".join(sorted(self.programmes))


def hours_per_school_year(buddy: Buddy) -> list[YearHours]:
    """The buddy's hours per school year, the latest year first."""
    years: dict[int, YearHours] = {}

    def year(day: dt.date) -> YearHours:
        key = school_year_of(day)
        return years.setdefault(key, YearHours(school_year=key))

    for day, minutes, programme in Meeting.objects.filter(
        trajectory__buddy=buddy, status=MeetingStatus.HAPPENED
    ).values_list("date", "duration_minutes", "trajectory__programme__name"):
        row = year(day)
        row.meetings_held += 1
        row.meeting_minutes += minutes or 0
        row.programmes.add(programme)
    for starts, ends, programme in Registration.objects.filter(
        buddy=buddy, attended=True
    ).values_list("event__starts_at", "event__ends_at", "event__programme__name"):
        row = year(timezone.localdate(starts))
        row.events_attended += 1
        row.event_minutes += max(0, int((ends - starts).total_seconds() // 60))
        if programme:
            row.programmes.add(programme)
    return [years[key] for key in sorted(years, reverse=True)]


def hours_of_year(buddy: Buddy, school_year: int) -> YearHours | None:
    return next((y for y in hours_per_school_year(buddy) if y.school_year == school_year), None)


@dataclass
class BuddyTotal:
    buddy: Buddy
    year: YearHours


def hour_totals(*, programme: Programme, school_year: int) -> list[BuddyTotal]:
    """Per buddy of the programme: their hours in the school year (the coordinator's page).
    Only the duos and events of this programme count here."""
    start, end = dt.date(school_year, 9, 1), dt.date(school_year + 1, 8, 31)
    rows: dict[int, YearHours] = defaultdict(lambda: YearHours(school_year=school_year))
    for buddy_id, minutes in Meeting.objects.filter(
        trajectory__programme=programme,
        status=MeetingStatus.HAPPENED,
        date__gte=start,
        date__lte=end,
    ).values_list("trajectory__buddy_id", "duration_minutes"):
        rows[buddy_id].meetings_held += 1
        rows[buddy_id].meeting_minutes += minutes or 0
    for buddy_id, starts, ends in Registration.objects.filter(
        event__programme=programme, attended=True
    ).values_list("buddy_id", "event__starts_at", "event__ends_at"):
        if school_year_of(timezone.localdate(starts)) != school_year:
            continue
        rows[buddy_id].events_attended += 1
        rows[buddy_id].event_minutes += max(0, int((ends - starts).total_seconds() // 60))
    buddies = Buddy.objects.filter(pk__in=rows).select_related("user")
    result = [BuddyTotal(buddy=b, year=rows[b.pk]) for b in buddies]
    return sorted(result, key=lambda t: (t.buddy.user.last_name, t.buddy.user.first_name))


# --- Supervisors ------------------------------------------------------------------------


def students_of(*, user: Any) -> QuerySet[Buddy]:
    return (
        policy.students_visible_to(user, Buddy.objects.all())
        .select_related("user", "training_institution")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def student_get(*, user: Any, buddy_uuid: Any) -> Buddy:
    return get_object_or_404(students_of(user=user), uuid=buddy_uuid)


@dataclass
class WeekHours:
    week: str  # ISO year and week, "2026-W41"
    minutes: int

    @property
    def hours(self) -> str:
        return _hours(self.minutes)


@dataclass
class DuoFile:
    """One duo in the internship file: what the internship needs, nothing of the child
    beyond the school year and the programme."""

    programme: str
    school_years: list[str]
    kind: str  # "pupils" or "family"
    status: str
    start: dt.date
    end: dt.date
    meetings_held: int
    meetings_cancelled: int
    minutes: int
    buddy_evaluated_on: dt.date | None
    school_evaluated_on: dt.date | None
    kijkwijzers: list[tuple[dt.date, list[tuple[str, int]]]]

    @property
    def hours(self) -> str:
        return _hours(self.minutes)


@dataclass
class InternshipFile:
    name: str
    email: str
    institution: str
    duos: list[DuoFile]
    weeks: list[WeekHours]
    years: list[YearHours]
    intervisions: list[tuple[dt.date, str]]
    modules: list[tuple[dt.date, str]]
    certificates: list[tuple[str, int, str]]  # programme, meetings held, hours

    @property
    def total_hours(self) -> str:
        return _hours(sum(y.minutes for y in self.years))


def internship_file(buddy: Buddy) -> InternshipFile:
    """The student's internship file (what a supervisor sees and exports)."""
    from buddywerk.referrals.models import Pupil
    from buddywerk.trajectories.certificate import certificate_for, has_certificate

    duos: list[DuoFile] = []
    certificates: list[tuple[str, int, str]] = []
    trajectories = (
        Trajectory.objects.filter(buddy=buddy)
        .select_related("programme")
        .order_by("-planned_start", "pk")
    )
    for duo in trajectories:
        meetings = duo.meetings.all()
        held = meetings.filter(status=MeetingStatus.HAPPENED)
        # Only the school year of each pupil: the pupil's row is read for that one field.
        years = Pupil.objects.filter(participations__trajectory=duo).values_list(
            "school_year", flat=True
        )
        observations = Observation.objects.filter(trajectory=duo).prefetch_related(
            "scores__criterion"
        )
        duos.append(
            DuoFile(
                programme=duo.programme.name,
                school_years=[str(SchoolYear(y).label) for y in sorted(set(years)) if y],
                kind="pupils" if years else "family",
                status=duo.get_status_display(),
                start=duo.planned_start,
                end=duo.closed_on or duo.planned_end,
                meetings_held=held.count(),
                meetings_cancelled=meetings.filter(status=MeetingStatus.CANCELLED).count(),
                minutes=sum(m.duration_minutes or 0 for m in held),
                buddy_evaluated_on=timezone.localdate(duo.buddy_evaluated_at)
                if duo.buddy_evaluated_at
                else None,
                school_evaluated_on=timezone.localdate(duo.school_evaluated_at)
                if duo.school_evaluated_at
                else None,
                # The kijkwijzer's scores per criterion are about the buddy's practice; its
                # summary and notes are free text that may name the child, so they stay out.
                kijkwijzers=[
                    (o.observed_on, [(s.criterion.label, s.score) for s in o.scores.all()])
                    for o in observations
                ],
            )
        )
        if has_certificate(duo):
            certificate = certificate_for(duo)
            certificates.append(
                (certificate.programme, certificate.meetings_held, certificate.hours)
            )
    weeks: dict[str, int] = defaultdict(int)
    for day, minutes in Meeting.objects.filter(
        trajectory__buddy=buddy, status=MeetingStatus.HAPPENED
    ).values_list("date", "duration_minutes"):
        iso = day.isocalendar()
        weeks[f"{iso.year}-W{iso.week:02d}"] += minutes or 0
    intervisions = [
        (timezone.localdate(starts), title)
        for starts, title in Registration.objects.filter(
            buddy=buddy, attended=True, event__kind=EventKind.INTERVISION
        )
        .order_by("event__starts_at")
        .values_list("event__starts_at", "event__title")
    ]
    modules = [
        (timezone.localdate(done), title)
        for done, title in ModuleCompletion.objects.filter(buddy=buddy)
        .order_by("completed_at")
        .values_list("completed_at", "module__title")
    ]
    user = buddy.user
    institution = buddy.training_institution
    return InternshipFile(
        name=user.get_full_name() or user.email,
        email=user.email,
        institution=str(institution) if institution else "",
        duos=duos,
        weeks=[WeekHours(week, weeks[week]) for week in sorted(weeks, reverse=True)],
        years=hours_per_school_year(buddy),
        intervisions=intervisions,
        modules=modules,
        certificates=certificates,
    )


def consent_in_force(buddy: Buddy) -> SharingConsent | None:
    return (
        SharingConsent.objects.in_force().filter(buddy=buddy).select_related("institution").first()
    )


def institutions_led(*, user: Any) -> QuerySet[TrainingInstitution]:
    return policy.institutions_led_by(user, TrainingInstitution.objects.all()).order_by(
        "name", "campus"
    )


def institution_get_led(*, user: Any, institution_uuid: Any) -> TrainingInstitution:
    return get_object_or_404(institutions_led(user=user), uuid=institution_uuid)


def partnerships_of(*, user: Any) -> QuerySet[InstitutionPartnership]:
    return policy.partnerships_visible_to(
        user, InstitutionPartnership.objects.select_related("institution", "programme", "contact")
    )
