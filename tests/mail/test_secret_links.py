"""Mails with a secret link (password reset, invitation, address confirmation) keep no
readable link in the database once sent (issue 11, point 8), and a retry after an SMTP
failure still sends the working link, once."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from buddywerk.common.email_url import mailers_from_url
from buddywerk.mail.models import OutgoingMail
from buddywerk.mail.outbox import BACKOFF_MINUTES, mail_enqueue, retry_due_mail
from tests.common.smtp import SMTPServer, free_port
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Een-nieuw-wachtwoord-42"
RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/(\S+)/")


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{port}?timeout=5")
    return port


def _request_reset(capture, email="reset@example.org"):
    with capture(execute=True):
        response = Client().post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    return OutgoingMail.objects.get(kind="account.password_reset_key")


def _holds(outgoing: OutgoingMail, secret: str) -> bool:
    """Whether any stored column of the row still holds `secret`."""
    return OutgoingMail.objects.filter(
        Q(body__contains=secret) | Q(html__contains=secret) | Q(subject__contains=secret),
        pk=outgoing.pk,
    ).exists()


def _link_works(link: str) -> bool:
    client = Client()
    response = client.get(link)
    if response.status_code != 302 or "set-password" not in response["Location"]:
        return False
    response = client.post(
        response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    return response.status_code == 302


def test_a_sent_reset_mail_keeps_no_token(django_capture_on_commit_callbacks):
    user = UserFactory(email="reset@example.org")
    outgoing = _request_reset(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    match = RESET_LINK.search(message.body)
    assert match, message.body
    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None and outgoing.sensitive
    assert (outgoing.body, outgoing.html) == ("", "")
    assert not _holds(outgoing, match.group(1))
    # The mailed link is the one that works.
    assert _link_works(match.group(0))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_retry_after_an_smtp_failure_sends_the_working_link_once(
    smtp_port, django_capture_on_commit_callbacks
):
    user = UserFactory(email="reset@example.org")
    outgoing = _request_reset(django_capture_on_commit_callbacks)
    outgoing.refresh_from_db()
    # SMTP was down: the body, and its link, wait for the retry.
    assert outgoing.sent_at is None and outgoing.attempts == 1
    token = RESET_LINK.search(outgoing.body).group(1)

    later = timezone.now() + dt.timedelta(minutes=BACKOFF_MINUTES[0])
    with SMTPServer(smtp_port) as server:
        assert retry_due_mail(now=later).sent == 1
        assert retry_due_mail(now=later + dt.timedelta(days=1)).sent == 0
    [message] = server.messages()
    body = message.get_payload(decode=True).decode()
    assert token in body
    outgoing.refresh_from_db()
    assert outgoing.sent_at == later and (outgoing.body, outgoing.html) == ("", "")
    assert not _holds(outgoing, token)
    assert _link_works(RESET_LINK.search(body).group(0))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_given_up_secret_mail_is_erased_too(smtp_port, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outgoing = mail_enqueue(
            to="an@example.org", subject="S", body="https://x/geheim", sensitive=True
        )
    assert retry_due_mail(now=outgoing.created_at + dt.timedelta(days=3, minutes=1)).given_up
    outgoing.refresh_from_db()
    assert outgoing.given_up_at is not None and outgoing.body == ""


def test_an_ordinary_mail_keeps_its_body(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outgoing = mail_enqueue(to="an@example.org", subject="S", body="Er wacht iets op je.")
    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None and outgoing.body == "Er wacht iets op je."


def test_import_invitations_keep_no_password_link(django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from buddywerk.buddies import importer
    from tests.buddies.factories import coordinated_programme, institution

    programme, coordinator = coordinated_programme()
    values = dict(zip(importer.COLUMNS, importer.EXAMPLE_ROW, strict=True))
    content = ";".join(importer.COLUMNS) + "\n" + ";".join(values[c] for c in importer.COLUMNS)
    with django_capture_on_commit_callbacks(execute=True):
        job = importer.buddy_import_start(
            actor=coordinator,
            programme=programme,
            training_institution=institution(),
            upload=SimpleUploadedFile("s.csv", content.encode()),
        )
    with django_capture_on_commit_callbacks(execute=True):
        importer.buddy_import_confirm(actor=coordinator, job=job)
    [message] = mail.outbox
    assert "/accounts/password/reset/key/" in message.body
    outgoing = OutgoingMail.objects.get(kind="buddies.import_invitation")
    assert outgoing.sent_at is not None and outgoing.body == ""
