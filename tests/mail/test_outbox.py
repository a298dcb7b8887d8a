"""The mail outbox end to end against a real SMTP server in the test process: a mail
written while SMTP is down is kept and sent exactly once when it is back; backoff;
giving up after three days; one connection and a fixed number of queries per retry."""

import datetime as dt
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from buddywerk.buddies import services as buddy_services
from buddywerk.common.email_url import mailers_from_url
from buddywerk.mail.models import OutgoingMail
from buddywerk.mail.outbox import BACKOFF_MINUTES, mail_enqueue, retry_due_mail
from tests.buddies.factories import applicant, coordinated_programme
from tests.common.smtp import SMTPServer, free_port, subject_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_port(settings):
    """A port where nothing listens yet: SMTP is down until a test starts SMTPServer."""
    port = free_port()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{port}?timeout=5")
    return port


def _enqueue(capture, count=1, **kwargs):
    with capture(execute=True):
        return [
            mail_enqueue(
                to=kwargs.get("to", f"person{i}@example.org"),
                subject=kwargs.get("subject", "[Buddywerk] Een bericht"),
                body="Hallo,\n\nEr wacht iets op je.\n",
                kind="test.note",
            )
            for i in range(count)
        ]


def test_mail_goes_out_after_the_commit_not_before(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outgoing = mail_enqueue(
                to="an@example.org",
                subject="[Buddywerk]  Twee \n regels",
                body="Tekst",
                html="<p>Tekst</p>",
                kind="test.note",
            )
            assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["an@example.org"]]
    assert mail.outbox[0].subject == "[Buddywerk] Twee regels"
    assert mail.outbox[0].alternatives[0].content == "<p>Tekst</p>"
    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None
    assert (outgoing.attempts, outgoing.last_error) == (1, "")


def test_a_rolled_back_write_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                mail_enqueue(to="an@example.org", subject="S", body="B")
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
    assert OutgoingMail.objects.count() == 0
    assert mail.outbox == []


def test_screening_decision_while_smtp_is_down_is_sent_once_when_it_is_back(
    smtp_port, django_capture_on_commit_callbacks
):
    programme, coordinator = coordinated_programme()
    buddy = applicant(programme)
    with django_capture_on_commit_callbacks(execute=True):
        buddy_services.buddy_decline(
            actor=coordinator, buddy=buddy, programme=programme, reason="Geen plaats meer."
        )
    outgoing = OutgoingMail.objects.get()
    assert outgoing.kind == "buddies.screening_declined"
    assert outgoing.sent_at is None
    assert outgoing.attempts == 1
    assert "refused" in outgoing.last_error.lower() or "Connection" in outgoing.last_error
    assert outgoing.next_attempt_at > timezone.now()

    with SMTPServer(smtp_port) as server:
        # Not due yet: nothing is sent before its next attempt time.
        assert retry_due_mail(now=outgoing.created_at + dt.timedelta(seconds=30)).sent == 0
        assert server.received == []
        later = timezone.now() + dt.timedelta(minutes=BACKOFF_MINUTES[0])
        run = retry_due_mail(now=later)
        assert (run.sent, run.failed, run.given_up) == (1, 0, 0)
        # Exactly once: later runs find nothing due.
        assert retry_due_mail(now=later + dt.timedelta(days=1)).sent == 0
    [message] = server.messages()
    assert message["To"] == buddy.user.email
    assert "Geen plaats meer." in message.get_payload(decode=True).decode()
    outgoing.refresh_from_db()
    assert outgoing.sent_at == later
    assert (outgoing.attempts, outgoing.last_error) == (2, "")
    assert subject_of(message) == outgoing.subject


def test_backoff_1_5_15_60_minutes_then_hourly(smtp_port, django_capture_on_commit_callbacks):
    [outgoing] = _enqueue(django_capture_on_commit_callbacks)
    outgoing.refresh_from_db()
    waits = []
    moment = outgoing.next_attempt_at
    previous = timezone.now()
    for _ in range(6):
        waits.append(round((moment - previous).total_seconds() / 60))
        # Just before it is due nothing happens; at the due time one more attempt fails.
        assert retry_due_mail(now=moment - dt.timedelta(seconds=1)).failed == 0
        assert retry_due_mail(now=moment).failed == 1
        previous = moment
        outgoing.refresh_from_db()
        moment = outgoing.next_attempt_at
    waits.append(round((moment - previous).total_seconds() / 60))
    assert waits == [1, 5, 15, 60, 60, 60, 60]
    assert outgoing.attempts == 7
    assert outgoing.sent_at is None
    assert outgoing.given_up_at is None


def test_gives_up_after_three_days_with_an_error_log_without_the_recipient(
    smtp_port, django_capture_on_commit_callbacks, caplog
):
    [outgoing] = _enqueue(django_capture_on_commit_callbacks, to="ouder.janssens@example.org")
    with caplog.at_level(logging.WARNING, logger="buddywerk.mail.outbox"):
        run = retry_due_mail(now=outgoing.created_at + dt.timedelta(days=2, hours=23))
        assert (run.failed, run.given_up) == (1, 0)
        run = retry_due_mail(now=outgoing.created_at + dt.timedelta(days=3, minutes=1))
        assert (run.failed, run.given_up) == (0, 1)
    outgoing.refresh_from_db()
    assert outgoing.given_up_at is not None
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert f"Outgoing mail {outgoing.pk} (test.note) given up" in errors[0].getMessage()
    for record in caplog.records:
        assert "janssens" not in record.getMessage()
        assert "Een bericht" not in record.getMessage()
    # Given up is final, even when SMTP comes back.
    with SMTPServer(smtp_port) as server:
        assert retry_due_mail(now=outgoing.created_at + dt.timedelta(days=4)).sent == 0
    assert server.received == []


def test_retry_sends_everything_due_in_a_fixed_number_of_queries_plus_one_per_mail(
    smtp_port, django_assert_num_queries
):
    later = timezone.now() + dt.timedelta(minutes=2)
    with SMTPServer(smtp_port) as server:
        for size in (1, 12):
            # Stored, but the test transaction never commits: their tasks did not run.
            for i in range(size):
                mail_enqueue(to=f"p{i}@example.org", subject="S", body="B", kind="test.note")
            # Claim (UPDATE), read the claimed rows (SELECT), then one UPDATE per mail sent,
            # right after the server accepted it: a crash later in the batch cannot send it
            # again (issue 17, point 6). Nothing failed: no UPDATE for failures.
            with django_assert_num_queries(2 + size):
                assert retry_due_mail(now=later).sent == size
        assert len(server.received) == 13
        # every mail has a Message-ID of its own, the same on every attempt
        ids = {message["Message-ID"] for message in server.messages()}
        assert len(ids) == 13 and all(i.startswith("<outbox.") for i in ids)


def test_the_worker_and_a_retry_never_send_the_same_row_twice(django_capture_on_commit_callbacks):
    [outgoing] = _enqueue(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    # The retry pass finds nothing: the task already sent it.
    assert retry_due_mail(now=timezone.now() + dt.timedelta(hours=1)).sent == 0
    # A row a crashed pass claimed is left alone until its lease ends, then sent.
    OutgoingMail.objects.filter(pk=outgoing.pk).update(
        sent_at=None, next_attempt_at=timezone.now() + dt.timedelta(minutes=15)
    )
    assert retry_due_mail(now=timezone.now() + dt.timedelta(minutes=5)).sent == 0
    assert retry_due_mail(now=timezone.now() + dt.timedelta(minutes=16)).sent == 1
    assert len(mail.outbox) == 2
