"""Reminders on a fake clock: no meeting for 14 days (buddy, then the coordinator), the end
within two weeks; idempotent; and mail that survives an SMTP outage, end to end against a
real SMTP server in the test process that is first down, then up."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from buddywerk.common.email_url import mailers_from_url
from buddywerk.mail.models import OutgoingMail
from buddywerk.mail.outbox import retry_due_mail
from buddywerk.trajectories import services
from buddywerk.trajectories.models import ReminderKind, TrajectoryReminder
from buddywerk.trajectories.reminders import send_due_reminders
from tests.common.smtp import SMTPServer, free_port, subject_of
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Links in mail are built on SITE_URL, never on the request's host."""
    settings.SITE_URL = "https://buddywerk.test"


START = dt.date(2026, 9, 7)


def _run(capture, today):
    with capture(execute=True):
        return send_due_reminders(today=today)


def _kinds():
    return sorted(
        (r.kind, r.recipient.email, r.about)
        for r in TrajectoryReminder.objects.select_related("recipient")
    )


def test_no_meeting_reminds_the_buddy_then_the_coordinator_once(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory(planned_start=START, planned_end=START + dt.timedelta(weeks=12))
    buddy, coordinator = duo.buddy.user, coordinator_of(duo)
    services.meeting_log(actor=buddy, trajectory=duo, date=START, duration_minutes=50, today=START)
    assert _run(django_capture_on_commit_callbacks, START + dt.timedelta(days=13)).created == 0
    assert mail.outbox == []
    run = _run(django_capture_on_commit_callbacks, START + dt.timedelta(days=14))
    assert (run.created, run.enqueued) == (1, 1)
    assert [m.to for m in mail.outbox] == [[buddy.email]]
    message = mail.outbox[0]
    pupil = duo.participants.get().pupil
    assert pupil.first_name not in message.subject + message.body
    assert "contactmoment" in message.subject.lower()
    assert f"https://buddywerk.test/duos/{duo.uuid}/" in message.body
    # The next days: nothing twice.
    _run(django_capture_on_commit_callbacks, START + dt.timedelta(days=15))
    assert len(mail.outbox) == 1
    # Some days later the coordinator hears of it too.
    _run(django_capture_on_commit_callbacks, START + dt.timedelta(days=19))
    assert [m.to for m in mail.outbox] == [[buddy.email], [coordinator.email]]
    assert _kinds() == [
        (ReminderKind.NO_MEETING_BUDDY, buddy.email, START),
        (ReminderKind.NO_MEETING_COORDINATOR, coordinator.email, START),
    ]
    assert TrajectoryReminder.objects.filter(sent_at__isnull=True).count() == 0
    # A new meeting resets the count: the next reminder is about the new date.
    day = START + dt.timedelta(days=20)
    services.meeting_log(actor=buddy, trajectory=duo, date=day, duration_minutes=50, today=day)
    _run(django_capture_on_commit_callbacks, day + dt.timedelta(days=10))
    assert len(mail.outbox) == 2


def test_end_within_two_weeks_prompts_the_goodbye_meeting(django_capture_on_commit_callbacks):
    end = START + dt.timedelta(weeks=10)
    duo = TrajectoryFactory(planned_start=START, planned_end=end)
    buddy, coordinator = duo.buddy.user, coordinator_of(duo)
    services.meeting_log(
        actor=buddy,
        trajectory=duo,
        date=end - dt.timedelta(days=15),
        duration_minutes=50,
        today=end - dt.timedelta(days=15),
    )
    _run(django_capture_on_commit_callbacks, end - dt.timedelta(days=15))
    assert mail.outbox == []
    _run(django_capture_on_commit_callbacks, end - dt.timedelta(days=14))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([buddy.email, coordinator.email])
    assert all("afscheid" in m.subject for m in mail.outbox)
    _run(django_capture_on_commit_callbacks, end - dt.timedelta(days=3))
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("state", ["paused", "closed"])
def test_paused_and_closed_duos_get_no_reminders(state, django_capture_on_commit_callbacks):
    duo = TrajectoryFactory(
        planned_start=START, planned_end=START + dt.timedelta(weeks=3), **{state: True}
    )
    coordinator_of(duo)  # someone to remind, were the duo running
    _run(django_capture_on_commit_callbacks, START + dt.timedelta(days=20))
    assert TrajectoryReminder.objects.count() == 0
    assert mail.outbox == []


def test_due_reminders_take_a_fixed_number_of_queries(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for _ in range(3):
        coordinator_of(
            TrajectoryFactory(planned_start=START, planned_end=START + dt.timedelta(weeks=3))
        )
    from buddywerk.trajectories.reminders import due_reminders

    with django_assert_max_num_queries(2):
        due = due_reminders(today=START + dt.timedelta(days=20))
    assert len(due) == 3 * 2 + 3 * 2  # no meeting: buddy + coordinator; end near: both


def test_the_command_runs_it(django_capture_on_commit_callbacks, capsys):
    TrajectoryFactory(planned_start=START, planned_end=START + dt.timedelta(weeks=12))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("trajectory_reminders", "--today", "2026-09-21")
    assert "reminders created: 1" in capsys.readouterr().out
    assert len(mail.outbox) == 1


# --- A real SMTP server, first down, then up ---------------------------------------


def test_smtp_down_nothing_lost_retried_by_the_outbox(settings, django_capture_on_commit_callbacks):
    port = free_port()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{port}?timeout=5")
    duo = TrajectoryFactory(planned_start=START, planned_end=START + dt.timedelta(weeks=12))
    today = START + dt.timedelta(days=14)

    # SMTP is down: the reminder is handed to the outbox, whose mail keeps the error.
    run = _run(django_capture_on_commit_callbacks, today)
    assert (run.created, run.enqueued) == (1, 1)
    reminder = TrajectoryReminder.objects.get()
    assert reminder.sent_at is not None
    outgoing = OutgoingMail.objects.get()
    assert (outgoing.kind, outgoing.sent_at, outgoing.attempts) == (
        "trajectories.no_meeting_buddy",
        None,
        1,
    )
    assert "refused" in outgoing.last_error.lower() or "Connection" in outgoing.last_error

    with SMTPServer(port) as server:
        # The next day's run records and enqueues nothing new...
        run = _run(django_capture_on_commit_callbacks, today + dt.timedelta(days=1))
        assert (run.created, run.enqueued) == (0, 0)
        assert server.received == []
        # ...and the outbox's retry sends the mail, once.
        later = timezone.now() + dt.timedelta(minutes=2)
        assert retry_due_mail(now=later).sent == 1
        assert retry_due_mail(now=later + dt.timedelta(hours=2)).sent == 0
        [message] = server.messages()
        assert message["To"] == duo.buddy.user.email
        assert "contactmoment" in subject_of(message).lower()
        pupil = duo.participants.get().pupil
        assert pupil.first_name not in subject_of(message)
