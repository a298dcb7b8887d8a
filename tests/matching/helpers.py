"""Small builders for the matching tests: a programme with a coordinator, buddies who fit
the default referral (school in 2800 Mechelen, maths, Monday and Wednesday afternoon)."""

from buddywerk.access.models import Role
from buddywerk.referrals.models import ReferralStatus
from tests.factories import (
    BuddyFactory,
    ProgrammeFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)


def fitting_buddy(programme, **kwargs):
    kwargs.setdefault("meeting_modes", ["school"])
    kwargs.setdefault("slots", ["mon-pm", "wed-pm"])
    kwargs.setdefault("competences", ["maths"])
    kwargs.setdefault("travel_radius_km", 10)
    buddy = BuddyFactory(programmes=[programme], **kwargs)
    member(buddy.user, programme, Role.BUDDY)
    return buddy


def queued_referral(programme, **kwargs):
    return ReferralFactory(programme=programme, status=ReferralStatus.ACCEPTED, **kwargs)


def coordinator_of(programme):
    return member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR, is_lead=True)


def staff_of(school):
    return member(UserFactory(), school, Role.SCHOOL_STAFF)


def setting(**kwargs):
    programme = ProgrammeFactory()
    school = SchoolFactory()
    return programme, school


def open_proposal(*, programme, buddy, school, status=None):
    """A pending proposal made directly (the services check fit and capacity; the access
    tests need a proposal whatever the buddy's profile)."""
    import datetime as dt

    from django.utils import timezone

    from buddywerk.matching.models import Proposal, ProposalTransition
    from tests.factories import PupilFactory

    referral = queued_referral(programme, pupil=PupilFactory(school=school))
    proposal = Proposal.objects.create(
        programme=programme,
        referral=referral,
        buddy=buddy,
        score=700,
        reasons=[{"key": "distance", "points": 300, "max": 300, "text": "woont 0 km"}],
        due_at=timezone.now() + dt.timedelta(days=7),
    )
    ProposalTransition.objects.create(proposal=proposal, from_status="", to_status=proposal.status)
    return proposal
