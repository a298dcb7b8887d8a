"""Step: pupils and families referred by their school or service, and the programme's
decisions on them. `refer_pupil`, `refer_family` and `DETAILS` serve later steps too."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from buddywerk.access.models import User
from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import Organisation, Programme, School
from buddywerk.referrals.enums import Complexity, ReferralStatus, Urgency
from buddywerk.referrals.models import Family, Pupil, Referral, school_year_start, usual_age
from buddywerk.referrals.services import (
    TRANSITION_SERVICES,
    family_referral_create,
    pupil_referral_create,
)
from buddywerk.referrals.workflow import REFERRAL

from .. import dates
from ..people import person

# Who acts for each organisation: the care coordinator (or the reception service) refers,
# submits and withdraws; the programme's coordinator triages. A school without an account
# in the demo (it came from the official list) refers as the system (actor None).
REFERRERS = {
    "900001": "zorg.ursulinen",
    "900002": "zorg.busleyden",
    "Onthaalbureau Gent": "onthaal.gent",
}
TRIAGERS = {"Buddy Mechelen": "coordinator.mechelen", "Gezinsbuddy Gent": "coordinator.gent"}
REFERRER_TRANSITIONS = frozenset({"submit", "withdraw"})

# Reasons the programme gives, by the status it moves to.
REASONS: dict[str, str] = {
    ReferralStatus.DECLINED: "De leerling krijgt al begeleiding van het CLB; een buddy komt erbij "
    "te veel.",
    ReferralStatus.WAITING: "Alle buddy's zijn volzet tot de kerstvakantie.",
    ReferralStatus.WITHDRAWN: "De ouders hebben hun toestemming ingetrokken.",
}

_NEEDS = [["maths", "homework"], ["dutch", "wellbeing"], ["learning", "wellbeing"]]
_CRITERIA = [
    ["motivated", "needs_push"],
    ["little_parental_support", "language", "migration"],
    ["low_wellbeing", "poverty"],
]
_SLOTS = [["mon-pm", "thu-pm"], ["tue-lunch", "fri-am"], ["wed-pm", "wed-after"]]


def details(index: int, **overrides: Any) -> dict[str, Any]:
    """Varied but plausible referral details for the n-th pupil (consent is added when
    the referral is made)."""
    return {
        "needs": _NEEDS[index % 3],
        "needs_note": "",
        "criteria": _CRITERIA[index % 3],
        "goals": [],
        "meeting_modes": ["school"] if index % 2 == 0 else ["school", "online"],
        "time_slots": _SLOTS[index % 3],
        "urgency": [Urgency.NORMAL, Urgency.HIGH, Urgency.LOW][index % 3],
        "complexity": Complexity.COMPLEX if index % 4 == 3 else Complexity.NORMAL,
        "consent_given_by": "moeder" if index % 2 == 0 else "beide ouders",
        "consent_giver": "parent",
        "consent_method": "paper" if index % 2 == 0 else "digital",
        **overrides,
    }


FAMILY_DETAILS: dict[str, Any] = {
    "needs": ["family"],
    "needs_note": "",
    "criteria": [],
    "goals": ["network", "dutch_practice", "finding_services"],
    "meeting_modes": ["home"],
    "time_slots": ["wed-after", "fri-eve"],
    "urgency": Urgency.NORMAL,
    "complexity": Complexity.NORMAL,
    "consent_given_by": "het gezin zelf",
    "consent_giver": "family",
    "consent_method": "paper",
}


def _actor(local: str | None) -> User | None:
    return person(local) if local else None


def walk(referral: Referral, to_status: str, *, start: dt.datetime) -> Referral:
    """Take a draft to `to_status` the way people do, one transition service at a time:
    the school submits (`start`), the programme's coordinator triages a day later, and so
    on, each step on its own day (the services' fake clock), never later than now."""
    referrer = _actor(REFERRERS.get(_referrer_key(referral)))
    coordinator = person(TRIAGERS[referral.programme.name])
    for step, transition in enumerate(REFERRAL.path(ReferralStatus.DRAFT, to_status)):
        service = TRANSITION_SERVICES[transition.name]
        actor = referrer if transition.name in REFERRER_TRANSITIONS else coordinator
        moment = min(start + dt.timedelta(days=step), timezone.now())
        if transition.name == "submit":
            referral = service(actor=actor, referral=referral, now=moment)
        else:
            referral = service(
                actor=actor,
                referral=referral,
                reason=REASONS.get(transition.target, ""),
                now=moment,
            )
    return referral


def _referrer_key(referral: Referral) -> str:
    school = School.objects.filter(pk=referral.referrer_id).first()
    return school.school_number if school is not None else referral.referrer.name


@dataclass(frozen=True)
class DemoPupil:
    first_name: str
    last_name: str
    school_number: str
    school_year: int
    languages: list[str]
    status: str
    days_ago: int  # when the school submitted the referral
    programme: str = "Buddy Mechelen"
    details: dict[str, Any] = field(default_factory=dict)


def refer_pupil(spec: DemoPupil, index: int) -> Referral | None:
    """The school refers the pupil (a draft with the parents' consent of three days
    earlier) and the referral goes on to `spec.status`. None when the pupil was referred
    already (a second run of the demo)."""
    school = School.objects.get(school_number=spec.school_number)
    if Pupil.objects.filter(
        school=school, first_name=spec.first_name, last_name=spec.last_name
    ).exists():
        return None
    start = dates.days_ago(spec.days_ago)
    referral = pupil_referral_create(
        actor=_actor(REFERRERS.get(spec.school_number)),
        school=school,
        programme=Programme.objects.get(name=spec.programme),
        pupil_data={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "school_year": spec.school_year,
            "birth_year": school_year_start() - usual_age(spec.school_year),
            "home_languages": spec.languages,
        },
        referral_data={
            **details(index, **spec.details),
            "consent_given_on": start.date() - dt.timedelta(days=3),
        },
    )
    return walk(referral, spec.status, start=start)


@dataclass(frozen=True)
class DemoFamily:
    contact_name: str
    household_size: int
    children_ages: list[int]
    languages: list[str]
    contact_language: str
    postcode: str
    status: str
    days_ago: int
    programme: str = "Gezinsbuddy Gent"
    referrer: str = "Onthaalbureau Gent"


def refer_family(spec: DemoFamily) -> Referral | None:
    """The reception service refers the family [004]; see `refer_pupil`."""
    referrer = Organisation.objects.get(name=spec.referrer)
    if Family.objects.filter(referred_by=referrer, contact_name=spec.contact_name).exists():
        return None
    start = dates.days_ago(spec.days_ago)
    referral = family_referral_create(
        actor=_actor(REFERRERS.get(spec.referrer)),
        referrer=referrer,
        programme=Programme.objects.get(name=spec.programme),
        family_data={
            "contact_name": spec.contact_name,
            "household_size": spec.household_size,
            "children_ages": spec.children_ages,
            "languages": spec.languages,
            "contact_language": spec.contact_language,
            "postcode": Postcode.objects.get(code=spec.postcode),
        },
        referral_data={
            **FAMILY_DETAILS,
            "consent_given_on": start.date() - dt.timedelta(days=3),
        },
    )
    return walk(referral, spec.status, start=start)


S = ReferralStatus
PUPILS = [
    DemoPupil("Amira", "El Idrissi", "900001", 6, ["ar", "nl"], S.SUBMITTED, 3),
    DemoPupil("Lucas", "Peeters", "900001", 1, ["nl"], S.ACCEPTED, 7),
    DemoPupil("Noor", "Janssens", "900001", 6, ["nl"], S.DRAFT, 0),
    DemoPupil("Mehmet", "Yilmaz", "900002", 7, ["tr", "nl"], S.WAITING, 15),
    DemoPupil("Elias", "De Smet", "900003", 1, ["nl"], S.SUBMITTED, 23),
    DemoPupil("Yusuf", "Aydin", "900001", 5, ["tr", "nl"], S.DECLINED, 30),
    DemoPupil("Adam", "Benali", "900002", 7, ["ar", "fr"], S.WITHDRAWN, 14),
    DemoPupil("Milan", "Claes", "900003", 6, ["nl"], S.WAITING, 45),
    DemoPupil("Zara", "Osei", "900001", 6, ["en", "nl"], S.ACCEPTED, 9),
]
FAMILIES = [
    DemoFamily("Familie Haddad", 5, [4, 9, 12], ["ar"], "ar", "9000", S.SUBMITTED, 5),
    DemoFamily("Familie Tesfaye", 3, [7], ["ti", "en"], "en", "9040", S.SUBMITTED, 5),
    DemoFamily("Familie Kowalczyk", 4, [3, 8], ["pl"], "pl", "9000", S.ACCEPTED, 25),
    DemoFamily("Familie Rahimi", 6, [2, 5, 11, 15], ["fa", "ps"], "fa", "9040", S.WAITING, 60),
    DemoFamily("Familie Moreau", 2, [1], ["fr"], "fr", "9000", S.DRAFT, 0),
]


def referrals() -> None:
    """Schools and the reception service find their referrals, and the coordinators their
    queue, in every open and final state: drafts not sent yet (Noor, Familie Moreau),
    submitted and waiting for triage (Amira, Elias, Familie Haddad and Tesfaye), accepted
    into the matching queue, on the waiting list, declined with a reason (Yusuf), and
    withdrawn by the school (Adam). Each was submitted days or weeks ago and carries its
    full history: who did what, when, and why. Matched and closed referrals come with the
    duos of the next steps."""
    for index, spec in enumerate(PUPILS):
        refer_pupil(spec, index)
    for family in FAMILIES:
        refer_family(family)
