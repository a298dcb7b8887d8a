"""Step: for each demo programme, one applicant in every state of screening."""

from buddywerk.buddies.models import BuddyKind, ExperienceLevel, ScreeningStatus
from buddywerk.organisations.models import Programme

from .buddies import PROFILES, kind_fields, register, screen

# (mailbox suffix, first name, last name, kind, decision, extract seen, level, reason)
STATES = [
    ("aangemeld", "Amina", "Aanmelding", BuddyKind.STUDENT, ScreeningStatus.APPLIED, False,
     ExperienceLevel.JUNIOR, ""),
    ("aangemeld.uittreksel", "Bram", "Bewijs", BuddyKind.RETIRED_TEACHER,
     ScreeningStatus.APPLIED, True, ExperienceLevel.EXPERT, ""),
    ("goedgekeurd.zonder", "Chloë", "Wacht", BuddyKind.STUDENT_INTERNSHIP,
     ScreeningStatus.APPROVED, False, ExperienceLevel.JUNIOR, ""),
    ("goedgekeurd", "Dries", "Klaar", BuddyKind.TEACHER, ScreeningStatus.APPROVED, True,
     ExperienceLevel.EXPERT, ""),
    ("afgewezen", "Eva", "Later", BuddyKind.STUDENT, ScreeningStatus.DECLINED, False,
     ExperienceLevel.JUNIOR,
     "We zoeken nu enkel buddy's die overdag vrij zijn. Meld je gerust opnieuw in september."),
]  # fmt: skip

# programme -> (place in the mailbox, home postcode, profile like the one of)
PROGRAMMES = {
    "Buddy Mechelen": ("mechelen", "2800", "buddy.student"),
    "Gezinsbuddy Gent": ("gent", "9000", "buddy.gezin2"),
}


def screening() -> None:
    """A coordinator finds a screening queue with one applicant in every state: just
    registered, registered with the extract already seen, approved without and with the
    extract, and declined with a reason (Buddy's > Screening; e.g.
    buddy.mechelen.aangemeld@demo.buddywerk.be), registered between 3 and 23 days ago."""
    for name, (place, postcode, like) in PROGRAMMES.items():
        programme = Programme.objects.get(name=name)
        for index, (suffix, first, last, kind, status, seen, level, reason) in enumerate(STATES):
            buddy = register(
                local=f"buddy.{place}.{suffix}",
                first_name=first,
                last_name=last,
                programme=programme,
                postcode=postcode,
                profile={**PROFILES[like], **kind_fields(kind, programme)},
                days_ago=3 + 5 * index,
            )
            if buddy is not None:
                screen(
                    buddy,
                    programme,
                    status=status,
                    extract_seen_days_ago=20 if seen else None,
                    level=level,
                    reason=reason,
                )
