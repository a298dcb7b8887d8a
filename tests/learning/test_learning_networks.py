"""Issue 20, point 2: regional coordinators organise intervisions and meet-ups for
buddies, school staff, coordinators or a mixed audience; everyone in the audience
registers (the waiting list rules stay); the organiser changes the event and takes
attendance."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Province
from buddywerk.learning import services
from buddywerk.learning.models import Audience, Event, EventKind, Registration
from buddywerk.organisations.models import OrganisationKind
from tests.factories import (
    BuddyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.learning.factories import EventFactory, next_season_day

pytestmark = pytest.mark.django_db


def regional(province="VAN"):
    region = OrganisationFactory(
        kind=OrganisationKind.REGION, province=Province.objects.get(code=province)
    )
    return member(UserFactory(), region, Role.REGIONAL_COORDINATOR), region


def teacher():
    return member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF)


def buddy(programme):
    return member(BuddyFactory(programmes=[programme]).user, programme, Role.BUDDY)


def fields(**changes):
    start = next_season_day()
    values = {
        "kind": EventKind.INTERVISION,
        "title": "Intervisie voor zorgleerkrachten",
        "theme": "Samenwerken met een buddy",
        "description": "",
        "programme": None,
        "audience": Audience.SCHOOLS,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "registration_deadline": start - dt.timedelta(days=2),
        "place": "Provinciehuis Antwerpen",
        "online_url": "",
        "capacity": 1,
    }
    return {**values, **changes}


def test_regional_coordinator_creates_an_event_of_their_region_with_an_audit_event():
    coordinator, region = regional()
    event = services.event_create(actor=coordinator, fields=fields())
    assert event.region == region and event.programme is None
    assert AuditEvent.objects.filter(
        actor=coordinator, action="event.create", object_id=str(event.uuid)
    ).exists()
    # A meet-up of the region needs no programme.
    meetup = services.event_create(
        actor=coordinator, fields=fields(kind=EventKind.MEETUP, audience=Audience.MIXED)
    )
    assert meetup.region == region


def test_regional_coordinator_does_not_organise_for_a_programme():
    coordinator, _region = regional()
    with pytest.raises(PermissionDenied):
        services.event_create(actor=coordinator, fields=fields(programme=ProgrammeFactory()))
    with pytest.raises(PermissionDenied):
        services.event_create(actor=teacher(), fields=fields())


def test_school_staff_register_for_a_school_event_and_wait_like_buddies(
    django_capture_on_commit_callbacks,
):
    coordinator, _region = regional()
    event = services.event_create(actor=coordinator, fields=fields(capacity=1))
    first, second = teacher(), teacher()
    taken = services.registration_create(actor=first, event=event)
    waiting = services.registration_create(actor=second, event=event)
    assert (taken.status, waiting.status) == ("registered", "waiting")
    assert taken.user == first and taken.buddy is None
    with pytest.raises(ValidationError):
        services.registration_create(actor=first, event=event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=first, registration=taken)
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    assert [m.to for m in mail.outbox] == [[second.email]]
    # The mail speaks to whoever moved up, not only to buddies (issue 20, point 4).
    (moved_up,) = mail.outbox
    assert "buddy" not in moved_up.body
    assert "wachtlijst" in moved_up.body


def test_only_the_audience_registers():
    programme = ProgrammeFactory()
    regional_coordinator, _region = regional()
    programme_coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    a_buddy, a_teacher = buddy(programme), teacher()
    for_schools = EventFactory(audience=Audience.SCHOOLS, capacity=10)
    for_coordinators = EventFactory(audience=Audience.COORDINATORS, capacity=10)
    mixed = EventFactory(audience=Audience.MIXED, capacity=10)
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=a_buddy, event=for_schools)
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=a_teacher, event=for_coordinators)
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=UserFactory(), event=mixed)
    services.registration_create(actor=a_teacher, event=for_schools)
    services.registration_create(actor=programme_coordinator, event=for_coordinators)
    services.registration_create(actor=regional_coordinator, event=for_coordinators)
    for person in (a_buddy, a_teacher, programme_coordinator, regional_coordinator):
        services.registration_create(actor=person, event=mixed)
    assert mixed.registrations.count() == 4
    # An approved buddy's place counts in their profile.
    assert mixed.registrations.get(user=a_buddy).buddy == a_buddy.buddy


def test_the_organiser_changes_the_event_and_the_waiting_list_rules_stay():
    coordinator, _region = regional()
    event = services.event_create(actor=coordinator, fields=fields(capacity=2))
    people = [teacher() for _ in range(3)]
    for person in people:
        services.registration_create(actor=person, event=event)
    with pytest.raises(ValidationError) as refused:
        services.event_update(actor=coordinator, event=event, fields={"capacity": 1})
    assert "capacity" in refused.value.message_dict
    assert Event.objects.get(pk=event.pk).capacity == 2
    services.event_update(actor=coordinator, event=event, fields={"capacity": 3, "place": "Zaal 4"})
    assert set(event.registrations.values_list("status", flat=True)) == {"registered"}
    audit = AuditEvent.objects.get(action="event.update")
    assert audit.actor == coordinator and sorted(audit.detail["fields"]) == ["capacity", "place"]


def test_another_province_and_a_programme_coordinator_do_not_manage_the_region_event():
    coordinator, _region = regional()
    other, _other_region = regional("VOV")
    event = services.event_create(actor=coordinator, fields=fields())
    with pytest.raises(PermissionDenied):
        services.event_update(actor=other, event=event, fields={"capacity": 5})
    programme = ProgrammeFactory()
    with pytest.raises(PermissionDenied):
        services.event_update(
            actor=member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR),
            event=event,
            fields={"capacity": 5},
        )


def test_the_regional_coordinator_takes_attendance_of_school_staff():
    coordinator, _region = regional()
    event = services.event_create(actor=coordinator, fields=fields(capacity=5))
    came, stayed_away = teacher(), teacher()
    present = services.registration_create(actor=came, event=event)
    services.registration_create(actor=stayed_away, event=event)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    event.refresh_from_db()
    assert services.attendance_record(actor=coordinator, event=event, present={present.pk}) == 1
    assert dict(Registration.objects.values_list("user", "attended")) == {
        came.pk: True,
        stayed_away.pk: False,
    }


def test_edit_page_for_the_organiser_404_for_another_province(client):
    coordinator, _region = regional()
    other, _other_region = regional("VOV")
    event = services.event_create(actor=coordinator, fields=fields())
    client.force_login(other)
    assert client.get(f"/learning/events/{event.uuid}/edit/").status_code == 404
    client.force_login(coordinator)
    response = client.get(f"/learning/events/{event.uuid}/edit/")
    assert response.status_code == 200
    data = {
        key: value
        for key, value in fields(capacity=4, title="Lerend netwerk").items()
        if value is not None
    }
    for key in ("starts_at", "ends_at", "registration_deadline"):
        data[key] = timezone.localtime(data[key]).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/learning/events/{event.uuid}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("Lerend netwerk", 4)
