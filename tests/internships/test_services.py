"""Issue 20, points 1 and 5: the services and the policy of internships and hours."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.internships import selectors, services
from buddywerk.internships.models import InstitutionPartnership, SharingConsent
from buddywerk.mail.models import OutgoingMail
from buddywerk.privacy.account_services import account_anonymise
from buddywerk.privacy.schedule import DataKind
from buddywerk.reports.periods import school_year_of
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, member
from tests.internships.helpers import attend, build, module_done

pytestmark = pytest.mark.django_db


def students(user):
    return list(policy.students_visible_to(user, Buddy.objects.all()))


def test_a_supervisor_sees_only_students_who_share_with_their_institution():
    w = build()
    assert students(w.supervisor) == [w.student]
    # Same institution, no consent: nothing.
    assert w.quiet_student not in students(w.supervisor)
    # Another institution's supervisor: nothing.
    assert students(w.other_supervisor) == []


def test_revoking_the_consent_hides_the_student_at_once():
    w = build()
    services.sharing_consent_revoke(actor=w.student.user)
    assert students(w.supervisor) == []
    assert AuditEvent.objects.filter(action=AuditAction.SHARING_REVOKE).count() == 1
    with pytest.raises(ValidationError):
        services.sharing_consent_revoke(actor=w.student.user)


def test_sharing_with_another_institution_ends_the_first_consent():
    w = build()
    services.sharing_consent_give(actor=w.student.user, institution=w.other_institution)
    assert students(w.supervisor) == []
    assert students(w.other_supervisor) == [w.student]
    assert SharingConsent.objects.in_force().filter(buddy=w.student).count() == 1
    w.student.refresh_from_db()
    assert w.student.training_institution == w.other_institution


def test_a_consent_for_an_institution_the_buddy_left_shows_nothing():
    """The consent is for one institution: the buddy's named institution must match."""
    w = build()
    Buddy.objects.filter(pk=w.student.pk).update(training_institution=w.other_institution)
    assert students(w.supervisor) == []
    assert students(w.other_supervisor) == []


def test_only_the_contact_or_a_platform_admin_invites_supervisors():
    w = build()
    colleague = member(UserFactory(), w.institution, Role.INTERNSHIP_SUPERVISOR)
    with pytest.raises(PermissionDenied):
        services.supervisor_invite(
            actor=colleague, institution=w.institution, email="x@ucll.example"
        )
    with pytest.raises(PermissionDenied):
        services.supervisor_invite(
            actor=w.other_supervisor, institution=w.institution, email="x@ucll.example"
        )
    membership = services.supervisor_invite(
        actor=w.supervisor, institution=w.institution, email="Nieuw@UCLL.example", first_name="Nel"
    )
    assert membership.role == Role.INTERNSHIP_SUPERVISOR and not membership.is_lead
    assert membership.user.email == "nieuw@ucll.example"
    assert OutgoingMail.objects.filter(kind="internships.supervisor_invited").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.SUPERVISOR_INVITE).count() == 1
    # A contact cannot name another contact; a platform admin can.
    with pytest.raises(PermissionDenied):
        services.supervisor_invite(
            actor=w.supervisor, institution=w.institution, email="b@ucll.example", is_contact=True
        )
    admin = member(UserFactory(), OrganisationFactory(kind="umbrella"), Role.PLATFORM_ADMIN)
    lead = services.supervisor_invite(
        actor=admin, institution=w.other_institution, email="lead@odisee.example", is_contact=True
    )
    assert lead.is_lead


def test_the_contact_revokes_a_colleague_but_not_a_contact():
    w = build()
    colleague = member(UserFactory(), w.institution, Role.INTERNSHIP_SUPERVISOR)
    membership = Membership.objects.get(user=colleague, role=Role.INTERNSHIP_SUPERVISOR)
    services.supervisor_revoke(actor=w.supervisor, institution=w.institution, membership=membership)
    policy.forget_memberships(colleague)
    assert not policy.can_list_students(colleague)
    lead = Membership.objects.get(user=w.supervisor, role=Role.INTERNSHIP_SUPERVISOR)
    with pytest.raises(ValidationError):
        services.supervisor_revoke(actor=w.supervisor, institution=w.institution, membership=lead)


def test_the_supervisor_role_only_fits_a_training_institution():
    user = UserFactory()
    school = OrganisationFactory(kind="school")
    with pytest.raises(ValidationError):
        Membership(user=user, organisation=school, role=Role.INTERNSHIP_SUPERVISOR).clean()


def test_the_internship_file_holds_no_pupil_data():
    w = build()
    attend(w.student, hours=2)
    module_done(w.student)
    file = selectors.internship_file(w.student)
    [duo] = file.duos
    assert duo.meetings_held == 2 and duo.meetings_cancelled == 1
    assert duo.minutes == 150 and duo.hours == "2,5"
    assert len(duo.school_years) == 1 and duo.kind == "pupils"
    assert [title for _day, title in file.intervisions] and len(file.intervisions) == 1
    assert [title for _day, title in file.modules] == ["Een warme band"]
    assert file.total_hours == "4,5"  # 150 minutes of meetings + 120 of the intervision
    assert file.certificates == [("Buddy Leuven (test)", 2, "2,5")]
    text = repr(file)
    assert w.pupil.first_name not in text and w.pupil.last_name not in text
    assert w.duo.school.name not in text


def test_hours_per_school_year_count_held_meetings_and_attended_events_only():
    w = build()
    this_year = school_year_of(timezone.localdate())
    # An event attended more than a year ago: another school year.
    attend(w.student, hours=3, starts_at=timezone.now() - dt.timedelta(days=400))
    years = {y.school_year: y for y in selectors.hours_per_school_year(w.student)}
    assert years[this_year].meetings_held == 2  # the cancelled one does not count
    assert years[this_year].meeting_minutes == 150
    previous = school_year_of(timezone.localdate(timezone.now() - dt.timedelta(days=400)))
    assert years[previous].event_minutes == 180
    assert years[previous].events_attended == 1


def test_an_attestation_states_the_hours_with_an_unguessable_code():
    w = build()
    year = school_year_of(timezone.localdate())
    first = services.attestation_issue(actor=w.student.user, school_year=year)
    second = services.attestation_issue(actor=w.student.user, school_year=year)
    assert first.minutes == 150 and first.hours == "2,5"
    assert first.programmes == "Buddy Leuven (test)"
    assert first.code != second.code and len(first.code) >= 20
    with pytest.raises(ValidationError):
        services.attestation_issue(actor=w.student.user, school_year=year - 5)
    with pytest.raises(PermissionDenied):
        services.attestation_issue(actor=w.supervisor, school_year=year)


def test_coordinators_see_totals_per_buddy_of_their_programme():
    w = build()
    year = school_year_of(timezone.localdate())
    totals = selectors.hour_totals(programme=w.duo.programme, school_year=year)
    assert [(t.buddy, t.year.minutes) for t in totals] == [(w.student, 150)]
    coordinator = member(UserFactory(), w.duo.programme, Role.PROGRAMME_COORDINATOR)
    other = member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)
    from buddywerk.organisations.models import Programme

    assert list(policy.hour_total_programmes_of(coordinator, Programme.objects.all())) == [
        w.duo.programme
    ]
    assert w.duo.programme not in policy.hour_total_programmes_of(other, Programme.objects.all())


def test_partnerships_are_recorded_by_admins_and_the_programmes_coordinators():
    w = build()
    programme = w.duo.programme
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    other = member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.partnership_save(
            actor=other, institution=w.institution, programme=programme, since=dt.date(2025, 9, 1)
        )
    partnership = services.partnership_save(
        actor=coordinator,
        institution=w.institution,
        programme=programme,
        since=dt.date(2025, 9, 1),
        contact=w.supervisor,
        student_count=6,
    )
    # Again: the same partnership changes.
    services.partnership_save(
        actor=coordinator,
        institution=w.institution,
        programme=programme,
        since=dt.date(2025, 9, 1),
        student_count=8,
    )
    partnership.refresh_from_db()
    assert partnership.student_count == 8 and partnership.contact is None
    assert InstitutionPartnership.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.PARTNERSHIP_SAVE).count() == 2
    # The contact must be a supervisor of that institution.
    with pytest.raises(ValidationError):
        services.partnership_save(
            actor=coordinator,
            institution=w.institution,
            programme=programme,
            since=dt.date(2025, 9, 1),
            contact=w.other_supervisor,
        )


def test_erasure_reaches_supervisors_and_consents():
    w = build()
    partnership = services.partnership_save(
        actor=member(UserFactory(), w.duo.programme, Role.PROGRAMME_COORDINATOR),
        institution=w.institution,
        programme=w.duo.programme,
        since=dt.date(2025, 9, 1),
        contact=w.supervisor,
    )
    account_anonymise(user=w.supervisor, kind=DataKind.STAFF_ACCOUNT, now=timezone.now())
    partnership.refresh_from_db()
    assert partnership.contact is None
    w.supervisor.refresh_from_db()
    assert w.supervisor.first_name == "" and w.supervisor.email.startswith("gewist-")
    policy.forget_memberships(w.supervisor)
    assert students(w.supervisor) == []
    # An erased buddy shares nothing any more.
    account_anonymise(user=w.student.user, kind=DataKind.INACTIVE_ACCOUNT, now=timezone.now())
    assert not SharingConsent.objects.in_force().filter(buddy=w.student).exists()
