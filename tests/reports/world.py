"""A small hand-counted world for the report figures: two programmes in two provinces,
interim period 2025 (1 September - 31 December 2025). The expected figures are counted by
hand in the comments and in test_figures.py."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.buddies.models import BuddyKind, ScreeningStatus
from buddywerk.geo.models import Municipality, Province
from buddywerk.organisations.models import OrganisationKind, ParticipantKind, TrainingInstitution
from buddywerk.referrals.models import Referral, ReferralStatus, ReferralTransition
from buddywerk.referrals.rollup import referral_waits_rebuild
from buddywerk.reports.periods import interim
from buddywerk.trajectories.enums import (
    CloseReason,
    MeetingStatus,
    TrajectoryStatus,
    WellbeingMoment,
    WellbeingSource,
)
from buddywerk.trajectories.models import Meeting, Participant, Trajectory, WellbeingScore
from buddywerk.trajectories.rollup import duo_months_rebuild
from tests.factories import (
    BuddyFactory,
    FamilyFactory,
    FamilyReferralFactory,
    OrganisationFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    member,
    postcode,
)

PERIOD = interim(2025)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(hour), tzinfo=timezone.get_current_timezone()
    )


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


@dataclass
class ReportWorld:
    p1: Any
    p2: Any
    objects: dict[str, Any]


def _referral(factory, *, status, submitted: str, moved: str | None = None, **kw) -> Referral:
    """A referral walked to `status`, then its history dated: submitted on `submitted`, the
    last step (matched, declined) on `moved`."""
    referral = factory(status=status, **kw)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=at(submitted))
    transitions = ReferralTransition.objects.filter(referral=referral)
    transitions.filter(to_status__in=["submitted", "accepted", "waiting"]).update(at=at(submitted))
    if moved:
        transitions.filter(to_status__in=["matched", "declined"]).update(at=at(moved))
    # History rewritten outside the services: recompute what they keep from it.
    referral_waits_rebuild()
    return referral


def _buddy(kind, programmes, *, screened: str | None, extract: str | None, **kw):
    buddy = BuddyFactory(
        kind=kind,
        programmes=programmes,
        screened_at=at(screened) if screened else None,
        extract_seen_on=d(extract) if extract else None,
        **kw,
    )
    # As registration and import do: a buddy membership in every programme joined (the
    # buddy's rights in a duo come from it, with the approval).
    for programme in programmes:
        member(buddy.user, programme, Role.BUDDY)
    return buddy


def _duo(programme, buddy, school, participants, *, start: str, **kw) -> Trajectory:
    """A duo written as history, not built through the services as TrajectoryFactory
    does: the figures are counted by hand from these exact rows (started and closed on
    dates in 2025, t4 with a referral still submitted and a buddy whose extract was never
    seen), which the services would refuse or date today."""
    duo = Trajectory.objects.create(
        programme=programme,
        buddy=buddy,
        school=school,
        status=kw.pop("status", TrajectoryStatus.ACTIVE),
        mode="school",
        planned_start=d(start),
        planned_end=d(start) + dt.timedelta(weeks=20),
        **kw,
    )
    for referral in participants:
        Participant.objects.create(
            trajectory=duo, referral=referral, pupil=referral.pupil, family=referral.family
        )
    return duo


def _meetings(duo, *rows: tuple[str, str, int | None]) -> None:
    Meeting.objects.bulk_create(
        Meeting(trajectory=duo, date=d(day), status=status, duration_minutes=minutes)
        for day, status, minutes in rows
    )


def _score(duo, referral, day: str, moment: str, score: int) -> None:
    participant = Participant.objects.get(trajectory=duo, referral=referral)
    WellbeingScore.objects.create(
        trajectory=duo,
        participant=participant,
        date=d(day),
        moment=moment,
        source=WellbeingSource.BUDDY,
        score=score,
    )


def build() -> ReportWorld:
    van = Province.objects.get(code="VAN")
    vov = Province.objects.get(code="VOV")
    p1 = ProgrammeFactory(name="Buddy Mechelen (rapport)", province=van)
    p2 = ProgrammeFactory(
        name="Buddy Gent (rapport)",
        province=vov,
        participant_kind=ParticipantKind.BOTH,
        municipalities=Municipality.objects.filter(nis_code="44021"),
    )
    institution = TrainingInstitution.objects.create(
        name="Hogeschool (rapport)", kind=OrganisationKind.TRAINING_INSTITUTION
    )
    # Buddies. Counted: b1, b2 (approved mid-period) in VAN; b5 in VAN and VOV (once in total).
    b1 = _buddy(
        BuddyKind.STUDENT_INTERNSHIP,
        [p1],
        screened="2025-06-01",
        extract="2025-06-01",
        training_institution=institution,
    )
    b2 = _buddy(
        BuddyKind.STUDENT,
        [p1],
        screened="2025-10-15",
        extract="2025-10-10",
        training_institution=institution,
    )
    _buddy(BuddyKind.RETIRED_TEACHER, [p2], screened="2026-01-05", extract="2025-12-01")
    b4 = _buddy(BuddyKind.TEACHER, [p2], screened="2025-05-01", extract=None)
    b5 = _buddy(BuddyKind.ROLE_MODEL, [p1, p2], screened="2025-01-01", extract="2025-01-01")
    _buddy(BuddyKind.STUDENT, [p2], screened=None, extract=None, status=ScreeningStatus.APPLIED)
    _buddy(
        BuddyKind.SECTOR_MENTOR,
        [p2],
        screened="2025-01-01",
        extract="2025-01-01",
        available_until=d("2025-08-31"),
    )

    s1 = SchoolFactory(name="School Mechelen (rapport)")
    s2 = SchoolFactory(name="School Gent (rapport)", postcode=postcode("9000"))
    service = OrganisationFactory(name="Dienst (rapport)", kind=OrganisationKind.SERVICE)
    pupils = {
        "p1": PupilFactory(school=s1, school_year=3),
        "p2": PupilFactory(school=s1, school_year=3),
        "p3": PupilFactory(school=s1, school_year=7),
        "p4": PupilFactory(school=s2, school_year=5),
        "p5": PupilFactory(school=s2, school_year=4),
        "p6": PupilFactory(school=s2, school_year=4),
        "p7": PupilFactory(school=s1, school_year=2),
    }
    family = FamilyFactory(referred_by=service)
    old_family = FamilyFactory(referred_by=service)
    matched, declined = ReferralStatus.MATCHED, ReferralStatus.DECLINED
    r = {
        "r1": _referral(
            ReferralFactory,
            status=matched,
            submitted="2025-09-10",
            moved="2025-09-20",
            programme=p1,
            pupil=pupils["p1"],
        ),
        "r2": _referral(
            ReferralFactory,
            status=matched,
            submitted="2025-08-20",
            moved="2025-09-09",
            programme=p1,
            pupil=pupils["p2"],
        ),
        "r3": _referral(
            ReferralFactory,
            status=matched,
            submitted="2025-10-01",
            moved="2025-10-31",
            programme=p1,
            pupil=pupils["p3"],
        ),
        "r4": _referral(
            ReferralFactory,
            status=ReferralStatus.SUBMITTED,
            submitted="2025-11-01",
            programme=p2,
            pupil=pupils["p4"],
        ),
        "r5": _referral(
            FamilyReferralFactory,
            status=matched,
            submitted="2025-09-05",
            moved="2025-12-31",
            programme=p2,
            family=family,
        ),
        "r6": _referral(
            ReferralFactory,
            status=declined,
            submitted="2025-09-15",
            moved="2025-09-20",
            programme=p2,
            pupil=pupils["p5"],
        ),
        "r7": _referral(
            ReferralFactory,
            status=ReferralStatus.SUBMITTED,
            submitted="2026-01-10",
            programme=p2,
            pupil=pupils["p6"],
        ),
        "r8": _referral(
            ReferralFactory,
            status=ReferralStatus.WAITING,
            submitted="2025-05-01",
            programme=p1,
            pupil=pupils["p7"],
        ),
        "r9": _referral(
            FamilyReferralFactory,
            status=matched,
            submitted="2025-04-01",
            moved="2025-05-20",
            programme=p2,
            family=old_family,
        ),
    }
    # Duos. t1: two pupils, a meeting on the last day of the period, one after it.
    t1 = _duo(p1, b1, s1, [r["r1"], r["r2"]], start="2025-09-22")
    _meetings(
        t1,
        ("2025-09-29", MeetingStatus.HAPPENED, 60),
        ("2025-10-06", MeetingStatus.HAPPENED, 90),
        ("2025-10-13", MeetingStatus.CANCELLED, None),
        ("2025-11-10", MeetingStatus.PLANNED, 60),
        ("2025-12-31", MeetingStatus.HAPPENED, 60),
        ("2026-01-05", MeetingStatus.HAPPENED, 60),
    )
    t2 = _duo(
        p1,
        b2,
        s1,
        [r["r3"]],
        start="2025-10-20",
        status=TrajectoryStatus.CLOSED,
        closed_on=d("2025-12-15"),
        close_reason=CloseReason.GOALS_REACHED,
    )
    _meetings(t2, ("2025-11-03", MeetingStatus.HAPPENED, 30))
    # t3 spans two periods: started before 1 September, closed on the last day.
    t3 = _duo(
        p2,
        b5,
        service,
        [r["r9"]],
        start="2025-06-01",
        status=TrajectoryStatus.CLOSED,
        closed_on=d("2025-12-31"),
        close_reason=CloseReason.STOPPED_BY_PARTICIPANT,
    )
    _meetings(
        t3,
        ("2025-06-10", MeetingStatus.HAPPENED, 60),
        ("2025-09-15", MeetingStatus.HAPPENED, 60),
    )
    # t4: only a cancelled meeting in the period; closed after it.
    t4 = _duo(
        p2,
        b4,
        s2,
        [r["r4"]],
        start="2025-09-25",
        status=TrajectoryStatus.CLOSED,
        closed_on=d("2026-01-10"),
        close_reason=CloseReason.MOVED,
    )
    _meetings(t4, ("2025-10-01", MeetingStatus.CANCELLED, None))
    # Well-being: p1 2 -> 4, p2 3 -> 3 (a later 5 falls after the period), p3 intake only,
    # the family 2 -> 3 (intake before the period).
    _score(t1, r["r1"], "2025-09-29", WellbeingMoment.INTAKE, 2)
    _score(t1, r["r1"], "2025-12-20", WellbeingMoment.END, 4)
    _score(t1, r["r2"], "2025-09-29", WellbeingMoment.INTAKE, 3)
    _score(t1, r["r2"], "2025-11-20", WellbeingMoment.MIDWAY, 3)
    _score(t1, r["r2"], "2026-01-10", WellbeingMoment.END, 5)
    _score(t2, r["r3"], "2025-11-03", WellbeingMoment.INTAKE, 3)
    _score(t3, r["r9"], "2025-06-10", WellbeingMoment.INTAKE, 2)
    _score(t3, r["r9"], "2025-09-15", WellbeingMoment.CHECK, 3)
    # The meetings above are history written directly: the report's rollup is rebuilt from
    # them, as `buddywerk generate` does.
    duo_months_rebuild()
    return ReportWorld(p1=p1, p2=p2, objects={"t1": t1, "t2": t2, "t3": t3, **r, **pupils})
