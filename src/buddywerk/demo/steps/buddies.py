"""Step: the buddies of the README, who register on the public form and are screened by
their programme's coordinator. `register` and `screen` are used by later steps too."""

import datetime as dt
from typing import Any

from buddywerk.buddies.models import (
    STUDENT_KINDS,
    Buddy,
    BuddyKind,
    ExperienceLevel,
    FieldOfStudy,
    ScreeningStatus,
    TeachingQualification,
)
from buddywerk.buddies.services import (
    buddy_approve,
    buddy_decline,
    buddy_record_extract,
    buddy_register,
    buddy_set_level,
)
from buddywerk.geo.models import Postcode
from buddywerk.organisations.models import Programme, TrainingInstitution

from .. import dates
from ..people import BUDDIES, DEMO_PASSWORD, demo_email, person, sign_in_ready

# Who screens the applicants of each programme.
COORDINATORS = {"Buddy Mechelen": "coordinator.mechelen", "Gezinsbuddy Gent": "coordinator.gent"}

# What the buddies of the README fill in on the registration form, by mailbox name.
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

# The README's buddies registered this long ago (the screening queue counts the days).
REGISTERED_DAYS_AGO = {ScreeningStatus.APPROVED: 60, ScreeningStatus.DECLINED: 25}
APPLIED_DAYS_AGO = 12
DECLINE_REASONS = {
    "buddy.mentor": "We zoeken dit schooljaar geen sectormentoren meer: alle plaatsen voor "
    "loopbaangesprekken zijn ingevuld. Meld je gerust opnieuw in september.",
}


def kind_fields(kind: str, programme: Programme) -> dict[str, Any]:
    """What the form asks of each kind (R1): students their field of study and
    institution (Thomas More Mechelen near Mechelen, otherwise typed in), teachers their
    qualification."""
    if kind in STUDENT_KINDS:
        institution = None
        if programme.name == "Buddy Mechelen":
            institution = TrainingInstitution.objects.filter(
                name="Thomas More", campus="Mechelen"
            ).first()
        return {
            "kind": kind,
            "on_internship": kind == BuddyKind.STUDENT_INTERNSHIP,
            "field_of_study": FieldOfStudy.TEACHER_TRAINING,
            "training_institution": institution,
            "training_institution_name": "" if institution else "Arteveldehogeschool",
        }
    if kind in {BuddyKind.TEACHER, BuddyKind.RETIRED_TEACHER}:
        return {"kind": kind, "teaching_qualification": TeachingQualification.BACHELOR}
    return {"kind": kind}


def register(
    *,
    local: str,
    first_name: str,
    last_name: str,
    programme: Programme,
    postcode: str,
    profile: dict[str, Any],
    days_ago: int,
) -> Buddy | None:
    """The person registers on the public form `days_ago` days ago (`buddy_register` on
    that day), confirms the address from the mail and signs in with the demo password.
    Returns the new profile, or None when this person registered already (a second run of
    the demo), so that the caller screens each applicant once."""
    if Buddy.objects.filter(user__email=demo_email(local)).exists():
        return None
    buddy = buddy_register(
        email=demo_email(local),
        password=DEMO_PASSWORD,
        first_name=first_name,
        last_name=last_name,
        profile={
            "capacity": 1,
            "available_from": dates.school_year_start(),
            "available_until": dates.school_year_end(),
            "home_postcode": Postcode.objects.get(code=postcode),
            **profile,
        },
        declaration_accepted=True,
        programmes=[programme],
        now=dates.days_ago(days_ago),
    )
    if buddy is None:
        raise RuntimeError(f"{local}: the address already has an account")
    sign_in_ready(buddy.user)
    return buddy


def screen(
    buddy: Buddy,
    programme: Programme,
    *,
    status: str,
    extract_seen_days_ago: int | None = None,
    level: str = ExperienceLevel.JUNIOR,
    reason: str = "",
) -> Buddy:
    """The programme's coordinator screens a new applicant: records the day they saw the
    extract model 2, sets the level, and approves or declines (R2, R3)."""
    coordinator = person(COORDINATORS[programme.name])
    if extract_seen_days_ago is not None:
        seen_on = dates.today() - dt.timedelta(days=extract_seen_days_ago)
        buddy = buddy_record_extract(
            actor=coordinator, buddy=buddy, programme=programme, seen_on=seen_on
        )
    if level != buddy.level:
        buddy = buddy_set_level(actor=coordinator, buddy=buddy, programme=programme, level=level)
    if status == ScreeningStatus.APPROVED:
        buddy = buddy_approve(actor=coordinator, buddy=buddy, programme=programme)
    elif status == ScreeningStatus.DECLINED:
        buddy = buddy_decline(actor=coordinator, buddy=buddy, programme=programme, reason=reason)
    return buddy


def buddies() -> None:
    """You can sign in as the eight buddies of the README: approved buddies of every kind
    (student on internship, volunteer student, teacher, retired teacher) for Buddy
    Mechelen and two family buddies for Gezinsbuddy Gent; a role model still waiting for
    screening and a sector mentor who was declined with a reason. The retired teacher was
    approved but the programme has not seen his extract yet (R2: no duo with a minor)."""
    for spec in BUDDIES:
        programme = Programme.objects.get(name=spec.programme)
        profile = {
            **PROFILES[spec.local],
            **kind_fields(spec.kind, programme),
            "capacity": spec.capacity,
        }
        buddy = register(
            local=spec.local,
            first_name=spec.first_name,
            last_name=spec.last_name,
            programme=programme,
            postcode=spec.postcode,
            profile=profile,
            days_ago=REGISTERED_DAYS_AGO.get(spec.status, APPLIED_DAYS_AGO),
        )
        if buddy is None:
            continue
        screen(
            buddy,
            programme,
            status=spec.status,
            extract_seen_days_ago=30 if spec.extract_seen else None,
            level=spec.level,
            reason=DECLINE_REASONS.get(spec.local, ""),
        )
