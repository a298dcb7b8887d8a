"""Duos for tests: `TrajectoryFactory`, the one way to build a duo in tests.

Every duo is built through the services, as people build it: the system starts it from
accepted referrals (`trajectory_start`), the buddy and the school confirm the agreements
(`agreement_confirm`, which activates it), and the system pauses or closes it
(`trajectory_pause`, `trajectory_close`). Nothing sets a status, so each duo has a real
transition log and audit trail.

    TrajectoryFactory()                  an active duo: one pupil of a new school
    TrajectoryFactory(planned=True)      started, agreements not yet confirmed
    TrajectoryFactory(paused=True)       active, then paused
    TrajectoryFactory(closed=True)       active, then closed as planned (final score 3)
    TrajectoryFactory(group=True)        three pupils of one school (or `pupils=N`)
    TrajectoryFactory(family=True)       a family with minor children, referred by a service
    TrajectoryFactory(adult=True)        a family without minors (R2 does not apply)

The programme, the buddy (approved, extract seen) and the referrals are sub-factories;
pass your own (`programme=`, `buddy=`, `school=`, `service=` for a family, `referrals=`)
or override their fields (`buddy__extract_seen_on=None`). Any other keyword goes to
`trajectory_start` (`planned_start`, `planned_end`, `place`, `frequency`, ...).
"""

import datetime as dt

import factory
from django.utils import timezone

from buddywerk.access.models import Membership, Role
from buddywerk.common.vocabulary import MeetingMode
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import OrganisationKind, ParticipantKind
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import CloseReason, TrajectoryStatus
from buddywerk.trajectories.models import Trajectory
from tests.factories import (
    BuddyFactory,
    FamilyFactory,
    FamilyReferralFactory,
    OrganisationFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)

GHENT = "44021"  # where the families of FamilyFactory live (postcode 9000)


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _pupil_referrals(o) -> list:
    return [
        ReferralFactory(
            programme=o.programme,
            pupil=PupilFactory(school=o.school),
            status=ReferralStatus.ACCEPTED,
        )
        for _ in range(o.pupils)
    ]


def _family_referrals(o) -> list:
    family = FamilyFactory(referred_by=o.service, children_ages=o.children_ages)
    return [
        FamilyReferralFactory(
            programme=o.programme,
            family=family,
            referrer=o.service,
            status=ReferralStatus.ACCEPTED,
        )
    ]


class TrajectoryFactory(factory.Factory):
    class Meta:
        model = Trajectory

    class Params:
        # Where the duo is in its life (ACTIVE unless one of these is asked for).
        planned = factory.Trait(status=TrajectoryStatus.PLANNED)
        active = factory.Trait(status=TrajectoryStatus.ACTIVE)
        paused = factory.Trait(status=TrajectoryStatus.PAUSED)
        closed = factory.Trait(status=TrajectoryStatus.CLOSED)
        # Who takes part: pupils of one school (a group: several), or one family.
        pupils = 1
        group = factory.Trait(pupils=3)
        service = None
        children_ages = [6, 9]
        family = factory.Trait(
            programme=factory.SubFactory(
                ProgrammeFactory,
                participant_kind=ParticipantKind.FAMILIES,
                municipalities=factory.LazyFunction(
                    lambda: Municipality.objects.filter(nis_code=GHENT)
                ),
            ),
            service=factory.SubFactory(OrganisationFactory, kind=OrganisationKind.SERVICE),
            # A family's duo is with the service that referred it (the tandem partner).
            school=factory.SelfAttribute("service"),
            referrals=factory.LazyAttribute(_family_referrals),
            mode=MeetingMode.HOME,
            planned_start=factory.LazyFunction(lambda: _days_ago(30)),
        )
        adult = factory.Trait(family=True, children_ages=[19, 22])

    programme = factory.SubFactory(ProgrammeFactory)
    school = factory.SubFactory(SchoolFactory)
    buddy = factory.SubFactory(BuddyFactory)  # joins the programme in _create
    referrals = factory.LazyAttribute(_pupil_referrals)
    mode = MeetingMode.SCHOOL
    planned_start = factory.LazyFunction(lambda: _days_ago(21))
    status = TrajectoryStatus.ACTIVE
    close_reason = CloseReason.ENDED_AS_PLANNED
    final_wellbeing = 3

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status")
        close_reason = kwargs.pop("close_reason")
        final_wellbeing = kwargs.pop("final_wellbeing")
        kwargs.pop("school")  # the referrals' school (or service) becomes the duo's
        programme, buddy = kwargs["programme"], kwargs["buddy"]
        _join(buddy, programme)
        duo = services.trajectory_start(actor=None, **kwargs)
        if status != TrajectoryStatus.PLANNED:
            confirm_agreements(duo)
        if status == TrajectoryStatus.PAUSED:
            services.trajectory_pause(actor=None, trajectory=duo, reason="Vakantie")
        elif status == TrajectoryStatus.CLOSED:
            services.trajectory_close(
                actor=None, trajectory=duo, reason=close_reason, final_wellbeing=final_wellbeing
            )
        duo.refresh_from_db()
        assert duo.status == status, f"the services left the duo {duo.status}, not {status}"
        return duo


def _join(buddy, programme) -> None:
    """The buddy works with the programme, as registration leaves it: the programme on the
    profile and a buddy membership (the buddy's rights in a duo come from it)."""
    if not buddy.programmes.filter(pk=programme.pk).exists():
        buddy.programmes.add(programme)
    if not Membership.objects.filter(
        user=buddy.user, organisation=programme, role=Role.BUDDY
    ).exists():
        member(buddy.user, programme, Role.BUDDY)


def school_staff_of(trajectory: Trajectory):
    """A staff member of the duo's school (or service): the first one, or a new one."""
    found = Membership.objects.filter(
        organisation_id=trajectory.school_id, role=Role.SCHOOL_STAFF
    ).first()
    if found:
        return found.user
    return member(UserFactory(), trajectory.school, Role.SCHOOL_STAFF)


def coordinator_of(trajectory: Trajectory):
    """A coordinator of the duo's programme: the first one, or a new one."""
    found = Membership.objects.filter(
        organisation_id=trajectory.programme_id, role=Role.PROGRAMME_COORDINATOR
    ).first()
    if found:
        return found.user
    return member(UserFactory(), trajectory.programme, Role.PROGRAMME_COORDINATOR)


def confirm_agreements(trajectory: Trajectory) -> None:
    """The buddy and the school (or service) confirm the agreements: the duo activates."""
    services.agreement_confirm(actor=trajectory.buddy.user, trajectory=trajectory, side="buddy")
    services.agreement_confirm(
        actor=school_staff_of(trajectory), trajectory=trajectory, side="school"
    )
