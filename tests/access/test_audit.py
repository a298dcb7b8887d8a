"""The audit trail: a row for every view of a pupil and every write, in the write's own
transaction, read-only in the admin (issue 2, point 5)."""

import pytest
from django.db import transaction
from django.test import Client

from buddywerk.access.models import Membership, Role
from buddywerk.access.services import membership_grant
from buddywerk.common.models import AuditEvent
from buddywerk.organisations.models import OrganisationKind
from tests.access.audit_helpers import (
    assert_list_events,
    family_ref,
    get_with_events,
    page_queries,
    pupil_ref,
    targets,
)
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
    assert platform_admin.has_perm("common.view_auditevent")
    assert platform_admin.has_perm("referrals.view_pupil")
    for perm in ("add", "change", "delete"):
        assert not platform_admin.has_perm(f"common.{perm}_auditevent")
    staff = member(UserFactory(is_staff=True), SchoolFactory(), Role.SCHOOL_STAFF)
    assert not staff.has_perm("common.view_auditevent")
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


# --- Issue 11, point 3: the admin audits lists, pages and writes; its log keeps no name --


def _admin_client(user):
    client = Client()
    client.force_login(user)
    return client


def _no_name_in_the_admin_log(*people):
    from django.contrib.admin.models import LogEntry

    reprs = list(LogEntry.objects.values_list("object_repr", "change_message"))
    assert reprs, "the admin wrote no log entry"
    for person in people:
        for name in (person.first_name, person.last_name):
            assert not any(name in r or name in m for r, m in reprs), name


@pytest.mark.django_db
def test_the_pupil_changelist_audits_every_pupil_shown(platform_admin):
    pupils = PupilFactory.create_batch(3)
    client = _admin_client(platform_admin)
    url = "/admin/referrals/pupil/"
    response, events = get_with_events(client, url)
    assert response.status_code == 200
    assert_list_events(events, actor=platform_admin, expected=[pupil_ref(p) for p in pupils])
    assert all(e.detail == {"list": True, "admin": True} for e in events)
    page_queries(client, url)
    few = page_queries(client, url)
    PupilFactory.create_batch(4)
    assert page_queries(client, url) == few
    assert few[1] == 1


@pytest.mark.django_db
def test_the_referral_changelist_and_page_audit_the_child_not_the_referral(platform_admin):
    from tests.factories import FamilyReferralFactory, ReferralFactory

    pupil_referral = ReferralFactory()
    family_referral = FamilyReferralFactory()
    client = _admin_client(platform_admin)
    response, events = get_with_events(client, "/admin/referrals/referral/")
    assert response.status_code == 200
    assert_list_events(
        events,
        actor=platform_admin,
        expected=[pupil_ref(pupil_referral.pupil), family_ref(family_referral.family)],
        referral=[pupil_referral.uuid, family_referral.uuid],
    )
    url = f"/admin/referrals/referral/{pupil_referral.pk}/change/"
    response, [event] = get_with_events(client, url)
    assert response.status_code == 200
    assert (event.object_type, event.object_id) == pupil_ref(pupil_referral.pupil)
    assert event.detail == {"referral": str(pupil_referral.uuid), "admin": True}
    # the raw-id widget names the pupil by its neutral label, never by name
    assert pupil_referral.pupil.last_name not in response.content.decode()


@pytest.mark.django_db
def test_followup_records_proposals_and_introductions_are_audited_as_their_children(
    platform_admin,
):
    from buddywerk.trajectories import concern_services as fs
    from tests.trajectories.factories import TrajectoryFactory

    duo = TrajectoryFactory(pupils=2)
    pupils = [p.pupil for p in duo.participants.select_related("pupil")]
    concern = fs.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="info", text="Moe vandaag."
    )
    client = _admin_client(platform_admin)
    response, events = get_with_events(client, "/admin/trajectories/concern/")
    assert response.status_code == 200
    assert_list_events(events, actor=platform_admin, expected=[pupil_ref(p) for p in pupils])
    response, events = get_with_events(client, f"/admin/trajectories/concern/{concern.pk}/change/")
    assert response.status_code == 200  # read-only, still a look at the children
    assert sorted(targets(events)) == sorted(pupil_ref(p) for p in pupils)
    assert all(e.detail == {"concern": str(concern.uuid), "admin": True} for e in events)
    for path in (
        "followup/tandemnote",
        "followup/observation",
        "followup/followupaction",
        "followup/checkin",
        "followup/relationshipsurvey",
        "matching/proposal",
        "network/serviceintroduction",
    ):
        response = client.get(f"/admin/{path}/")
        assert response.status_code == 200, path


@pytest.mark.django_db
def test_the_admin_history_of_a_pupil_is_a_look_at_the_pupil(platform_admin):
    """The admin writes no pupil (tests/access/test_admin.py); its history page still
    shows what was logged before, by neutral label, and counts as a look at the pupil."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from buddywerk.common.admin import neutral_label

    pupil = PupilFactory(first_name="Zinedine", last_name="Vandersteen")
    LogEntry.objects.create(
        user=platform_admin,
        content_type=ContentType.objects.get_for_model(pupil),
        object_id=str(pupil.pk),
        object_repr=neutral_label(pupil),
        action_flag=CHANGE,
    )
    client = _admin_client(platform_admin)
    response, [event] = get_with_events(client, f"/admin/referrals/pupil/{pupil.pk}/history/")
    assert response.status_code == 200
    assert (event.object_type, event.object_id) == pupil_ref(pupil)
    assert event.detail == {"admin": True}
    assert str(pupil.uuid) in response.content.decode()
    assert "Vandersteen" not in response.content.decode()
    _no_name_in_the_admin_log(pupil)


@pytest.mark.django_db
def test_old_admin_log_entries_lose_the_childs_name():
    """The data migration rewrites entries written before the admin stored neutral labels."""
    import importlib

    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from tests.factories import FamilyFactory

    pupil, family = PupilFactory(), FamilyFactory()
    user = UserFactory()
    for obj, text in (
        (pupil, f"{pupil.first_name} {pupil.last_name}"),
        (family, family.contact_name),
    ):
        LogEntry.objects.create(
            user=user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=text,
            action_flag=CHANGE,
        )
    migration = importlib.import_module("buddywerk.referrals.migrations.0004_neutral_admin_log")
    migration.neutral_object_reprs(apps, None)
    reprs = set(LogEntry.objects.values_list("object_repr", flat=True))
    assert reprs == {f"Leerling {pupil.uuid}", f"Gezin {family.uuid}"}


@pytest.mark.django_db
def test_a_pupil_or_family_never_prints_its_name():
    from tests.factories import FamilyFactory

    pupil, family = PupilFactory(), FamilyFactory()
    assert pupil.first_name not in str(pupil) and pupil.last_name not in str(pupil)
    assert str(pupil.uuid) in str(pupil)
    assert family.contact_name not in str(family) and str(family.uuid) in str(family)
