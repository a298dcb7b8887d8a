"""Issue 20, point 3: coordinators keep their programme's sociale kaart in the
application (categories, opening hours, languages, accessibility), audited;
`can_manage_local_services` decides who may."""

import pytest
from django.core.exceptions import PermissionDenied

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality
from buddywerk.network import services
from buddywerk.network.models import LocalService
from tests.factories import ProgrammeFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def coordinator_of(nis_code):
    programme = ProgrammeFactory(municipalities=Municipality.objects.filter(nis_code=nis_code))
    return member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)


def fields(nis_code="44021", **changes):
    return {
        "municipality": Municipality.objects.get(nis_code=nis_code),
        "name": "Onthaalbureau Gent",
        "category": "integration",
        "description": "Inburgering en Nederlands leren.",
        "address": "Kongostraat 42, 9000 Gent",
        "phone": "",
        "email": "",
        "website": "",
        "languages": ["nl", "fr", "ar"],
        "opening_hours": "Maandag tot vrijdag 9-12 uur",
        "accessibility": "Toegankelijk met een rolstoel, tram 1 stopt voor de deur.",
        "is_active": True,
        **changes,
    }


def test_coordinator_adds_and_changes_a_service_of_their_area_audited():
    gent = coordinator_of("44021")
    service = services.local_service_save(actor=gent, fields=fields())
    assert service.opening_hours.startswith("Maandag") and service.category == "integration"
    services.local_service_save(actor=gent, fields={"phone": "09 123 45 67"}, service=service)
    assert LocalService.objects.get(pk=service.pk).phone == "09 123 45 67"
    actions = list(
        AuditEvent.objects.filter(object_type="network.localservice")
        .order_by("id")
        .values_list("action", "detail")
    )
    assert actions[0][0] == "local_service.create"
    assert actions[1] == ("local_service.update", {"fields": ["phone"]})


def test_another_area_and_other_roles_are_refused():
    gent = coordinator_of("44021")
    mechelen = coordinator_of("12025")
    with pytest.raises(PermissionDenied):
        services.local_service_save(actor=mechelen, fields=fields())
    service = services.local_service_save(actor=gent, fields=fields())
    with pytest.raises(PermissionDenied):
        services.local_service_save(actor=mechelen, fields={"phone": "1"}, service=service)
    with pytest.raises(PermissionDenied):
        services.local_service_save(actor=UserFactory(), fields=fields(name="Andere"))
    # Moving a service out of the coordinator's area is refused too.
    with pytest.raises(PermissionDenied):
        services.local_service_save(
            actor=gent,
            fields={"municipality": Municipality.objects.get(nis_code="12025")},
            service=service,
        )


def test_pages_edit_only_within_the_area(client):
    gent = coordinator_of("44021")
    service = services.local_service_save(actor=gent, fields=fields())
    client.force_login(coordinator_of("12025"))
    assert client.get(f"/network/services/{service.uuid}/edit/").status_code == 404
    client.force_login(gent)
    assert client.get(f"/network/services/{service.uuid}/edit/").status_code == 200
    data = {
        **fields(name="CAW Oost-Vlaanderen", category="caw"),
        "municipality": Municipality.objects.get(nis_code="44021").pk,
        "is_active": "on",
    }
    response = client.post("/network/services/new/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert LocalService.objects.get(name="CAW Oost-Vlaanderen").languages == ["nl", "fr", "ar"]
