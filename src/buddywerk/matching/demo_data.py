"""Demo data of matching for Buddy Mechelen: a few more approved buddies, a queue of
accepted referrals that get suggestions and that a batch can match, and proposals in
several states: waiting for the demo buddy `buddy.leerkracht`, accepted by a buddy and
waiting for the school (zorg.ursulinen), and declined with a reason.

Runs the trajectories demo first (it is idempotent), so that the places the demo duos take
are counted. Everything goes through the services. Idempotent: buddies are keyed on their
email address, pupils on school and name, proposals on their referral.
"""

import datetime as dt

from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.access.services import membership_grant
from buddywerk.buddies.models import Buddy, BuddyKind, FieldOfStudy, ScreeningStatus
from buddywerk.demo.world import DEMO_DOMAIN, _account
from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import Programme, School
from buddywerk.referrals import demo_data as referral_demo
from buddywerk.referrals import services as referral_services
from buddywerk.referrals.models import Complexity, Pupil, ReferralStatus, Urgency

from . import services
from .models import Proposal

PROGRAMME = "Buddy Mechelen"

# (mailbox, first, last, postcode, level, capacity, modes, slots, competences, languages, km)
BUDDIES = [
    ("buddy.mechelen.wiskunde", "Wout", "Wiskunde", "2800", "junior", 2, ["school"],
     ["mon-pm", "thu-pm", "wed-pm"], ["maths", "homework"], ["nl", "en"], 10),
    ("buddy.mechelen.lezen", "Lina", "Lezen", "2800", "junior", 1, ["school", "online"],
     ["tue-lunch", "fri-am", "wed-pm"], ["dutch", "wellbeing"], ["nl", "ar"], 8),
    ("buddy.mechelen.planning", "Tom", "Planning", "2811", "expert", 2, ["school"],
     ["wed-pm", "wed-after", "mon-pm"], ["learning", "wellbeing", "maths"], ["nl", "tr"], 15),
    ("buddy.mechelen.verweg", "Nora", "Verweg", "2820", "junior", 1, ["school"],
     ["mon-pm", "thu-pm"], ["maths", "dutch"], ["nl"], 2),
]  # fmt: skip

# (first, last, school number, year, home languages, needs, slots, urgency, complexity)
PUPILS = [
    ("Youssef", "Amrani", "900001", 6, ["ar", "nl"], ["maths", "homework"],
     ["mon-pm", "thu-pm"], Urgency.HIGH, Complexity.NORMAL),
    ("Fien", "Claes", "900001", 5, ["nl"], ["dutch", "wellbeing"],
     ["tue-lunch", "wed-pm"], Urgency.NORMAL, Complexity.NORMAL),
    ("Kerem", "Demir", "900002", 7, ["tr", "nl"], ["learning", "maths"],
     ["wed-pm", "wed-after"], Urgency.NORMAL, Complexity.COMPLEX),
    ("Lotte", "Mertens", "900003", 6, ["nl"], ["maths"],
     ["mon-pm"], Urgency.LOW, Complexity.NORMAL),
    ("Ayoub", "Benali", "900002", 8, ["ar", "nl"], ["wellbeing", "career"],
     ["wed-pm"], Urgency.NORMAL, Complexity.NORMAL),
    ("Zoë", "Vermeulen", "900001", 1, ["nl"], ["dutch"],
     ["fri-am"], Urgency.NORMAL, Complexity.NORMAL),
    # three for the proposals below
    ("Hanne", "Goossens", "900002", 7, ["nl"], ["maths", "career"],
     ["mon-after", "wed-pm"], Urgency.NORMAL, Complexity.NORMAL),
    ("Milan", "Smets", "900001", 6, ["nl", "fr"], ["maths", "learning"],
     ["wed-pm"], Urgency.NORMAL, Complexity.NORMAL),
    ("Ines", "Wuyts", "900001", 5, ["nl"], ["maths"],
     ["mon-pm", "thu-pm"], Urgency.NORMAL, Complexity.NORMAL),
]  # fmt: skip

# (pupil's name, buddy mailbox, what happens)
PROPOSALS = [
    (("Hanne", "Goossens"), "buddy.leerkracht", "pending"),
    (("Milan", "Smets"), "buddy.mechelen.planning", "accepted"),
    (("Ines", "Wuyts"), "buddy.mechelen.wiskunde", "declined"),
]
DECLINE_REASON = "Ik heb dit trimester op maandag en donderdag al examens."


def _buddies(programme: Programme) -> None:
    today = timezone.localdate()
    start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for local, first, last, code, level, capacity, modes, slots, comps, langs, km in BUDDIES:
        user = _account(f"{local}@{DEMO_DOMAIN}", first, last)
        buddy, created = Buddy.objects.get_or_create(
            user=user,
            defaults={
                "kind": BuddyKind.STUDENT,
                "field_of_study": FieldOfStudy.TEACHER_TRAINING,
                "training_institution_name": "Thomas More",
                "status": ScreeningStatus.APPROVED,
                "level": level,
                "capacity": capacity,
                "home_postcode": Postcode.objects.get(code=code),
                "travel_radius_km": km,
                "meeting_modes": modes,
                "slots": slots,
                "competences": comps,
                "languages": langs,
                "available_from": start,
                "available_until": start.replace(year=start.year + 1, month=6, day=30),
                "extract_seen_on": today - dt.timedelta(days=30),
                "screened_at": timezone.now() - dt.timedelta(days=30),
            },
        )
        if created:
            buddy.full_clean()
            buddy.programmes.add(programme)
            membership_grant(actor=None, user=user, organisation=programme, role=Role.BUDDY)


def _referrals(programme: Programme) -> None:
    for index, (first, last, number, year, langs, needs, slots, urgency, complexity) in enumerate(
        PUPILS
    ):
        school = School.objects.get(school_number=number)
        if Pupil.objects.filter(school=school, first_name=first, last_name=last).exists():
            continue
        data = referral_demo.pupil_referral_data(index)
        data.update(
            needs=needs,
            time_slots=slots,
            meeting_modes=["school"],
            urgency=urgency,
            complexity=complexity,
        )
        referral = referral_services.pupil_referral_create(
            actor=None,
            school=school,
            programme=programme,
            pupil_data=referral_demo.pupil_data(first, last, year, langs),
            referral_data=data,
        )
        referral = referral_services.referral_walk(
            actor=None,
            referral=referral,
            to_status=ReferralStatus.ACCEPTED,
            reason=referral_demo.DEMO_REASON,
        )
        referral_demo.backdate(referral, days=2 + 3 * index)


def _proposals(programme: Programme) -> None:
    for (first, last), mailbox, outcome in PROPOSALS:
        pupil = Pupil.objects.filter(
            first_name=first, last_name=last, referrals__programme=programme
        ).first()
        buddy = Buddy.objects.filter(user__email=f"{mailbox}@{DEMO_DOMAIN}").first()
        if pupil is None or buddy is None:
            continue
        referral = pupil.referrals.get(programme=programme)
        if Proposal.objects.filter(referral=referral).exists():
            continue
        proposal = services.proposal_create(actor=None, referral=referral, buddy=buddy)
        if outcome == "accepted":
            services.proposal_accept(actor=None, proposal=proposal)
        elif outcome == "declined":
            services.proposal_decline(actor=None, proposal=proposal, reason=DECLINE_REASON)


def build() -> None:
    from buddywerk.trajectories import demo_data as duo_demo

    programme = Programme.objects.filter(name=PROGRAMME).first()
    if programme is None:
        return
    duo_demo.build()  # the demo duos first, so their places count (idempotent)
    _buddies(programme)
    _referrals(programme)
    _proposals(programme)
