"""Who reads the report, and who reads it suppressed (access.policy, R16)."""

import pytest

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind, Programme
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_suppression_per_role_and_scope():
    van = Province.objects.get(code="VAN")
    mine = ProgrammeFactory(province=van)
    other = ProgrammeFactory(province=Province.objects.get(code="VOV"))
    funder = member(UserFactory(), OrganisationFactory(kind=OrganisationKind.FUNDER), Role.FUNDER)
    admin = member(
        UserFactory(), OrganisationFactory(kind=OrganisationKind.UMBRELLA), Role.PLATFORM_ADMIN
    )
    region = OrganisationFactory(kind=OrganisationKind.REGION, province=van)
    regional = member(UserFactory(), region, Role.REGIONAL_COORDINATOR)
    coordinator = member(UserFactory(), mine, Role.PROGRAMME_COORDINATOR)
    # a funder who also coordinates a programme sees that programme in full, the rest not
    both = member(UserFactory(), mine, Role.PROGRAMME_COORDINATOR)
    member(both, OrganisationFactory(kind=OrganisationKind.FUNDER), Role.FUNDER)

    def suppressed(user, province=None, programme=None):
        return policy.report_is_suppressed(user, province=province, programme=programme)

    assert suppressed(funder)
    assert suppressed(funder, programme=mine)
    assert not suppressed(admin)
    assert not suppressed(regional, province="VAN")
    assert not suppressed(regional, programme=mine)
    assert not suppressed(coordinator, programme=mine)
    assert not suppressed(both, programme=mine)
    assert suppressed(both, programme=other)
    assert suppressed(both)

    programmes = Programme.objects.all()
    assert set(policy.report_programmes_of(regional, programmes)) == {mine}
    assert set(policy.report_programmes_of(coordinator, programmes)) == {mine}
    assert set(policy.report_programmes_of(funder, programmes)) == {mine, other}
    buddy = member(UserFactory(), mine, Role.BUDDY)
    assert not policy.can_view_reports(buddy)
    assert policy.can_view_reports(funder)
