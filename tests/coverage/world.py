"""A small world for the coverage map, counted by hand (issue 19 point 3).

- Buddy Mechelen (P1) covers Mechelen (12025) and Lier (12021); a family programme (P2)
  covers Gent (44021). Nobody covers Bonheiden (12005).
- Mechelen: three referrals of P1 in the queue (submitted, accepted, on the waiting list;
  submitted 10, 20 and 40 days ago: median 20 days), one matched and one draft (not
  waiting). Buddy B1 (home 2800, capacity 3) has one active duo with one pupil there: 2
  free places. Buddy B5 (2800, capacity 1) had a duo at a Mechelen school that is closed:
  the duo does not count, B5 has 1 free place. Buddy B2 (2800) is paused and B3 (2800) has
  no extract seen: neither counts. So 2 buddies, 3 free places, 1 active duo; demand per
  free place 3 / 3 = 1.0.
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
from buddywerk.referrals.models import Referral, ReferralStatus
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
