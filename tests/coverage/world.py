"""A small world for the coverage map, counted by hand (issue 19 point 3).

- Buddy Mechelen (P1) covers Mechelen (12025) and Lier (12021); a family programme (P2)
  covers Gent (44021). Nobody covers Bonheiden (12005).
- Mechelen: three referrals of P1 in the queue (submitted, accepted, on the waiting list;
  submitted 10, 20 and 40 days ago: median 20 days), one matched and one draft (not
  waiting). Buddy B1 (home 2800, capacity 3) has one active duo with one pupil there: 2
  free places. Buddy B5 (2800, capacity 1) had a duo at a Mechelen school, closed today:
  it was active during the current school year (the period) but takes no place, so B5 has
  1 free place. Buddy B2 (2800) is paused and B3 (2800) has no extract seen: neither
  counts. So 2 buddies, 3 free places, 2 duos active during the period; demand per free
  place 3 / 3 = 1.0.
- Lier: buddy B4 (home 2500, capacity 3) has one active group duo of three pupils of a Lier
  school: one duo, 0 free places, nobody waiting.
- Bonheiden: one referral of P1 waiting (a pupil of a Bonheiden school, sent when P1
  still worked there), no programme now: a white spot.
- Gent: one family referral of P2 waiting, no buddy: demand "no free place", a white spot.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from buddywerk.buddies.models import Buddy
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import ParticipantKind, Programme
from buddywerk.referrals.models import Referral, ReferralStatus, ReferralTransition
from buddywerk.reports import periods
from buddywerk.trajectories.models import Trajectory
from tests.factories import (
    BuddyFactory,
    FamilyReferralFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    postcode,
)
from tests.trajectories.factories import TrajectoryFactory

MECHELEN, LIER, BONHEIDEN, GENT = "12025", "12021", "12005", "44021"


@dataclass
class World:
    p1: Programme
    p2: Programme
    b1: Buddy
    b4: Buddy
    today: dt.date

    @property
    def period(self) -> periods.Period:
        """The whole current school year: it runs, so the snapshot is today's."""
        return periods.final(periods.school_year_of(self.today))


def _submitted_days_ago(referral: Referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=days)
    )


def build() -> World:
    p1 = ProgrammeFactory(
        name="Buddy Mechelen (kaart)",
        municipalities=Municipality.objects.filter(nis_code__in=[MECHELEN, LIER]),
    )
    p2 = ProgrammeFactory(
        name="Gezinsbuddy Gent (kaart)",
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=Municipality.objects.filter(nis_code=GENT),
    )
    school_m = SchoolFactory(postcode=postcode("2800"))
    school_l = SchoolFactory(postcode=postcode("2500"))
    school_b = SchoolFactory(postcode=postcode("2820"))
    for status, days in (
        (ReferralStatus.SUBMITTED, 10),
        (ReferralStatus.ACCEPTED, 20),
        (ReferralStatus.WAITING, 40),
    ):
        r = ReferralFactory(programme=p1, pupil=PupilFactory(school=school_m), status=status)
        _submitted_days_ago(r, days)
    ReferralFactory(programme=p1, pupil=PupilFactory(school=school_m), matched=True)
    ReferralFactory(programme=p1, pupil=PupilFactory(school=school_m), draft=True)
    # P1 worked in Bonheiden when the referral came, and has since left it.
    p1.municipalities.add(BONHEIDEN)
    _submitted_days_ago(ReferralFactory(programme=p1, pupil=PupilFactory(school=school_b)), 5)
    p1.municipalities.remove(BONHEIDEN)
    _submitted_days_ago(FamilyReferralFactory(programme=p2), 3)

    b1 = BuddyFactory(capacity=3, home_postcode=postcode("2800"), programmes=[p1])
    BuddyFactory(home_postcode=postcode("2800"), is_paused=True, programmes=[p1])
    BuddyFactory(home_postcode=postcode("2800"), extract_seen_on=None, programmes=[p1])
    b4 = BuddyFactory(capacity=3, home_postcode=postcode("2500"), programmes=[p1])
    TrajectoryFactory(programme=p1, buddy=b1, school=school_m)
    TrajectoryFactory(programme=p1, buddy=b4, school=school_l, group=True)
    closed_buddy = BuddyFactory(home_postcode=postcode("2800"), programmes=[p1])
    TrajectoryFactory(programme=p1, buddy=closed_buddy, school=school_m, closed=True)
    return World(p1, p2, b1, b4, timezone.localdate())


# --- A past period, counted by hand ----------------------------------------------------

LEUVEN = "24062"


@dataclass
class PastWorld:
    p3: Programme
    period: periods.Period  # the whole last school year: E is its last day
    today: dt.date


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def _history(referral: Referral, submitted: dt.date, matched: dt.date | None = None) -> None:
    """Move a referral's submission and logged changes back in time (as `generate` writes
    history); the match, if any, at `matched`."""
    Referral.objects.filter(pk=referral.pk).update(submitted_at=_at(submitted))
    ReferralTransition.objects.filter(referral=referral).update(at=_at(submitted))
    if matched is not None:
        ReferralTransition.objects.filter(
            referral=referral, to_status=ReferralStatus.MATCHED
        ).update(at=_at(matched))


def _dates(trajectory: Trajectory, start: dt.date, closed_on: dt.date | None = None) -> None:
    Trajectory.objects.filter(pk=trajectory.pk).update(
        planned_start=start, planned_end=start + dt.timedelta(days=300), closed_on=closed_on
    )


def build_past() -> PastWorld:
    """Leuven (24062) over the whole last school year, ending on E (31 August):

    - Referrals of P3 (covers Leuven), pupils of a Leuven school: RA submitted E-29 and
      matched 10 days ago (waiting on E, 29 days); RB submitted E-100 and matched E-50 (not
      waiting); RC submitted 5 days ago (after E: not waiting then, waiting now); RD on the
      waiting list since E-9 (waiting, 9 days). Waiting on E: 2, median (29 + 9) / 2 = 19.
    - Buddies at home in 3000, extract seen on the period's first day: BA (capacity 2) with
      duo DA at the Leuven school from E-60, closed E+10: takes one place on E and was
      active in the period; BC (capacity 1) whose duo DC closed ten days before the period:
      not active in it, no place taken; BD (capacity 1) whose duo began 21 days ago (after
      E): not active in the period, no place taken on E. BB saw the extract 5 days ago: not
      available on E. So 3 buddies, 1 + 1 + 1 = 3 free places, 1 active duo; demand per
      free place 2 / 3.
    """
    today = timezone.localdate()
    period = periods.final(periods.school_year_of(today) - 1)
    end = period.end
    p3 = ProgrammeFactory(
        name="Buddy Leuven (kaart)", municipalities=Municipality.objects.filter(nis_code=LEUVEN)
    )
    school = SchoolFactory(postcode=postcode("3000"))
    ra = ReferralFactory(programme=p3, pupil=PupilFactory(school=school), matched=True)
    _history(ra, end - dt.timedelta(days=29), matched=today - dt.timedelta(days=10))
    rb = ReferralFactory(programme=p3, pupil=PupilFactory(school=school), matched=True)
    _history(rb, end - dt.timedelta(days=100), matched=end - dt.timedelta(days=50))
    rc = ReferralFactory(programme=p3, pupil=PupilFactory(school=school))
    _history(rc, today - dt.timedelta(days=5))
    rd = ReferralFactory(
        programme=p3, pupil=PupilFactory(school=school), status=ReferralStatus.WAITING
    )
    _history(rd, end - dt.timedelta(days=9))

    def buddy(capacity: int = 1, seen: dt.date = period.start) -> Buddy:
        return BuddyFactory(
            capacity=capacity, extract_seen_on=seen, home_postcode=postcode("3000"), programmes=[p3]
        )

    da = TrajectoryFactory(programme=p3, buddy=buddy(2), school=school, closed=True)
    _dates(da, end - dt.timedelta(days=60), closed_on=end + dt.timedelta(days=10))
    dc = TrajectoryFactory(programme=p3, buddy=buddy(), school=school, closed=True)
    _dates(
        dc, period.start - dt.timedelta(days=100), closed_on=period.start - dt.timedelta(days=10)
    )
    TrajectoryFactory(programme=p3, buddy=buddy(), school=school)
    buddy(seen=today - dt.timedelta(days=5))
    return PastWorld(p3, period, today)
