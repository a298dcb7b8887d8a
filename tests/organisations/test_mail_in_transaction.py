"""School mails are written by the services, in their transaction, in the recipient's
language: the registration form's for the registrant (an address without an account,
then their new account), the user's own for a colleague (issue 12, point 6)."""

import pytest
from django.test import Client
from django.urls import reverse

from buddywerk.access.models import User
from buddywerk.mail.models import OutgoingMail
from buddywerk.organisations import services
from buddywerk.organisations.models import School
from tests.factories import OrganisationFactory, UserFactory, member, postcode
from tests.mail.helpers import PREFIX, dutch, rolled_back, speaks
from tests.organisations.test_schools import REGISTRATION

pytestmark = pytest.mark.django_db

RECEIVED = "We received the registration of your school"


def _admin():
    umbrella = OrganisationFactory(kind="umbrella")
    return member(UserFactory(is_staff=True), umbrella, "platform_admin")


def _register(**kwargs):
    return services.school_register(
        actor=None,
        school_number=kwargs.pop("school_number", "012345"),
        name="Vrije Basisschool De Linde",
        level="primary",
        street="Kerkstraat 12",
        postcode=postcode("2800"),
        registrant_name="Zita Zorg",
        registrant_email=kwargs.pop("registrant_email", "zita@example.org"),
        **kwargs,
    )


def test_registration_mail_rolls_back_with_the_registration():
    (written,) = rolled_back(lambda: _register(language="en"))
    assert (written.kind, written.to) == ("organisations.registration_received", "zita@example.org")
    assert written.subject == PREFIX + RECEIVED
    assert not School.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_the_registrant_hears_in_the_form_language_then_gets_an_account_in_it(settings):
    settings.SITE_URL = "https://buddywerk.test"
    Client(HTTP_ACCEPT_LANGUAGE="en").post(reverse("organisations:school_register"), REGISTRATION)
    Client(HTTP_ACCEPT_LANGUAGE="nl-BE").post(
        reverse("organisations:school_register"),
        {**REGISTRATION, "school_number": "054321", "registrant_email": "jan@example.org"},
    )
    received = {m.to: m for m in OutgoingMail.objects.filter(kind__endswith="received")}
    assert received["zita@example.org"].subject == PREFIX + RECEIVED
    assert received["jan@example.org"].subject == PREFIX + dutch(RECEIVED)

    school = School.objects.get(school_number="012345")
    assert school.registrant_language == "en"
    OutgoingMail.objects.all().delete()
    (invitation,) = rolled_back(lambda: services.school_confirm(actor=_admin(), school=school))
    assert invitation.kind == "organisations.invitation"
    assert "is confirmed on Buddywerk" in invitation.subject
    assert "https://buddywerk.test/accounts/password/reset/key/" in invitation.body
    assert invitation.sensitive
    assert not User.objects.filter(email="zita@example.org").exists()
    services.school_confirm(actor=_admin(), school=school)
    assert User.objects.get(email="zita@example.org").preferred_language == "en"


def test_a_colleague_is_told_in_their_own_language():
    lead_school = _register()
    services.school_confirm(actor=_admin(), school=lead_school)
    lead_school.refresh_from_db()
    lead = User.objects.get(email="zita@example.org")
    colleague = speaks(UserFactory(email="colleague@example.org"), "en")
    OutgoingMail.objects.all().delete()

    def invite():
        services.school_staff_invite(actor=lead, school=lead_school, email=colleague.email)

    (written,) = rolled_back(invite)
    assert (written.kind, written.to) == ("organisations.staff_added", colleague.email)
    assert written.subject.startswith(PREFIX + "You are invited to")
    assert not written.sensitive  # an account with a password signs in; no secret link
    assert not OutgoingMail.objects.exists()
