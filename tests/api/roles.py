"""One token per staff role (and none), over a small world: for the fuzzing and the API's
access matrix. Buddies hold no token (tokens are for staff roles, after 2FA)."""

from buddywerk.access.models import Role
from buddywerk.api.models import ApiScope
from buddywerk.geo.models import Municipality, Province
from buddywerk.organisations.models import OrganisationKind, ParticipantKind
from tests.api.helpers import token_for
from tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)

TOKEN_ROLES = [
    "none",
    Role.SCHOOL_STAFF.value,
    Role.PROGRAMME_COORDINATOR.value,
    Role.REGIONAL_COORDINATOR.value,
    Role.FUNDER.value,
    Role.PLATFORM_ADMIN.value,
]


def token_world():
    """Users of every staff role with a token holding every scope, and a referral of the
    school to the programme (submitted) plus a draft."""
    programme = ProgrammeFactory()
    school = SchoolFactory()
    organisations = {
        Role.SCHOOL_STAFF: school,
        Role.PROGRAMME_COORDINATOR: programme,
        Role.REGIONAL_COORDINATOR: OrganisationFactory(
            kind=OrganisationKind.REGION, province=Province.objects.get(code="VAN")
        ),
        Role.FUNDER: OrganisationFactory(kind=OrganisationKind.FUNDER),
        Role.PLATFORM_ADMIN: OrganisationFactory(kind=OrganisationKind.UMBRELLA),
    }
    keys: dict[str, str | None] = {"none": None}
    for role, organisation in organisations.items():
        user = member(UserFactory(), organisation, role)
        keys[role.value] = token_for(user, scopes=list(ApiScope.values))[1]
    referral = ReferralFactory(pupil=PupilFactory(school=school), programme=programme)
    draft = ReferralFactory(pupil=PupilFactory(school=school), programme=programme, draft=True)
    from tests.matching.helpers import fitting_buddy, open_proposal, queued_referral
    from tests.network.factories import PracticeFactory
    from tests.trajectories.factories import TrajectoryFactory

    return {
        "keys": keys,
        "programme": programme,
        "referral": referral,
        "draft": draft,
        "practice": PracticeFactory(),
        # A family programme covering Ghent (postcode 9000), for family referrals.
        "family_programme": ProgrammeFactory(
            participant_kind=ParticipantKind.FAMILIES,
            municipalities=Municipality.objects.filter(nis_code="44021"),
        ),
        # An active duo of the school's pupil in the programme.
        "duo": TrajectoryFactory(programme=programme, school=school),
        # A pending proposal for another of the school's pupils, and a referral in the
        # queue with a buddy who fits it, to propose.
        "proposal": open_proposal(
            programme=programme, buddy=fitting_buddy(programme), school=school
        ),
        "queued": queued_referral(programme, pupil=PupilFactory(school=school)),
        "free_buddy": fitting_buddy(programme),
    }
