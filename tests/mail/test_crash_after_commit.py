"""A process that dies between the commit and the send loses no mail (issue 12, point 6).

The service writes its mail to the outbox inside its own transaction, so the commit that
stores the write stores the mail too. If the process dies right after that commit, before
the send task is enqueued (let alone run), the worker or the scheduler finds the mail on
its next pass and sends it exactly once.

On PostgreSQL the service runs in a real child process against the test database, which
dies with os._exit() right after the commit. On SQLite the test database lives in memory
and a second process cannot reach it; there the same crash point is taken in-process: the
on-commit callbacks (the enqueue of the send task) are captured and never run, as if the
process had died after the commit.
"""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from buddywerk.buddies import services as buddy_services
from buddywerk.common.email_url import mailers_from_url
from buddywerk.mail import outbox
from buddywerk.mail.models import OutgoingMail
from buddywerk.mail.outbox import retry_due_mail
from tests.buddies.factories import applicant, coordinated_programme
from tests.common.smtp import SMTPServer, free_port, subject_of
from tests.mail.crash_child import CRASHED

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{port}?timeout=5")
    return port


def _sent_exactly_once(port: int, outgoing: OutgoingMail, to: str) -> None:
    """The next pass sends the mail; the passes after it send nothing more."""
    with SMTPServer(port) as server:
        assert retry_due_mail().sent == 1
        assert len(server.received) == 1
        later = timezone.now() + dt.timedelta(hours=1)
        assert retry_due_mail(now=later).sent == 0
        assert retry_due_mail(now=later + dt.timedelta(days=1)).sent == 0
        assert len(server.received) == 1
    [message] = server.messages()
    assert message["To"] == to
    assert "Geen plaats meer." in message.get_payload(decode=True).decode()
    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None
    assert subject_of(message) == outgoing.subject


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_after_the_commit_loses_no_mail(smtp_port, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs a database a second process can open: the SQLite test database is in "
            "memory (the in-process test below takes the same crash point there)"
        )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    programme, coordinator = coordinated_programme()
    buddy = applicant(programme)
    env = {
        **os.environ,  # the test's environment (PATH, ...); the database is set below
        "DJANGO_SETTINGS_MODULE": "buddywerk.settings",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "BUDDYWERK_VAR_DIR": str(tmp_path),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=5",
    }
    child = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "tests.mail.crash_child", str(buddy.pk), str(programme.pk)]
        + [str(coordinator.pk)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == CRASHED, child.stderr
    # The child's commit holds the decision and its mail; it died before it enqueued the
    # send task, and before any attempt to send.
    buddy.refresh_from_db()
    assert buddy.status == "declined"
    outgoing = OutgoingMail.objects.get()
    assert (outgoing.kind, outgoing.to) == ("buddies.screening_declined", buddy.user.email)
    assert (outgoing.sent_at, outgoing.attempts) == (None, 0)
    assert not DBTaskResult.objects.exists()

    # After the restart: the worker has nothing queued, the scheduler's pass sends it once.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    outgoing.refresh_from_db()
    assert outgoing.sent_at is None
    _sent_exactly_once(smtp_port, outgoing, buddy.user.email)


@pytest.mark.django_db
def test_the_same_crash_point_in_process(smtp_port, django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    buddy = applicant(programme)
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        buddy_services.buddy_decline(
            actor=coordinator, buddy=buddy, programme=programme, reason="Geen plaats meer."
        )
    # What would have run after the commit (the enqueue of the send among it) never runs.
    assert any(getattr(cb, "func", None) is outbox._enqueue_send for cb in after_commit)
    outgoing = OutgoingMail.objects.get()
    assert (outgoing.kind, outgoing.sent_at, outgoing.attempts) == (
        "buddies.screening_declined",
        None,
        0,
    )
    _sent_exactly_once(smtp_port, outgoing, buddy.user.email)
