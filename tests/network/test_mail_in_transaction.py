"""Mail to the author of a practice proposal is written by the service, in its
transaction, in the language of the form the author filled in (issue 12, point 6)."""

import pytest
from django.test import Client

from buddywerk.mail.models import OutgoingMail
from buddywerk.network import services
from buddywerk.network.models import PracticeSubmission
from tests.mail.helpers import PREFIX, dutch, rolled_back
from tests.network.factories import PracticeSubmissionFactory
from tests.network.test_practices import form_data, platform_admin

pytestmark = pytest.mark.django_db


def test_the_form_language_is_kept_and_used_for_every_mail_to_the_author(settings):
    settings.SITE_URL = "https://buddywerk.test"
    Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/network/practices/new/", form_data(submitter_email="en@example.org")
    )
    Client(HTTP_ACCEPT_LANGUAGE="nl-BE").post(
        "/network/practices/new/", form_data(submitter_email="nl@example.org")
    )
    english = PracticeSubmission.objects.get(submitter_email="en@example.org")
    dutch_one = PracticeSubmission.objects.get(submitter_email="nl@example.org")
    assert (english.submitter_language, dutch_one.submitter_language) == ("en", "nl-be")
    confirm = {m.to: m for m in OutgoingMail.objects.filter(kind="network.confirm")}
    assert confirm["en@example.org"].subject == PREFIX + "Confirm your practice proposal"
    assert confirm["nl@example.org"].subject == PREFIX + dutch("Confirm your practice proposal")
    assert f"https://buddywerk.test/network/practices/confirm/{english.token}/" in (
        confirm["en@example.org"].body
    )
    assert confirm["en@example.org"].sensitive  # the link holds the proposal's key


def test_a_moderation_mail_rolls_back_with_the_decision():
    admin = platform_admin()
    submission = PracticeSubmissionFactory(submitter_language="en")

    def reject():
        services.practice_submission_reject(
            actor=admin, submission=submission, reason="Dit is geen buddywerking."
        )

    (written,) = rolled_back(reject)
    assert (written.kind, written.to) == ("network.rejected", submission.submitter_email)
    assert written.subject == PREFIX + "Your practice proposal was not published"
    assert not OutgoingMail.objects.exists()
    submission.refresh_from_db()
    assert submission.status == "submitted"
