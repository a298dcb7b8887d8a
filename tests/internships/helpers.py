"""A small internship world: an institution with a contact supervisor, a student buddy with
a duo (a pupil with a name we search for), meetings held and cancelled, an intervision
attended, a module done, a kijkwijzer and an evaluation."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.internships import services
from buddywerk.learning.models import ModuleCompletion, Registration
from buddywerk.organisations.models import OrganisationKind, TrainingInstitution
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.enums import CancelReason, MeetingStatus
from tests.factories import (
    BuddyFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.learning.factories import EventFactory, ModuleFactory
from tests.trajectories.factories import TrajectoryFactory

PUPIL_FIRST = "Zoubida"
PUPIL_LAST = "Vanderstraeten"


@dataclass
class InternshipWorld:
    institution: TrainingInstitution
    other_institution: TrainingInstitution
    supervisor: Any
    other_supervisor: Any
    student: Any  # a Buddy who shares
    quiet_student: Any  # a Buddy of the same institution who does not share
    duo: Any
    pupil: Any


def institution(name: str) -> TrainingInstitution:
    return TrainingInstitution.objects.create(name=name, kind=OrganisationKind.TRAINING_INSTITUTION)


def held(duo: Any, day: dt.date, minutes: int) -> None:
    duo_services.meeting_log(
        actor=duo.buddy.user, trajectory=duo, date=day, duration_minutes=minutes
    )


def build(*, share: bool = True) -> InternshipWorld:
    ucll = institution("UCLL (test)")
    other = institution("Odisee (test)")
    supervisor = member(
        UserFactory(email="begeleider@ucll.example"), ucll, Role.INTERNSHIP_SUPERVISOR, is_lead=True
    )
    other_supervisor = member(
        UserFactory(email="begeleider@odisee.example"),
        other,
        Role.INTERNSHIP_SUPERVISOR,
        is_lead=True,
    )
    student = BuddyFactory(
        user=UserFactory(first_name="Lotte", last_name="Stagiair"),
        training_institution=ucll,
        on_internship=True,
    )
    quiet = BuddyFactory(
        user=UserFactory(first_name="Stijn", last_name="Stil"), training_institution=ucll
    )
    school = SchoolFactory()
    pupil = PupilFactory(school=school, first_name=PUPIL_FIRST, last_name=PUPIL_LAST, school_year=5)
    today = timezone.localdate()
    programme = ProgrammeFactory(name="Buddy Leuven (test)")
    duo = TrajectoryFactory(
        programme=programme,
        buddy=student,
        school=school,
        referrals=[
            ReferralFactory(programme=programme, pupil=pupil, status=ReferralStatus.ACCEPTED)
        ],
        planned_start=today - dt.timedelta(days=21),
    )
    held(duo, today - dt.timedelta(days=14), 60)
    held(duo, today - dt.timedelta(days=7), 90)
    duo_services.meeting_log(
        actor=student.user,
        trajectory=duo,
        date=today - dt.timedelta(days=3),
        status=MeetingStatus.CANCELLED,
        cancel_reason=CancelReason.PUPIL_ABSENT,
    )
    quiet_duo = TrajectoryFactory(buddy=quiet, school=school)
    held(quiet_duo, today - dt.timedelta(days=2), 45)
    if share:
        services.sharing_consent_give(actor=student.user, institution=ucll)
    return InternshipWorld(ucll, other, supervisor, other_supervisor, student, quiet, duo, pupil)


def attend(buddy: Any, *, hours: int = 2, **event: Any) -> Registration:
    """The buddy attended an event (a past one, registered and marked present)."""
    starts = event.pop("starts_at", timezone.now() - dt.timedelta(days=5))
    ev = EventFactory(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        registration_deadline=starts - dt.timedelta(days=1),
        **event,
    )
    return Registration.objects.create(
        event=ev, user=buddy.user, buddy=buddy, status="registered", attended=True
    )


def module_done(buddy: Any) -> ModuleCompletion:
    return ModuleCompletion.objects.create(
        module=ModuleFactory(title="Een warme band"), buddy=buddy
    )
