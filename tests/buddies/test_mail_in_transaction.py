"""Buddy mails are written by the services, in their transaction, in the buddy's language,
with links built on SITE_URL (issue 12, point 6)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buddywerk.access.models import User
from buddywerk.buddies import importer, services
from buddywerk.buddies.models import Buddy
from buddywerk.mail.models import OutgoingMail
from tests.buddies.factories import applicant, coordinated_programme, institution
from tests.buddies.test_services import register
from tests.factories import ProgrammeFactory
from tests.mail.helpers import PREFIX, dutch, rolled_back, speaks

pytestmark = pytest.mark.django_db


def test_the_verification_mail_rolls_back_with_the_registration(settings):
    settings.SITE_URL = "https://buddywerk.test"
    (written,) = rolled_back(lambda: register([ProgrammeFactory()]))
    assert (written.kind, written.to) == ("buddies.verify", "sara@example.org")
    assert "https://buddywerk.test/accounts/confirm-email/" in written.body
    assert written.sensitive
    assert not User.objects.filter(email="sara@example.org").exists()
    assert not OutgoingMail.objects.exists()


def test_the_screening_decision_speaks_each_applicants_language():
    programme, coordinator = coordinated_programme()
    english, dutch_one = applicant(programme), applicant(programme)
    speaks(english.user, "en")

    (written,) = rolled_back(
        lambda: services.buddy_approve(actor=coordinator, buddy=english, programme=programme)
    )
    assert (written.kind, written.to) == ("buddies.screening_approved", english.user.email)
    assert not OutgoingMail.objects.exists()
    assert Buddy.objects.get(pk=english.pk).status == "applied"

    english.refresh_from_db()
    for buddy in (english, dutch_one):
        services.buddy_approve(actor=coordinator, buddy=buddy, programme=programme)
    mails = {m.to: m for m in OutgoingMail.objects.filter(kind="buddies.screening_approved")}
    assert mails[english.user.email].subject == PREFIX + "Welcome as a buddy"
    assert mails[dutch_one.user.email].subject == PREFIX + dutch("Welcome as a buddy")


def test_import_invitations_are_written_in_the_imports_transaction(settings):
    settings.SITE_URL = "https://buddywerk.test"
    programme, coordinator = coordinated_programme()
    values = dict(zip(importer.COLUMNS, importer.EXAMPLE_ROW, strict=True))
    content = ";".join(importer.COLUMNS) + "\n" + ";".join(values[c] for c in importer.COLUMNS)
    job = importer.buddy_import_start(
        actor=coordinator,
        programme=programme,
        training_institution=institution(),
        upload=SimpleUploadedFile("s.csv", content.encode()),
    )
    importer.import_run(import_id=job.pk, commit=False)
    importer.buddy_import_confirm(actor=coordinator, job=job)
    (written,) = rolled_back(lambda: importer.import_run(import_id=job.pk, commit=True))
    assert written.kind == "buddies.import_invitation"
    assert "https://buddywerk.test/accounts/password/reset/key/" in written.body
    assert written.sensitive
    assert not OutgoingMail.objects.exists()
    assert not Buddy.objects.filter(source_import=job).exists()
