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
