"""Duos for tests, built through the services (a real transition log, nothing by hand)."""

import datetime as dt

from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.common.vocabulary import MeetingMode
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services
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


def make_duo(
    *,
    programme=None,
    buddy=None,
    school=None,
    pupils=1,
    mode=MeetingMode.SCHOOL,
    active=True,
    planned_start=None,
    **kwargs,
) -> Trajectory:
    """A duo of `buddy` with `pupils` pupils of `school`; active (agreements confirmed by
    the buddy and a school staff member) unless `active=False`."""
    programme = programme or ProgrammeFactory()
    school = school or SchoolFactory()
    if buddy is None:
        buddy = BuddyFactory(programmes=[programme])
        member(buddy.user, programme, Role.BUDDY)
    referrals = [
        ReferralFactory(
            programme=programme,
            pupil=PupilFactory(school=school),
            status=ReferralStatus.ACCEPTED,
        )
        for _ in range(pupils)
    ]
    trajectory = services.trajectory_start(
        actor=None,
        programme=programme,
        buddy=buddy,
        referrals=referrals,
        mode=mode,
        planned_start=planned_start or timezone.localdate() - dt.timedelta(days=21),
        **kwargs,
    )
    if active:
        confirm_agreements(trajectory)
    trajectory.refresh_from_db()
    return trajectory


def school_staff_of(trajectory: Trajectory):
    from buddywerk.access.models import Membership

    found = Membership.objects.filter(
        organisation_id=trajectory.school_id, role=Role.SCHOOL_STAFF
    ).first()
    if found:
        return found.user
    return member(UserFactory(), trajectory.school, Role.SCHOOL_STAFF)


def coordinator_of(trajectory: Trajectory):
    from buddywerk.access.models import Membership

    found = Membership.objects.filter(
        organisation_id=trajectory.programme_id, role=Role.PROGRAMME_COORDINATOR
    ).first()
    if found:
        return found.user
    return member(UserFactory(), trajectory.programme, Role.PROGRAMME_COORDINATOR)


def confirm_agreements(trajectory: Trajectory) -> None:
    services.agreement_confirm(actor=trajectory.buddy.user, trajectory=trajectory, side="buddy")
    services.agreement_confirm(
        actor=school_staff_of(trajectory), trajectory=trajectory, side="school"
    )
