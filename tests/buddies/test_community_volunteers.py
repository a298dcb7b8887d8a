"""Issue 20, point 4: community volunteers (neighbours, former newcomers) under R1: only a
programme that works with families adds them, they join only such programmes, they are in a
duo with a family and never with pupils, and R2 screening applies to them as to anyone."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.buddies import rules
from buddywerk.buddies.models import BuddyKind
from buddywerk.organisations.models import ParticipantKind, Programme
from buddywerk.organisations.services import organisation_save
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services
from tests.factories import (
    BuddyFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

CV = BuddyKind.COMMUNITY_VOLUNTEER


def test_only_family_programmes_that_list_them_recruit_community_volunteers():
    family = ProgrammeFactory(participant_kind=ParticipantKind.FAMILIES, buddy_kinds=[CV])
    both = ProgrammeFactory(participant_kind=ParticipantKind.BOTH, buddy_kinds=[CV, "student"])
    silent = ProgrammeFactory(participant_kind=ParticipantKind.FAMILIES)
    assert rules.programme_recruits_kind(family, CV)
    assert rules.programme_recruits_kind(both, CV)
    # Not a core kind: a family programme that does not list them does not take them.
    assert not rules.programme_recruits_kind(silent, CV)
    assert rules.buddy_eligibility_problems(kind=CV, programmes=[silent])
    assert rules.buddy_eligibility_problems(kind=CV, programmes=[family]) == []
    # A community volunteer needs no field of study nor teaching qualification.
    assert not rules.kind_needs_institution(CV)
    assert not rules.kind_needs_qualification(CV)


def test_a_pupils_programme_never_recruits_them_even_if_listed():
    # A row written around the services (as an old import could) still does not recruit.
    pupils = ProgrammeFactory(participant_kind=ParticipantKind.PUPILS, buddy_kinds=[CV])
    assert not rules.programme_recruits_kind(pupils, CV)
    assert rules.buddy_eligibility_problems(kind=CV, programmes=[pupils])


def test_a_pupils_programme_cannot_add_the_kind():
    admin = UserFactory(is_superuser=True, is_staff=True)
    programme = ProgrammeFactory(participant_kind=ParticipantKind.PUPILS)
    with pytest.raises(ValidationError) as caught:
        organisation_save(actor=admin, organisation=programme, fields={"buddy_kinds": [CV]})
    assert "buddy_kinds" in caught.value.message_dict
    programme.refresh_from_db()
    assert CV not in programme.buddy_kinds
    family = ProgrammeFactory(participant_kind=ParticipantKind.FAMILIES)
    organisation_save(actor=admin, organisation=family, fields={"buddy_kinds": [CV]})
    assert Programme.objects.get(pk=family.pk).buddy_kinds == [CV]


def test_a_community_volunteer_is_a_buddy_of_a_family_not_of_pupils():
    programme = ProgrammeFactory(participant_kind=ParticipantKind.BOTH, buddy_kinds=[CV])
    buddy = BuddyFactory(kind=CV, programmes=[programme])
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    referral = ReferralFactory(
        programme=programme,
        pupil=PupilFactory(school=SchoolFactory()),
        status=ReferralStatus.ACCEPTED,
    )
    with pytest.raises(ValidationError) as caught:
        services.trajectory_start(
            actor=coordinator,
            programme=programme,
            buddy=buddy,
            referrals=[referral],
            mode="school",
            planned_start=timezone.localdate(),
        )
    assert "buddy" in caught.value.message_dict
    assert not buddy.trajectories.exists()


def test_a_community_volunteer_meets_a_family_once_screened():
    duo = TrajectoryFactory(
        family=True, programme__buddy_kinds=[CV], buddy__kind=CV, mode="out_about"
    )
    assert duo.buddy.kind == CV
    assert duo.insurance.insurer == "programme"


def test_r2_applies_to_community_volunteers():
    # The family has minors: without a seen extract the duo does not start.
    with pytest.raises(ValidationError):
        TrajectoryFactory(
            family=True,
            programme__buddy_kinds=[CV],
            buddy__kind=CV,
            buddy__extract_seen_on=None,
        )
    assert not rules.buddy_may_meet_minors(BuddyFactory(kind=CV, extract_seen_on=None))
