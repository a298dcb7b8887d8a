"""The TrajectoryFactory builds every kind of duo through the services: real transition
logs, the agreements confirmed by real people, the referrals matched, and R2 still holds."""

import pytest
from django.core.exceptions import ValidationError

from buddywerk.buddies.models import ScreeningStatus
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.common.vocabulary import MeetingMode
from buddywerk.organisations.models import OrganisationKind
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories.enums import TrajectoryStatus as S
from buddywerk.trajectories.models import Trajectory
from tests.factories import OrganisationFactory
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _path(duo: Trajectory) -> list[tuple[str, str]]:
    return list(duo.transitions.order_by("id").values_list("from_status", "to_status"))


@pytest.mark.parametrize(
    ("trait", "status", "path"),
    [
        ("planned", S.PLANNED, [("", S.PLANNED)]),
        ("active", S.ACTIVE, [("", S.PLANNED), (S.PLANNED, S.ACTIVE)]),
        ("paused", S.PAUSED, [("", S.PLANNED), (S.PLANNED, S.ACTIVE), (S.ACTIVE, S.PAUSED)]),
        ("closed", S.CLOSED, [("", S.PLANNED), (S.PLANNED, S.ACTIVE), (S.ACTIVE, S.CLOSED)]),
    ],
)
def test_each_status_is_reached_through_the_transitions(trait, status, path):
    duo = TrajectoryFactory(**{trait: True})
    assert duo.status == status
    assert _path(duo) == path
    assert AuditEvent.objects.filter(
        action=AuditAction.TRAJECTORY_START, object_id=str(duo.uuid)
    ).exists()
    confirmed = duo.agreement.is_confirmed
    assert confirmed is (trait != "planned")


def test_the_default_is_an_active_duo_of_an_approved_buddy_with_one_pupil():
    duo = TrajectoryFactory()
    assert duo.status == S.ACTIVE
    assert duo.buddy.status == ScreeningStatus.APPROVED and duo.buddy.extract_seen_on
    assert duo.buddy.programmes.filter(pk=duo.programme_id).exists()
    assert duo.buddy.user.memberships.filter(organisation=duo.programme).exists()
    (participant,) = duo.participants.select_related("pupil", "referral")
    assert participant.pupil.school_id == duo.school_id
    assert participant.referral.status == ReferralStatus.MATCHED


def test_a_closed_duo_closes_its_referrals():
    duo = TrajectoryFactory(closed=True)
    assert duo.closed_on is not None
    assert list(duo.wellbeing_scores.values_list("moment", "score")) == [("end", 3)]
    assert {p.referral.status for p in duo.participants.all()} == {ReferralStatus.CLOSED}


def test_a_group_is_several_pupils_of_one_school():
    duo = TrajectoryFactory(group=True)
    assert duo.participants.count() == 3
    assert {p.pupil.school_id for p in duo.participants.all()} == {duo.school_id}
    assert TrajectoryFactory(pupils=2).participants.count() == 2


def test_a_family_duo_is_with_the_referring_service_at_home():
    service = OrganisationFactory(kind=OrganisationKind.SERVICE)
    duo = TrajectoryFactory(family=True, service=service)
    (participant,) = duo.participants.select_related("family")
    assert participant.family.referred_by_id == service.pk
    assert duo.school_id == service.pk
    assert duo.mode == MeetingMode.HOME
    assert duo.status == S.ACTIVE


def test_r2_a_buddy_without_the_extract_meets_adults_only():
    adult = TrajectoryFactory(adult=True, buddy__extract_seen_on=None)
    assert not adult.participants.get().referral.involves_minor
    with pytest.raises(ValidationError) as exc:
        TrajectoryFactory(family=True, buddy__extract_seen_on=None)
    assert "buddy" in exc.value.message_dict
    with pytest.raises(ValidationError):
        TrajectoryFactory(buddy__extract_seen_on=None)


def test_a_given_buddy_joins_the_programme_once():
    first = TrajectoryFactory()
    second = TrajectoryFactory(buddy=first.buddy, family=True)
    assert second.buddy == first.buddy
    assert set(first.buddy.programmes.all()) == {first.programme, second.programme}
    assert first.buddy.user.memberships.filter(organisation=second.programme).count() == 1
