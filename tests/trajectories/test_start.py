"""Starting a duo: by a coordinator through the form, or from a proposal (matching)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.buddies.models import ScreeningStatus
from buddywerk.organisations.models import ParticipantKind
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services
from buddywerk.trajectories.models import Trajectory
from tests.factories import (
    BuddyFactory,
    FamilyFactory,
    FamilyReferralFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
    postcode,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    # Pupils and families, so that a mixed choice reaches the duo's own check.
    programme = ProgrammeFactory(participant_kind=ParticipantKind.BOTH)
    buddy = BuddyFactory(programmes=[programme])
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    school = SchoolFactory()
    return programme, buddy, coordinator, school


def _accepted(programme, school=None, **kwargs):
    if "family" in kwargs:
        return FamilyReferralFactory(programme=programme, status=ReferralStatus.ACCEPTED, **kwargs)
    return ReferralFactory(
        programme=programme, pupil=PupilFactory(school=school), status=ReferralStatus.ACCEPTED
    )


def _start(programme, buddy, coordinator, referrals, **kwargs):
    return services.trajectory_start(
        actor=coordinator,
        programme=programme,
        buddy=buddy,
        referrals=referrals,
        mode="school",
        planned_start=timezone.localdate(),
        **kwargs,
    )


def test_small_group_of_one_school(setup):
    programme, buddy, coordinator, school = setup
    duo = _start(programme, buddy, coordinator, [_accepted(programme, school) for _ in range(3)])
    assert duo.participants.count() == 3
    assert duo.school_id == school.pk


@pytest.mark.parametrize(
    "case", ["two_schools", "family_and_pupil", "not_accepted", "declined_buddy", "no_referral"]
)
def test_refused_starts_store_nothing(setup, case):
    programme, buddy, coordinator, school = setup
    referrals = [_accepted(programme, school)]
    if case == "two_schools":
        referrals.append(_accepted(programme, SchoolFactory()))
    elif case == "family_and_pupil":
        referrals.append(_accepted(programme, family=FamilyFactory(postcode=postcode("2800"))))
    elif case == "not_accepted":
        referrals = [ReferralFactory(programme=programme, pupil=PupilFactory(school=school))]
    elif case == "declined_buddy":
        buddy = BuddyFactory(programmes=[programme], status=ScreeningStatus.DECLINED)
    elif case == "no_referral":
        referrals = []
    with pytest.raises(ValidationError):
        _start(programme, buddy, coordinator, referrals)
    assert Trajectory.objects.count() == 0


def test_r2_no_duo_with_a_minor_without_the_extract(setup):
    programme, _buddy, coordinator, school = setup
    buddy = BuddyFactory(programmes=[programme], extract_seen_on=None)
    with pytest.raises(ValidationError) as exc:
        _start(programme, buddy, coordinator, [_accepted(programme, school)])
    assert "buddy" in exc.value.message_dict
    assert Trajectory.objects.count() == 0


def test_start_from_proposal_defaults(setup):
    programme, buddy, coordinator, school = setup
    referral = _accepted(programme, school)
    duo = services.trajectory_start_from_proposal(actor=coordinator, buddy=buddy, referral=referral)
    assert duo.mode == "school"
    assert duo.planned_start == timezone.localdate()
    assert duo.frequency == "weekly"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.MATCHED


def test_coordinator_starts_a_duo_through_the_form(client, setup):
    programme, buddy, coordinator, school = setup
    referral = _accepted(programme, school)
    client.force_login(coordinator)
    page = client.get(reverse("trajectories:start"))
    assert page.status_code == 200
    response = client.post(
        reverse("trajectories:start"),
        {
            "programme": programme.pk,
            "buddy": buddy.pk,
            "referrals": [referral.pk],
            "mode": "school",
            "planned_start": timezone.localdate().isoformat(),
            "weekly_slot": "wed-pm",
        },
    )
    duo = Trajectory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trajectories:agreement_edit", args=[duo.uuid])
    assert duo.agreement.frequency_text  # filled from the programme's template


def test_coordinator_of_another_programme_cannot_start(setup):
    programme, buddy, _coordinator, school = setup
    other = member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _start(programme, buddy, other, [_accepted(programme, school)])
