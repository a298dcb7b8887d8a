"""Step: matching for Buddy Mechelen: more approved buddies, a queue of accepted
referrals, and proposals in every answer state."""

from buddywerk.buddies.models import Buddy, BuddyKind, ScreeningStatus
from buddywerk.learning.models import Module
from buddywerk.learning.services import module_complete
from buddywerk.matching.models import Proposal
from buddywerk.matching.services import (
    proposal_accept,
    proposal_confirm,
    proposal_create,
    proposal_decline,
)
from buddywerk.organisations.models import Programme, School
from buddywerk.referrals.enums import Complexity, ReferralStatus, Urgency
from buddywerk.referrals.models import Referral

from ..people import demo_email, person
from .buddies import kind_fields, register, screen
from .referrals import DemoPupil, refer_pupil

PROGRAMME = "Buddy Mechelen"

# (mailbox, first, last, postcode, level, capacity, modes, slots, competences, languages, km)
# Nora lives in Bonheiden: her 9 km reach Mechelen's centre but not De Regenboog in Hombeek.
BUDDIES = [
    ("buddy.mechelen.wiskunde", "Wout", "Wiskunde", "2800", "junior", 2, ["school"],
     ["mon-pm", "thu-pm", "wed-pm"], ["maths", "homework"], ["nl", "en"], 10),
    ("buddy.mechelen.lezen", "Lina", "Lezen", "2800", "junior", 1, ["school", "online"],
     ["tue-lunch", "fri-am", "wed-pm"], ["dutch", "wellbeing"], ["nl", "ar"], 8),
    ("buddy.mechelen.planning", "Tom", "Planning", "2811", "expert", 2, ["school"],
     ["wed-pm", "wed-after", "mon-pm"], ["learning", "wellbeing", "maths"], ["nl", "tr"], 15),
    ("buddy.mechelen.verweg", "Nora", "Verweg", "2820", "junior", 1, ["school"],
     ["mon-pm", "thu-pm"], ["maths", "dutch"], ["nl"], 9),
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
    # four for the proposals below
    ("Hanne", "Goossens", "900002", 7, ["nl"], ["maths", "career"],
     ["mon-after", "wed-pm"], Urgency.NORMAL, Complexity.NORMAL),
    ("Milan", "Smets", "900001", 6, ["nl", "fr"], ["maths", "learning"],
     ["wed-pm"], Urgency.NORMAL, Complexity.NORMAL),
    ("Ines", "Wuyts", "900001", 5, ["nl"], ["maths"],
     ["mon-pm", "thu-pm"], Urgency.NORMAL, Complexity.NORMAL),
    ("Sofia", "Nowak", "900002", 8, ["pl"], ["maths", "homework"],
     ["wed-pm", "mon-pm"], Urgency.NORMAL, Complexity.NORMAL),
]  # fmt: skip

# (pupil's name, buddy mailbox, what happens)
PROPOSALS = [
    (("Hanne", "Goossens"), "buddy.leerkracht", "pending"),
    (("Milan", "Smets"), "buddy.mechelen.planning", "accepted"),
    (("Ines", "Wuyts"), "buddy.mechelen.wiskunde", "declined"),
    (("Sofia", "Nowak"), "buddy.mechelen.wiskunde", "confirmed"),
]
DECLINE_REASON = "Ik heb dit trimester op maandag en donderdag al examens."
# Who confirms for each school.
SCHOOL_STAFF = {"900001": "zorg.ursulinen", "900002": "zorg.busleyden"}


def _buddies(programme: Programme) -> None:
    for local, first, last, code, level, capacity, modes, slots, comps, langs, km in BUDDIES:
        buddy = register(
            local=local,
            first_name=first,
            last_name=last,
            programme=programme,
            postcode=code,
            profile={
                **kind_fields(BuddyKind.STUDENT, programme),
                "capacity": capacity,
                "meeting_modes": modes,
                "slots": slots,
                "competences": comps,
                "languages": langs,
                "travel_radius_km": km,
            },
            days_ago=45,
        )
        if buddy is not None:
            screen(
                buddy,
                programme,
                status=ScreeningStatus.APPROVED,
                extract_seen_days_ago=30,
                level=level,
            )
            # Buddy Mechelen requires modules before a first duo (issue 13): these buddies
            # did them, so the suggestions show them
            for module in Module.objects.filter(required_by__programme=programme):
                module_complete(actor=buddy.user, module=module, reflection="")


def _referrals() -> dict[tuple[str, str], Referral]:
    """The school referred each pupil days ago and the coordinator accepted them into the
    matching queue; returns the new referrals by the pupil's name."""
    made = {}
    for index, (first, last, number, year, langs, needs, slots, urgency, complexity) in enumerate(
        PUPILS
    ):
        referral = refer_pupil(
            DemoPupil(
                first,
                last,
                number,
                year,
                langs,
                ReferralStatus.ACCEPTED,
                days_ago=2 + 3 * index,
                details={
                    "needs": needs,
                    "time_slots": slots,
                    "meeting_modes": ["school"],
                    "urgency": urgency,
                    "complexity": complexity,
                },
            ),
            index,
        )
        if referral is not None:
            made[(first, last)] = referral
    return made


def _proposals(referrals: dict[tuple[str, str], Referral]) -> None:
    coordinator = person("coordinator.mechelen")
    for name, mailbox, outcome in PROPOSALS:
        referral = referrals.get(name)
        if referral is None or Proposal.objects.filter(referral=referral).exists():
            continue
        buddy = Buddy.objects.get(user__email=demo_email(mailbox))
        proposal = proposal_create(actor=coordinator, referral=referral, buddy=buddy)
        if outcome in {"accepted", "confirmed"}:
            proposal_accept(actor=buddy.user, proposal=proposal)
        if outcome == "confirmed":
            school = School.objects.get(pk=referral.referrer_id)
            proposal_confirm(actor=person(SCHOOL_STAFF[school.school_number]), proposal=proposal)
        elif outcome == "declined":
            proposal_decline(actor=buddy.user, proposal=proposal, reason=DECLINE_REASON)


def matching() -> None:
    """The coordinator of Buddy Mechelen finds a matching queue ("Koppelen") with
    suggestions per referral and a batch to preview: four more approved student buddies
    (Nora lives too far from De Regenboog) and accepted referrals of every urgency.
    Lotte (buddy.leerkracht) has a proposal waiting under "Voorstellen"; Tom accepted one
    that waits for zorg.ursulinen to confirm, which starts the duo; Wout declined one with
    a reason and accepted another, which zorg.busleyden confirmed: that duo with Sofia
    waits for its agreements."""
    programme = Programme.objects.get(name=PROGRAMME)
    _buddies(programme)
    _proposals(_referrals())
