"""Step (issue 21): Buddy Mechelen also works with sector mentors. Its referrals ask the
study track and the pupil's dream, a mentor states their sector and trade (shown to the
school too, as he chose), and a first-grade pupil in the B stream dreams of a trade.
Everything goes through the services, as in the other steps."""

from buddywerk.buddies.models import Buddy, BuddyKind, ScreeningStatus
from buddywerk.buddies.services import buddy_update_path
from buddywerk.learning.models import Module
from buddywerk.learning.services import module_complete
from buddywerk.matching.services import matching_settings_update
from buddywerk.organisations.models import Programme
from buddywerk.referrals.enums import ReferralStatus

from ..people import demo_email, person
from .buddies import kind_fields, register, screen
from .referrals import DemoPupil, refer_pupil

PROGRAMME = "Buddy Mechelen"
# A short list of path tags the programme defines for role models (issue 21, point 2).
PATH_TAGS = [
    "van richting veranderd",
    "eerste in de familie in het hoger onderwijs",
    "later de draai gevonden",
]
DREAMER = DemoPupil(
    "Jonas",
    "Vandenbroeck",
    "900002",
    7,
    ["nl"],
    ReferralStatus.ACCEPTED,
    4,
    details={
        "needs": ["career", "learning"],
        "study_track": "first_b",
        "dream_goal": "Ik wil elektricien worden en later een eigen zaak beginnen.",
        "dream_sector": "construction",
        "talents": "Handig met zijn handen, herstelt fietsen voor de buren.",
        "meeting_modes": ["school"],
        "time_slots": ["wed-pm", "wed-after"],
    },
)


def mentors() -> None:
    """Buddy Mechelen asks the study track and the dream; an approved sector mentor (an
    electrician) fills in his path for the school too; a first-grade pupil in the B stream
    who dreams of the trade waits in the queue."""
    if Buddy.objects.filter(user__email=demo_email("mentor.mechelen")).exists():
        return  # a second run of the demo adds nothing
    programme = Programme.objects.get(name=PROGRAMME)
    matching_settings_update(
        actor=person("coordinator.mechelen"),
        programme=programme,
        data={"asks_study_track": True, "asks_dream": True, "path_tags": PATH_TAGS},
    )
    mentor = register(
        local="mentor.mechelen",
        first_name="Karim",
        last_name="Vakman",
        programme=programme,
        postcode="2800",
        profile={
            **kind_fields(BuddyKind.SECTOR_MENTOR, programme),
            "capacity": 1,
            "meeting_modes": ["school"],
            "slots": ["wed-pm", "wed-after"],
            "competences": ["career", "learning"],
            "languages": ["nl", "ar"],
            "travel_radius_km": 10,
        },
        days_ago=40,
    )
    if mentor is None:
        return  # a second run of the demo
    mentor = screen(mentor, programme, status=ScreeningStatus.APPROVED, extract_seen_days_ago=30)
    for module in Module.objects.filter(required_by__programme=programme):
        module_complete(actor=mentor.user, module=module, reflection="")
    buddy_update_path(
        actor=mentor.user,
        buddy=mentor,
        sector="construction",
        trade="elektricien met een eigen zaak",
        story="Ik zat in het bso en wist lang niet wat ik wilde. Een stage bij een "
        "elektricien gaf de doorslag.",
        shown_to="school",
    )
    refer_pupil(DREAMER, 0)
