"""Issue 20, point 3: services in the application. A platform admin or the regional
coordinator of the service's province registers a service and invites its staff, who hold
their own role (service_staff, never a school's) and follow their families' referrals."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role, User
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality, Province
from buddywerk.organisations import services
from buddywerk.organisations.models import OrganisationKind, Service, ServiceKind
from buddywerk.referrals.models import Referral
from tests.factories import (
    FamilyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    ServiceFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

MECHELEN, LIER, GENT = "12025", "12021", "44021"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://buddywerk.test"


def _text(response):
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def admin_user():
    umbrella = OrganisationFactory(name="Umbrella", kind=OrganisationKind.UMBRELLA)
    return member(
        UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
    )


@pytest.fixture
def regional():
    """The regional coordinator of the province of Antwerp (Mechelen and Lier)."""
    region = OrganisationFactory(
        name="Regio Antwerpen",
        kind=OrganisationKind.REGION,
        province=Province.objects.get(code="VAN"),
    )
    return member(UserFactory(email="regio@example.org"), region, Role.REGIONAL_COORDINATOR)


FIELDS = {
    "name": "OCMW Lier",
    "service_kind": ServiceKind.OCMW,
    "contact_email": "ocmw@lier.example",
    "contact_phone": "03 800 05 00",
    "languages": ["nl", "ar"],
}


# --- Registering ------------------------------------------------------------------------


def test_a_platform_admin_registers_a_service_anywhere(admin_user):
    service = services.service_register(
        actor=admin_user,
        fields={**FIELDS, "municipality": Municipality.objects.get(pk=GENT)},
    )
    assert service.kind == OrganisationKind.SERVICE
    assert service.province_id == "VOV"
    assert service.languages == ["nl", "ar"]
    event = AuditEvent.objects.get(action=AuditAction.SERVICE_REGISTER)
    assert event.actor == admin_user and event.object_id == str(service.uuid)


def test_a_regional_coordinator_registers_in_their_own_province_only(regional):
    service = services.service_register(
        actor=regional, fields={**FIELDS, "municipality": Municipality.objects.get(pk=LIER)}
    )
    assert service.municipality_id == LIER
    with pytest.raises(ValidationError) as error:
        services.service_register(
            actor=regional,
            fields={
                **FIELDS,
                "name": "CAW Gent",
                "municipality": Municipality.objects.get(pk=GENT),
            },
        )
    assert "municipality" in error.value.message_dict
    assert not Service.objects.filter(name="CAW Gent").exists()


def test_nobody_else_registers_a_service():
    school_staff = member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF)
    with pytest.raises(PermissionDenied):
        services.service_register(
            actor=school_staff,
            fields={**FIELDS, "municipality": Municipality.objects.get(pk=MECHELEN)},
        )


def test_the_same_service_is_not_registered_twice(admin_user):
    fields = {**FIELDS, "municipality": Municipality.objects.get(pk=LIER)}
    services.service_register(actor=admin_user, fields=fields)
    with pytest.raises(ValidationError) as error:
        services.service_register(actor=admin_user, fields={**fields, "name": "ocmw lier"})
    assert "name" in error.value.message_dict


def test_the_register_page_validates_and_registers(client, regional):
    client.force_login(regional)
    url = reverse("organisations:service_register")
    page = client.get(url)
    # Only municipalities of the coordinator's province are offered.
    assert f'value="{LIER}"' in page.content.decode()
    assert f'value="{GENT}"' not in page.content.decode()
    refused = client.post(url, {"name": "", "service_kind": "ocmw", "municipality": GENT})
    assert refused.status_code == 200
    assert not Service.objects.exists()
    done = client.post(
        url,
        {
            "name": "Onthaalbureau Lier",
            "service_kind": "welcome_office",
            "municipality": LIER,
            "languages": ["nl", "fr"],
        },
    )
    service = Service.objects.get(name="Onthaalbureau Lier")
    assert done.status_code == 302
    assert done["Location"] == reverse("organisations:service_detail", args=[service.uuid])
    listing = _text(client.get(reverse("organisations:service_list")))
    assert "Onthaalbureau Lier" in listing


def test_a_service_is_changed_within_the_province(client, regional):
    service = ServiceFactory(name="CAW Mechelen", service_kind=ServiceKind.CAW)
    client.force_login(regional)
    url = reverse("organisations:service_edit", args=[service.uuid])
    response = client.post(
        url, {"name": "CAW De Kempen", "service_kind": "caw", "municipality": MECHELEN}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "CAW De Kempen"
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_CHANGE).count() == 1
    # A service elsewhere does not exist for this coordinator.
    gent = ServiceFactory(municipality=Municipality.objects.get(pk=GENT))
    assert client.get(reverse("organisations:service_edit", args=[gent.uuid])).status_code == 404


# --- Staff ------------------------------------------------------------------------------


def test_the_regional_coordinator_invites_staff_who_get_their_own_role(
    client, regional, django_capture_on_commit_callbacks
):
    service = ServiceFactory(name="Onthaalbureau Mechelen")
    client.force_login(regional)
    url = reverse("organisations:service_detail", args=[service.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"email": "Medewerker@Example.org", "first_name": "Mia", "is_lead": "on"}
        )
    assert response.status_code == 302
    worker = User.objects.get(email="medewerker@example.org")
    membership = Membership.objects.get(user=worker, organisation=service)
    assert membership.role == Role.SERVICE_STAFF and membership.is_lead
    (message,) = mail.outbox
    assert message.to == ["medewerker@example.org"]
    assert "Onthaalbureau Mechelen" in message.subject
    assert "/accounts/password/reset/key/" in message.body
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_STAFF_INVITE).count() == 1
    assert "medewerker@example.org" in _text(client.get(url))
    # Invited twice: refused on the form.
    again = client.post(url, {"email": "medewerker@example.org"})
    assert again.status_code == 200
    assert Membership.objects.filter(user=worker).count() == 1


def test_staff_access_is_revoked(client, admin_user):
    service = ServiceFactory()
    worker = member(UserFactory(), service, Role.SERVICE_STAFF)
    client.force_login(admin_user)
    response = client.post(
        reverse("organisations:service_staff_revoke", args=[service.uuid, worker.uuid])
    )
    assert response.status_code == 302
    assert not Membership.objects.get(user=worker).is_active
    assert not policy.can_see_service_pages(User.objects.get(pk=worker.pk))


def test_roles_stay_in_their_kind_of_organisation():
    user = UserFactory()
    with pytest.raises(ValidationError):
        Membership(user=user, organisation=ServiceFactory(), role=Role.SCHOOL_STAFF).clean()
    with pytest.raises(ValidationError):
        Membership(user=user, organisation=SchoolFactory(), role=Role.SERVICE_STAFF).clean()


# --- What service staff see and do --------------------------------------------------------


def test_service_staff_act_for_their_own_service_only():
    service, other_service, school = ServiceFactory(), ServiceFactory(), SchoolFactory()
    worker = member(UserFactory(), service, Role.SERVICE_STAFF)
    teacher = member(UserFactory(), school, Role.SCHOOL_STAFF)
    family_programme = ProgrammeFactory(participant_kind="families")
    own = ReferralFactory(
        programme=family_programme,
        pupil=None,
        family=FamilyFactory(referred_by=service),
        draft=True,
    )
    other = ReferralFactory(
        programme=family_programme,
        pupil=None,
        family=FamilyFactory(referred_by=other_service),
        draft=True,
    )
    pupil_referral = ReferralFactory(pupil=PupilFactory(school=school))

    assert policy.can_refer_family(worker) and not policy.can_refer_pupil(worker)
    assert policy.can_refer_for(worker, service) and not policy.can_refer_for(worker, school)
    assert not policy.can_refer_for(teacher, service)
    seen = set(policy.referrals_visible_to(worker, Referral.objects.all()))
    assert seen == {own}
    assert other not in policy.referrals_visible_to(teacher, Referral.objects.all())
    assert pupil_referral not in seen
    assert policy.can_see_service_pages(worker) and not policy.can_see_service_pages(teacher)
    assert not policy.can_list_pupils(worker)
    assert policy.can_use_social_map(worker)


def test_the_staff_member_sees_their_service_and_its_figures(client):
    service = ServiceFactory(name="Onthaalbureau Gent", languages=["nl", "ar"])
    worker = member(UserFactory(first_name="Oona"), service, Role.SERVICE_STAFF, is_lead=True)
    member(UserFactory(first_name="Omar"), service, Role.SERVICE_STAFF)
    ReferralFactory(
        programme=ProgrammeFactory(participant_kind="families"),
        pupil=None,
        family=FamilyFactory(referred_by=service),
        draft=True,
    )
    client.force_login(worker)
    page = _text(client.get(reverse("organisations:my_service")))
    assert "Onthaalbureau Gent" in page and "Arabisch" in page and "Omar" in page
    home = client.get(reverse("home"))
    assert "Mijn dienst" in _text(home)
    assert reverse("organisations:my_service") in home.content.decode()
    # Not a platform admin's page.
    assert client.get(reverse("organisations:service_list")).status_code == 403


# --- The data migration ------------------------------------------------------------------


def test_the_migration_moves_service_staff_to_their_own_role_and_back():
    migration = import_module("buddywerk.access.migrations.0005_service_staff_role")
    service, school = ServiceFactory(), SchoolFactory()
    worker = UserFactory()
    teacher = UserFactory()
    Membership.objects.create(user=worker, organisation=service, role=Role.SCHOOL_STAFF)
    Membership.objects.create(user=teacher, organisation=school, role=Role.SCHOOL_STAFF)
    migration.staff_of_services_forward(apps, None)
    assert Membership.objects.get(user=worker).role == Role.SERVICE_STAFF
    assert Membership.objects.get(user=teacher).role == Role.SCHOOL_STAFF
    migration.staff_of_services_back(apps, None)
    assert Membership.objects.get(user=worker).role == Role.SCHOOL_STAFF
    assert Membership.objects.get(user=teacher).role == Role.SCHOOL_STAFF


def test_the_migration_gives_every_service_made_in_the_admin_its_details_and_back():
    migration = import_module("buddywerk.organisations.migrations.0008_service")
    plain = OrganisationFactory(name="OCMW van vroeger", kind=OrganisationKind.SERVICE)
    OrganisationFactory(name="Regio", kind=OrganisationKind.REGION)
    migration.services_detail(apps, None)
    service = Service.objects.get(pk=plain.pk)
    assert service.name == "OCMW van vroeger" and service.service_kind == ServiceKind.OTHER
    assert Service.objects.count() == 1

    class Editor:
        class connection:  # noqa: N801 - what RunPython passes: schema_editor.connection
            alias = "default"

    migration.services_undetail(apps, Editor)
    assert not Service.objects.exists()
    plain.refresh_from_db()
    assert plain.name == "OCMW van vroeger"
