"""The outbox in the admin: platform admins only, read-only, no bodies; opening a mail is
audited (it names its recipient)."""

import pytest
from django.test import Client

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.mail.outbox import mail_enqueue
from buddywerk.organisations.models import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_platform_admins_see_the_outbox_read_only_without_bodies():
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    admin_user = member(
        UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
    )
    outgoing = mail_enqueue(
        to="ouder@example.org",
        subject="[Buddywerk] Een nieuwe duo start",
        body="Geheime inhoud van de mail",
        html="<p>Geheime inhoud van de mail</p>",
        kind="matching.confirmed",
    )
    client = Client()
    client.force_login(admin_user)
    listing = client.get("/admin/mail/outgoingmail/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "matching.confirmed" in html
    assert "ouder@example.org" not in html
    assert "Geheime inhoud" not in html
    assert "/admin/mail/outgoingmail/add/" not in html
    assert 'value="delete_selected"' not in html

    detail = client.get(f"/admin/mail/outgoingmail/{outgoing.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "ouder@example.org" in html
    assert "Geheime inhoud" not in html
    assert 'name="_save"' not in html
    assert AuditEvent.objects.filter(action="view", actor=admin_user).count() == 1

    # Staff without the platform admin role get nothing.
    school_staff = UserFactory(email="staff@example.org", is_staff=True)
    other = Client()
    other.force_login(school_staff)
    assert other.get("/admin/mail/outgoingmail/").status_code == 302
