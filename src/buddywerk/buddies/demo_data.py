"""Demo buddies: full profiles for the buddies of demo/world.py, and for every demo
programme one buddy in every state of screening (R2, R3), each with its status log.

Idempotent: keyed on the account's email address; a second run changes nothing.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.access.services import membership_grant
from buddywerk.demo.world import DEMO_DOMAIN, _account
from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import Programme, TrainingInstitution

from .models import (
    STUDENT_KINDS,
    Buddy,
    BuddyKind,
    BuddyStatusChange,
    ExperienceLevel,
    FieldOfStudy,
    ScreeningStatus,
    TeachingQualification,
)
from .rules import DECLARATION_TEXT

# The profiles of the core demo buddies (demo/world.py BUDDIES), by mailbox name.
PROFILES: dict[str, dict[str, Any]] = {
    "buddy.stagiair": {
        "languages": ["nl", "en"],
        "competences": ["dutch", "homework", "learning"],
        "school_levels": ["primary"],
        "meeting_modes": ["school"],
        "slots": ["tue-pm", "thu-pm", "thu-after"],
        "travel_radius_km": 10,
    },
    "buddy.student": {
        "languages": ["nl", "ar", "fr"],
        "competences": ["maths", "wellbeing"],
        "school_levels": ["primary", "secondary"],
        "meeting_modes": ["school", "online"],
        "slots": ["mon-after", "wed-pm", "fri-lunch"],
        "travel_radius_km": 15,
    },
    "buddy.leerkracht": {
        "languages": ["nl", "fr", "en"],
        "competences": ["maths", "dutch", "learning", "career"],
        "school_levels": ["secondary"],
        "meeting_modes": ["school", "home"],
        "slots": ["mon-after", "tue-after", "wed-am", "wed-pm"],
        "travel_radius_km": 20,
    },
    "buddy.oudleerkracht": {
        "languages": ["nl", "fr"],
        "competences": ["dutch", "homework", "wellbeing"],
        "school_levels": ["primary"],
        "meeting_modes": ["school"],
        "slots": ["mon-am", "tue-am", "thu-am"],
        "travel_radius_km": 10,
    },
    "buddy.rolmodel": {
        "languages": ["nl", "ar", "ber"],
        "competences": ["wellbeing", "career"],
        "school_levels": ["secondary"],
        "meeting_modes": ["school", "online"],
        "slots": ["wed-pm"],
        "travel_radius_km": 10,
        "background": "Ik ging eerst naar het beroepsonderwijs en studeer nu sociaal werk.",
    },
    "buddy.mentor": {
        "languages": ["nl"],
        "competences": ["career"],
        "school_levels": ["secondary"],
        "meeting_modes": ["school"],
        "slots": ["thu-after"],
        "travel_radius_km": 25,
        "background": "Elektricien met een eigen zaak in Mechelen.",
    },
    "buddy.gezin": {
        "languages": ["nl", "en", "ar"],
        "competences": ["family", "dutch", "wellbeing"],
        "school_levels": ["primary"],
        "meeting_modes": ["home"],
        "slots": ["tue-eve", "thu-eve"],
        "travel_radius_km": 8,
    },
    "buddy.gezin2": {
        "languages": ["nl", "ti", "en"],
        "competences": ["family", "homework"],
        "school_levels": ["primary", "secondary"],
        "meeting_modes": ["home", "online"],
        "slots": ["wed-after", "fri-after"],
        "travel_radius_km": 12,
    },
}

# One extra buddy per screening state and demo programme:
# (mailbox suffix, first name, last name, kind, status, extract seen, level, reason)
STATES = [
    (
        "aangemeld",
        "Amina",
        "Aanmelding",
        BuddyKind.STUDENT,
        ScreeningStatus.APPLIED,
        False,
        ExperienceLevel.JUNIOR,
        "",
    ),
    (
        "aangemeld.uittreksel",
        "Bram",
        "Bewijs",
        BuddyKind.RETIRED_TEACHER,
        ScreeningStatus.APPLIED,
        True,
        ExperienceLevel.EXPERT,
        "",
    ),
    (
        "goedgekeurd.zonder",
        "Chloë",
        "Wacht",
        BuddyKind.STUDENT_INTERNSHIP,
        ScreeningStatus.APPROVED,
        False,
        ExperienceLevel.JUNIOR,
        "",
    ),
    (
        "goedgekeurd",
        "Dries",
        "Klaar",
        BuddyKind.TEACHER,
        ScreeningStatus.APPROVED,
        True,
        ExperienceLevel.EXPERT,
        "",
    ),
    (
        "afgewezen",
        "Eva",
        "Later",
        BuddyKind.STUDENT,
        ScreeningStatus.DECLINED,
        False,
        ExperienceLevel.JUNIOR,
        "We zoeken nu enkel buddy's die overdag vrij zijn. Meld je gerust opnieuw in september.",
    ),
]

PROGRAMMES = {"Buddy Mechelen": ("mechelen", "2800"), "Gezinsbuddy Gent": ("gent", "9000")}


def _kind_fields(kind: str, institution: TrainingInstitution | None) -> dict[str, Any]:
    if kind in STUDENT_KINDS:
        return {
            "on_internship": kind == BuddyKind.STUDENT_INTERNSHIP,
            "field_of_study": FieldOfStudy.TEACHER_TRAINING,
            "training_institution": institution,
            "training_institution_name": "" if institution else "Arteveldehogeschool",
        }
    if kind in {BuddyKind.TEACHER, BuddyKind.RETIRED_TEACHER}:
        return {"teaching_qualification": TeachingQualification.BACHELOR}
    return {}


def _complete(buddy: Buddy, extra: dict[str, Any], institution: TrainingInstitution | None) -> None:
    today = timezone.localdate()
    values = {
        **_kind_fields(buddy.kind, buddy.training_institution or institution),
        "capacity": buddy.capacity,
        "available_from": dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1),
        "available_until": dt.date(today.year + 1 if today.month >= 9 else today.year, 6, 30),
        "declaration_text": DECLARATION_TEXT,
        **extra,
    }
    if not buddy.declaration_accepted_at:
        values["declaration_accepted_at"] = timezone.now() - dt.timedelta(days=40)
    for name, value in values.items():
        setattr(buddy, name, value)
    buddy.full_clean()
    buddy.save()


def build() -> None:
    mechelen_institution = TrainingInstitution.objects.filter(name="Thomas More").first()
    for local, extra in PROFILES.items():
        buddy = Buddy.objects.filter(user__email=f"{local}@{DEMO_DOMAIN}").first()
        if buddy is not None:
            _complete(buddy, extra, mechelen_institution)

    for programme_name, (place, code) in PROGRAMMES.items():
        programme = Programme.objects.filter(name=programme_name).first()
        if programme is None:
            continue
        institution = mechelen_institution if place == "mechelen" else None
        postcode = Postcode.objects.get(code=code)
        for days, (suffix, first, last, kind, status, seen, level, reason) in enumerate(STATES):
            user = _account(f"buddy.{place}.{suffix}@{DEMO_DOMAIN}", first, last)
            buddy, created = Buddy.objects.get_or_create(
                user=user,
                defaults={
                    "kind": kind,
                    "status": status,
                    "level": level,
                    "home_postcode": postcode,
                    "extract_seen_on": timezone.localdate() - dt.timedelta(days=20)
                    if seen
                    else None,
                    "decline_reason": reason,
                },
            )
            if created:
                buddy.programmes.add(programme)
                membership_grant(actor=None, user=user, organisation=programme, role=Role.BUDDY)
                if status != ScreeningStatus.APPLIED:
                    BuddyStatusChange.objects.create(
                        buddy=buddy,
                        programme=programme,
                        from_status=ScreeningStatus.APPLIED,
                        to_status=status,
                        reason=reason,
                    )
                # Oldest first in the queue, with realistic waiting days.
                Buddy.objects.filter(pk=buddy.pk).update(
                    created_at=timezone.now() - dt.timedelta(days=3 + 5 * days)
                )
            _complete(
                buddy,
                {
                    **PROFILES["buddy.student" if place == "mechelen" else "buddy.gezin2"],
                    "online_only": False,
                },
                institution,
            )
