"""The audit trail: a row for every view of a pupil and every write, in the write's own
transaction, read-only in the admin (issue 2, point 5)."""

import pytest
from django.db import transaction
from django.test import Client

from buddywerk.access.models import Membership, Role
from buddywerk.access.services import membership_grant
from buddywerk.common.models import AuditEvent
from buddywerk.organisations.models import OrganisationKind
from tests.factories import (
    OrganisationFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    member,
)


@pytest.fixture
def platform_admin():
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    return member(
        UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
    )


@pytest.fixture
def staff_and_pupil():
    school = SchoolFactory()
    staff = member(UserFactory(email="staff@example.org"), school, Role.SCHOOL_STAFF)
    return staff, PupilFactory(school=school)


@pytest.mark.django_db
def test_every_pupil_view_writes_an_audit_event(staff_and_pupil):
    staff, pupil = staff_and_pupil
    client = Client()
    client.force_login(staff)
    ids = []
    for _ in range(2):
        response = client.get(f"/pupils/{pupil.uuid}/")
        assert response.status_code == 200
        ids.append(response["X-Request-ID"])
    events = list(AuditEvent.objects.filter(action="view").order_by("id"))
    assert len(events) == 2
    for event, request_id in zip(events, ids, strict=True):
        assert event.actor == staff
        assert event.object_type == "referrals.pupil"
        assert event.object_id == str(pupil.uuid)
        assert event.request_id == request_id
        assert len(request_id) == 32
        assert event.at is not None
    assert ids[0] != ids[1]
    # No personal data in the audit row.
    assert pupil.last_name not in str(events[0].detail)


@pytest.mark.django_db
def test_a_refused_pupil_view_writes_no_audit_event(staff_and_pupil):
    _staff, pupil = staff_and_pupil
    outsider = member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF)
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/pupils/{pupil.uuid}/").status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(pupil.uuid)).exists()


@pytest.mark.django_db
def test_a_write_service_leaves_an_audit_event_in_its_transaction(platform_admin):
    user = UserFactory(email="new-staff@example.org")
    school = SchoolFactory()
    membership = membership_grant(
        actor=platform_admin, user=user, organisation=school, role=Role.SCHOOL_STAFF
    )
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.actor == platform_admin
    assert event.object_type == "access.membership"
    assert event.object_id == str(membership.pk)
    assert event.request_id == ""  # outside a request


@pytest.mark.django_db
def test_the_audit_row_is_rolled_back_with_the_write(platform_admin):
    user = UserFactory(email="new-admin@example.org")
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    with pytest.raises(RuntimeError), transaction.atomic():
        membership_grant(
            actor=platform_admin, user=user, organisation=umbrella, role=Role.PLATFORM_ADMIN
        )
        # The write and its audit row are there inside the transaction ...
        assert Membership.objects.filter(user=user).exists()
        assert AuditEvent.objects.filter(action="membership.grant").exists()
        raise RuntimeError("a later step of the same transaction fails")
    # ... and both are gone after it failed, the side effect on the user too.
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="membership.grant").exists()
    user.refresh_from_db()
    assert not user.is_staff


@pytest.mark.django_db
def test_a_refused_write_leaves_no_audit_row(platform_admin):
    """membership_grant validates (a school role in an umbrella organisation is wrong):
    nothing is written, the audit row neither."""
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError):
        membership_grant(
            actor=platform_admin,
            user=user,
            organisation=OrganisationFactory(kind=OrganisationKind.UMBRELLA),
            role=Role.SCHOOL_STAFF,
        )
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_audit_events_are_read_only_in_the_admin(platform_admin, staff_and_pupil):
    staff, pupil = staff_and_pupil
    client = Client()
    client.force_login(staff)
    client.get(f"/pupils/{pupil.uuid}/")
    event = AuditEvent.objects.get()

    admin = Client()
    admin.force_login(platform_admin)
    listing = admin.get("/admin/common/auditevent/")
    assert listing.status_code == 200
    assert str(pupil.uuid) in listing.content.decode()
    html = listing.content.decode()
    assert "/admin/common/auditevent/add/" not in html
    assert 'value="delete_selected"' not in html

    detail = admin.get(f"/admin/common/auditevent/{event.pk}/change/")
    assert detail.status_code == 200  # a view page, no form to save
    assert 'name="_save"' not in detail.content.decode()
    assert f"/admin/common/auditevent/{event.pk}/delete/" not in detail.content.decode()

    assert admin.get("/admin/common/auditevent/add/").status_code == 403
    assert admin.post("/admin/common/auditevent/add/", {"action": "forged"}).status_code == 403
    assert (
        admin.post(
            f"/admin/common/auditevent/{event.pk}/change/", {"action": "changed", "_save": "1"}
        ).status_code
        == 403
    )
    assert admin.get(f"/admin/common/auditevent/{event.pk}/delete/").status_code == 403
    assert (
        admin.post(f"/admin/common/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    admin.post(
        "/admin/common/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    event.refresh_from_db()
    assert event.action == "view"
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert not AuditEvent.objects.filter(action="forged").exists()


@pytest.mark.django_db
def test_nobody_gets_a_permission_to_change_audit_events(platform_admin):
    assert platform_admin.has_perm("access.view_auditevent")
    assert platform_admin.has_perm("referrals.change_pupil")
    for perm in ("add", "change", "delete"):
        assert not platform_admin.has_perm(f"access.{perm}_auditevent")
    staff = member(UserFactory(is_staff=True), SchoolFactory(), Role.SCHOOL_STAFF)
    assert not staff.has_perm("access.view_auditevent")
    assert not staff.has_perm("referrals.view_pupil")


@pytest.mark.django_db
def test_opening_a_pupil_in_the_admin_writes_an_audit_event(platform_admin):
    pupil = PupilFactory()
    client = Client()
    client.force_login(platform_admin)
    response = client.get(f"/admin/referrals/pupil/{pupil.pk}/change/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="view")
    assert event.actor == platform_admin
    assert event.object_type == "referrals.pupil"
    assert event.object_id == str(pupil.uuid)
    assert event.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_the_admin_is_for_platform_admins_only(staff_and_pupil):
    staff, pupil = staff_and_pupil
    staff.is_staff = True  # even with the staff flag set by mistake
    staff.save()
    client = Client()
    client.force_login(staff)
    response = client.get(f"/admin/referrals/pupil/{pupil.pk}/change/")
    assert response.status_code in (302, 403)
    assert not AuditEvent.objects.exists()
