"""Demo referrals in every status, each with its transition log (demo/world.py runs
`build()` after the core steps, which already create the first pupils and families).

Everything goes through the services; only the dates are moved into the past afterwards,
so the programme's queue shows realistic waiting days. Idempotent: keyed on the pupil's
school and name, and on the family's referrer and contact name.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import Organisation, Programme, School

from . import services
from .models import (
    Complexity,
    Family,
    Pupil,
    Referral,
    ReferralStatus,
    ReferralTransition,
    Urgency,
    school_year_start,
    usual_age,
)

DEMO_REASON = "Demo"

# Reasons the demo programme gives, by the status it moves to.
REASONS = {
    ReferralStatus.DECLINED: "De leerling krijgt al begeleiding van het CLB; een buddy komt erbij "
    "te veel.",
    ReferralStatus.WAITING: "Alle buddy's zijn volzet tot de kerstvakantie.",
    ReferralStatus.WITHDRAWN: "De ouders hebben hun toestemming ingetrokken.",
    ReferralStatus.CLOSED: "Het traject is afgerond na twaalf weken.",
}


def pupil_data(first: str, last: str, year: int, languages: list[str]) -> dict[str, Any]:
    return {
        "first_name": first,
        "last_name": last,
        "school_year": year,
        "birth_year": school_year_start() - usual_age(year),
        "home_languages": languages,
    }


_NEEDS = [["maths", "homework"], ["dutch", "wellbeing"], ["learning", "wellbeing"]]
_CRITERIA = [
    ["motivated", "needs_push"],
    ["little_parental_support", "language", "migration"],
    ["low_wellbeing", "poverty"],
]
_SLOTS = [["mon-pm", "thu-pm"], ["tue-lunch", "fri-am"], ["wed-pm", "wed-after"]]


def pupil_referral_data(index: int) -> dict[str, Any]:
    """Varied but plausible referral details for the n-th demo pupil."""
    return {
        "needs": _NEEDS[index % 3],
        "needs_note": "",
        "criteria": _CRITERIA[index % 3],
        "goals": [],
        "meeting_modes": ["school"] if index % 2 == 0 else ["school", "online"],
        "time_slots": _SLOTS[index % 3],
        "urgency": [Urgency.NORMAL, Urgency.HIGH, Urgency.LOW][index % 3],
        "complexity": Complexity.COMPLEX if index % 4 == 3 else Complexity.NORMAL,
        "consent_given_on": timezone.localdate() - dt.timedelta(days=40),
        "consent_given_by": "moeder" if index % 2 == 0 else "beide ouders",
    }


def family_referral_data() -> dict[str, Any]:
    return {
        "needs": ["family"],
        "needs_note": "",
        "criteria": [],
        "goals": ["network", "dutch_practice", "finding_services"],
        "meeting_modes": ["home"],
        "time_slots": ["wed-after", "fri-eve"],
        "urgency": Urgency.NORMAL,
        "complexity": Complexity.NORMAL,
        "consent_given_on": timezone.localdate() - dt.timedelta(days=20),
        "consent_given_by": "het gezin zelf",
    }


def backdate(referral: Referral, *, days: int) -> None:
    """Move a demo referral's history `days` into the past: submitted then, each later
    step a day after the one before (never in the future)."""
    now = timezone.now()
    start = now - dt.timedelta(days=days)
    transitions = list(referral.transitions.order_by("at", "id"))
    last = start
    for step, transition in enumerate(transitions):
        last = min(start + dt.timedelta(days=step), now)
        ReferralTransition.objects.filter(pk=transition.pk).update(at=last)
    submitted = next(
        (
            min(start + dt.timedelta(days=step), now)
            for step, t in enumerate(transitions)
            if t.to_status == ReferralStatus.SUBMITTED
        ),
        None,
    )
    Referral.objects.filter(pk=referral.pk).update(
        created_at=start - dt.timedelta(days=1),
        submitted_at=submitted,
        status_changed_at=last if transitions else None,
    )
    Pupil.objects.filter(referrals=referral, created_at__gt=start).update(
        created_at=start - dt.timedelta(days=1)
    )
    Family.objects.filter(referrals=referral, created_at__gt=start).update(
        created_at=start - dt.timedelta(days=1)
    )


MORE_PUPILS = [
    # (first, last, school number, school year, home languages, status, days ago)
    ("Yusuf", "Aydin", "900001", 5, ["tr", "nl"], ReferralStatus.DECLINED, 30),
    ("Lina", "Vermeulen", "900003", 6, ["nl"], ReferralStatus.CLOSED, 120),
    ("Adam", "Benali", "900002", 7, ["ar", "fr"], ReferralStatus.WITHDRAWN, 14),
    ("Milan", "Claes", "900003", 6, ["nl"], ReferralStatus.WAITING, 45),
    ("Zara", "Osei", "900001", 6, ["en", "nl"], ReferralStatus.ACCEPTED, 9),
]

MORE_FAMILIES = [
    # (contact, household, ages, languages, contact language, postcode, status, days ago)
    ("Familie Kowalczyk", 4, [3, 8], ["pl"], "pl", "9000", ReferralStatus.ACCEPTED, 25),
    ("Familie Rahimi", 6, [2, 5, 11, 15], ["fa", "ps"], "fa", "9040", ReferralStatus.WAITING, 60),
    ("Familie Moreau", 2, [1], ["fr"], "fr", "9000", ReferralStatus.DRAFT, 0),
]


def _more_pupils() -> None:
    programme = Programme.objects.get(name="Buddy Mechelen")
    for index, (first, last, number, year, languages, status, days) in enumerate(MORE_PUPILS):
        school = School.objects.get(school_number=number)
        if Pupil.objects.filter(school=school, first_name=first, last_name=last).exists():
            continue
        referral = services.pupil_referral_create(
            actor=None,
            school=school,
            programme=programme,
            pupil_data=pupil_data(first, last, year, languages),
            referral_data=pupil_referral_data(index + 1),
        )
        referral = services.referral_walk(
            actor=None, referral=referral, to_status=status, reason=REASONS.get(status, "")
        )
        backdate(referral, days=days)


def _more_families() -> None:
    service = Organisation.objects.get(name="Onthaalbureau Gent")
    programme = Programme.objects.get(name="Gezinsbuddy Gent")
    for name, size, ages, languages, contact, code, status, days in MORE_FAMILIES:
        if Family.objects.filter(referred_by=service, contact_name=name).exists():
            continue
        referral = services.family_referral_create(
            actor=None,
            referrer=service,
            programme=programme,
            family_data={
                "contact_name": name,
                "household_size": size,
                "children_ages": ages,
                "languages": languages,
                "contact_language": contact,
                "postcode": Postcode.objects.get(code=code),
            },
            referral_data=family_referral_data(),
        )
        referral = services.referral_walk(
            actor=None, referral=referral, to_status=status, reason=REASONS.get(status, "")
        )
        backdate(referral, days=days)


def build() -> None:
    _more_pupils()
    _more_families()
