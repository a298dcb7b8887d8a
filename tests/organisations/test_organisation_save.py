"""organisation_save: the one way to set up a programme or another organisation (the
admin calls it; issue 12, point 1)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import Organisation, OrganisationKind, Programme
from buddywerk.organisations.services import organisation_save
from tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin():
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    return member(UserFactory(is_staff=True), umbrella, Role.PLATFORM_ADMIN)


def test_only_platform_admins_set_up_organisations(platform_admin):
    programme = ProgrammeFactory()
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    with pytest.raises(PermissionDenied):
        organisation_save(actor=coordinator, organisation=programme, fields={"name": "Andere"})
    programme.refresh_from_db()
    assert programme.name != "Andere"
    assert not AuditEvent.objects.filter(action="organisation.change").exists()


def test_a_programme_is_validated_and_audited_with_its_coverage(platform_admin):
    mechelen = Municipality.objects.get(nis_code="12025")
    programme = Programme(name="Nieuw", participant_kind="pupils", kind="school")
    with pytest.raises(ValidationError) as refused:
        organisation_save(
            actor=platform_admin,
            organisation=programme,
            fields={"contact_email": "geen adres", "municipalities": [mechelen]},
        )
    assert "contact_email" in refused.value.message_dict
    assert not Programme.objects.filter(name="Nieuw").exists()

    saved = organisation_save(
        actor=platform_admin,
        organisation=programme,
        fields={"contact_email": "info@nieuw.be", "municipalities": [mechelen]},
    )
    assert saved.kind == OrganisationKind.PROGRAMME  # the model decides, not the caller
    assert list(saved.municipalities.all()) == [mechelen]
    event = AuditEvent.objects.get(action="organisation.create")
    assert (event.actor, event.object_id) == (platform_admin, str(saved.uuid))
    assert event.detail == {"fields": ["contact_email", "municipalities"]}


def test_the_kind_never_changes_and_schools_have_their_own_flow(platform_admin):
    funder = OrganisationFactory(kind=OrganisationKind.FUNDER)
    funder.kind = OrganisationKind.UMBRELLA
    with pytest.raises(ValidationError):
        organisation_save(actor=platform_admin, organisation=funder, fields={})
    assert Organisation.objects.get(pk=funder.pk).kind == OrganisationKind.FUNDER

    with pytest.raises(ValidationError):
        organisation_save(
            actor=platform_admin,
            organisation=Organisation(name="Geen programma", kind=OrganisationKind.PROGRAMME),
            fields={},
        )
    school = SchoolFactory()
    with pytest.raises(ValidationError):
        organisation_save(actor=platform_admin, organisation=school, fields={"name": "X"})
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()
