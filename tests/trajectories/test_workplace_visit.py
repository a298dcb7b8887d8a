"""Issue 21, point 2: a sector mentor's duo may meet at the mentor's workplace; the R10
decision names who insures; no other buddy's duo meets there."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.buddies.enums import BuddyKind
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import Insurer
from buddywerk.trajectories.insurance import RULE_WORKPLACE
from buddywerk.trajectories.models import Trajectory
from tests.factories import (
    BuddyFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


def _start(kind):
    programme = ProgrammeFactory()
    buddy = BuddyFactory(programmes=[programme], kind=kind)
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    referral = ReferralFactory(
        programme=programme,
        pupil=PupilFactory(school=SchoolFactory()),
        status=ReferralStatus.ACCEPTED,
    )
    return services.trajectory_start(
        actor=coordinator,
        programme=programme,
        buddy=buddy,
        referrals=[referral],
        mode="workplace",
        planned_start=timezone.localdate(),
    )


def test_a_mentors_duo_meets_at_the_workplace_insured_by_the_coupler():
    duo = _start(BuddyKind.SECTOR_MENTOR)
    assert duo.mode == "workplace"
    assert duo.insurance.insurer == Insurer.PROGRAMME
    assert duo.insurance.rule == RULE_WORKPLACE
    assert not duo.awaits_school_insurance


@pytest.mark.parametrize("kind", [BuddyKind.STUDENT, BuddyKind.ROLE_MODEL])
def test_no_other_buddy_meets_a_pupil_at_a_workplace(kind):
    with pytest.raises(ValidationError) as error:
        _start(kind)
    assert error.value.message_dict["mode"] == [
        "Alleen een sectormentor ontvangt een leerling op de werkplek."
    ]
    assert not Trajectory.objects.exists()
