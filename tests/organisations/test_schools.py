"""School registration, confirmation by a platform admin, and the care coordinator's staff."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from buddywerk.access.models import Membership, Role, User
from buddywerk.common.models import AuditEvent
from buddywerk.organisations.models import School
from tests.factories import OrganisationFactory, SchoolFactory, UserFactory, member, postcode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Links in mail are built on SITE_URL, never on the request's host."""
    settings.SITE_URL = "https://buddywerk.test"


REGISTRATION = {
    "school_number": "012 345",
    "name": "Vrije Basisschool De Linde",
    "level": "primary",
    "street": "Kerkstraat 12",
    "postcode": "2800",
    "registrant_name": "Zita Zorg",
    "registrant_email": "Zita@Example.org",
}


def _text(response):
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def admin_user():
    umbrella = OrganisationFactory(name="Umbrella", kind="umbrella")
    return member(
        UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
    )


@pytest.fixture
def lead():
    school = SchoolFactory(name="School A")
    return member(
        UserFactory(email="lead@example.org"), school, Role.SCHOOL_STAFF, is_lead=True
    ), school


# --- Registration ---------------------------------------------------------------------


def test_a_school_registers_and_waits_for_confirmation(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisations:school_register"), REGISTRATION)
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:school_register_done")
    school = School.objects.get(school_number="012345")
    assert school.confirmed_at is None
    assert school.municipality.name == "Mechelen"
    assert school.province.name == "Antwerpen"
    assert school.registrant_email == "zita@example.org"
    assert not User.objects.filter(email="zita@example.org").exists()
    assert AuditEvent.objects.filter(action="school.register", object_id=str(school.uuid)).exists()
    (message,) = mail.outbox
    assert message.to == ["zita@example.org"]
    # The registrant's address is not confirmed: the mail names the school by its number
    # only, never with the words typed in the form (issue 11, point 7).
    assert "We ontvingen de registratie van je school" in message.subject
    assert "012345" in message.body
    assert "De Linde" not in message.subject + message.body
    assert "Zita" not in message.body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"postcode": "2805"}, "De Belgische postcode 2805 bestaat niet."),
        ({"postcode": "5000"}, "Buddywerk werkt met scholen in Vlaanderen en Brussel."),
        ({"school_number": "12"}, "Een instellingsnummer heeft 5 tot 12 cijfers."),
        ({"registrant_email": "geen-adres"}, "Voer een geldig e-mailadres in."),
        ({"name": ""}, "Dit veld is verplicht."),
    ],
)
def test_bad_registration_gets_a_dutch_message_and_changes_nothing(client, change, message):
    response = client.post(reverse("organisations:school_register"), {**REGISTRATION, **change})
    assert response.status_code == 200
    assert message in _text(response)
    assert not School.objects.exists()
    assert not mail.outbox


def test_a_school_number_registers_only_once(client):
    SchoolFactory(school_number="012345")
    response = client.post(reverse("organisations:school_register"), REGISTRATION)
    assert "Er is al een school met dit instellingsnummer geregistreerd." in _text(response)
    assert School.objects.count() == 1


# --- Confirmation by a platform admin ---------------------------------------------------


def _pending():
    return SchoolFactory(
        confirmed_at=None, registrant_name="Zita Zorg", registrant_email="zita@example.org"
    )


def test_confirmation_gives_the_care_coordinator_an_account_and_the_lead_role(
    client, admin_user, django_capture_on_commit_callbacks
):
    school = _pending()
    client.force_login(admin_user)
    listing = client.get(reverse("organisations:school_registration_list"))
    assert school.name in _text(listing)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:school_registration_confirm", args=[school.uuid])
        )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.confirmed_at is not None
    user = User.objects.get(email="zita@example.org")
    assert (user.first_name, user.last_name) == ("Zita", "Zorg")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, organisation=school)
    assert membership.role == Role.SCHOOL_STAFF and membership.is_lead and membership.is_active
    assert AuditEvent.objects.filter(action="school.confirm", actor=admin_user).exists()
    (message,) = mail.outbox
    assert message.to == ["zita@example.org"]
    link = re.search(r"https://buddywerk\.test(/accounts/password/reset/key/\S+)", message.body)
    assert link, message.body
    # The link lets the care coordinator choose a password.
    client.logout()
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link.group(1),
        {"password1": "Een-sterk-wachtwoord-2026", "password2": "Een-sterk-wachtwoord-2026"},
    )
    user.refresh_from_db()
    assert user.check_password("Een-sterk-wachtwoord-2026")


def test_a_confirmed_school_cannot_be_confirmed_or_declined_again(client, admin_user):
    school = SchoolFactory()
    client.force_login(admin_user)
    for name in ("school_registration_confirm", "school_registration_decline"):
        response = client.post(
            reverse(f"organisations:{name}", args=[school.uuid]), {"reason": "x"}
        )
        assert response.status_code == 404
    assert not Membership.objects.filter(organisation=school).exists()


def test_declining_needs_a_reason_then_removes_the_registration_and_tells_why(
    client, admin_user, django_capture_on_commit_callbacks
):
    school = _pending()
    client.force_login(admin_user)
    url = reverse("organisations:school_registration_decline", args=[school.uuid])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Zeg waarom de registratie geweigerd wordt." in _text(response)
    assert School.objects.filter(pk=school.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Dit nummer hoort bij een andere school."})
    assert not School.objects.filter(pk=school.pk).exists()
    assert AuditEvent.objects.filter(action="school.decline").exists()
    (message,) = mail.outbox
    assert "Dit nummer hoort bij een andere school." in message.body


def test_only_platform_admins_confirm(client, lead):
    user, _school = lead
    school = _pending()
    client.force_login(user)
    response = client.post(reverse("organisations:school_registration_confirm", args=[school.uuid]))
    assert response.status_code == 403
    school.refresh_from_db()
    assert school.confirmed_at is None


def test_the_confirmation_list_keeps_its_query_count(
    client, admin_user, django_assert_max_num_queries
):
    for _ in range(15):
        _pending()
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organisations:school_registration_list"))
    assert response.status_code == 200


# --- Staff: invite and revoke -------------------------------------------------------------


def test_the_care_coordinator_invites_a_new_colleague(
    client, lead, django_capture_on_commit_callbacks
):
    user, school = lead
    client.force_login(user)
    url = reverse("organisations:school_staff", args=[school.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Nieuw@Example.org", "first_name": "Nina"})
    assert response.status_code == 302
    colleague = User.objects.get(email="nieuw@example.org")
    membership = Membership.objects.get(user=colleague, organisation=school)
    assert membership.role == Role.SCHOOL_STAFF and not membership.is_lead
    (message,) = mail.outbox
    assert message.to == ["nieuw@example.org"]
    assert "/accounts/password/reset/key/" in message.body
    page = client.get(url)
    assert "nieuw@example.org" in _text(page)


def test_an_existing_account_is_reused_and_gets_a_sign_in_mail(
    client, lead, django_capture_on_commit_callbacks
):
    user, school = lead
    existing = UserFactory(email="bestaand@example.org")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:school_staff", args=[school.uuid]),
            {"email": "bestaand@example.org"},
        )
    assert Membership.objects.get(user=existing, organisation=school).is_active
    assert User.objects.filter(email="bestaand@example.org").count() == 1
    (message,) = mail.outbox
    assert "/accounts/password/reset/key/" not in message.body


def test_inviting_someone_already_on_the_staff_changes_nothing(client, lead):
    user, school = lead
    client.force_login(user)
    response = client.post(
        reverse("organisations:school_staff", args=[school.uuid]), {"email": "lead@example.org"}
    )
    assert response.status_code == 200
    assert "Deze persoon hoort al bij het personeel van de school." in _text(response)
    assert Membership.objects.filter(organisation=school).count() == 1
    assert not mail.outbox


def test_the_care_coordinator_revokes_a_colleague(client, lead):
    user, school = lead
    colleague = member(UserFactory(), school, Role.SCHOOL_STAFF)
    client.force_login(user)
    response = client.post(
        reverse("organisations:school_staff_revoke", args=[school.uuid, colleague.uuid])
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=colleague, organisation=school)
    assert not membership.is_active
    assert AuditEvent.objects.filter(action="membership.revoke", actor=user).exists()
    # Revoked: the colleague no longer reaches the school's pages.
    client.force_login(colleague)
    assert client.get(reverse("organisations:school_staff", args=[school.uuid])).status_code == 403


def test_a_lead_cannot_be_revoked_by_the_care_coordinator(client, lead):
    user, school = lead
    other_lead = member(UserFactory(), school, Role.SCHOOL_STAFF, is_lead=True)
    client.force_login(user)
    response = client.post(
        reverse("organisations:school_staff_revoke", args=[school.uuid, other_lead.uuid]),
        follow=True,
    )
    refused = (
        "Alleen een beheerder van het platform kan de toegang van een zorgcoördinator wijzigen."
    )
    assert refused in _text(response)
    assert Membership.objects.get(user=other_lead, organisation=school).is_active


def test_staff_pages_of_another_school_answer_404(client, lead):
    user, _school = lead
    other = SchoolFactory(name="School B", postcode=postcode("9000"))
    colleague = member(UserFactory(), other, Role.SCHOOL_STAFF)
    client.force_login(user)
    assert client.get(reverse("organisations:school_staff", args=[other.uuid])).status_code == 404
    response = client.post(
        reverse("organisations:school_staff_revoke", args=[other.uuid, colleague.uuid])
    )
    assert response.status_code == 404
    assert Membership.objects.get(user=colleague, organisation=other).is_active


def test_a_teacher_who_is_not_the_lead_cannot_manage_staff(client, lead):
    _user, school = lead
    teacher = member(UserFactory(), school, Role.SCHOOL_STAFF)
    client.force_login(teacher)
    assert client.get(reverse("organisations:school_staff", args=[school.uuid])).status_code == 404
    home = client.get(reverse("organisations:school_staff_home"))
    assert "Alleen de zorgcoördinator van een school beheert het personeel." in _text(home)


def test_staff_page_query_count_does_not_grow(client, lead, django_assert_max_num_queries):
    user, school = lead
    for _ in range(10):
        member(UserFactory(), school, Role.SCHOOL_STAFF)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("organisations:school_staff", args=[school.uuid]))
    assert response.status_code == 200
