"""`buddywerk run-scheduled`: every periodic job once, one line each; one failing job does
not stop the others; running it again sends nothing twice."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from buddywerk.common import scheduler
from buddywerk.common.email_url import mailers_from_url
from buddywerk.mail.models import OutgoingMail
from buddywerk.mail.outbox import mail_enqueue
from buddywerk.reports.models import ReportReminder
from buddywerk.trajectories.models import TrajectoryReminder
from tests.common.smtp import SMTPServer, free_port
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db

# Two weeks before the interim report (1 February) and 14 days after the duo started.
NOW = "2026-01-20T08:00:00+01:00"
START = dt.date(2026, 1, 6)


def _world():
    duo = TrajectoryFactory(planned_start=START, planned_end=START + dt.timedelta(weeks=12))
    coordinator_of(duo)
    return duo


def _run(capture, capsys, *args):
    with capture(execute=True):
        call_command("run_scheduled", "--now", NOW, *args)
    return capsys.readouterr().out.splitlines()


def test_runs_every_job_once_and_again_sends_nothing_twice(
    settings, django_capture_on_commit_callbacks, capsys
):
    _world()
    # A mail from before, written while SMTP was down: the scheduler's retry sends it.
    port = free_port()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{port}?timeout=5")
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(to="a@example.org", subject="[Buddywerk] S", body="B", kind="test.note")
    yesterday = dt.datetime.fromisoformat(NOW) - dt.timedelta(days=1)
    OutgoingMail.objects.update(created_at=yesterday, next_attempt_at=yesterday)
    with SMTPServer(port) as server:
        lines = _run(django_capture_on_commit_callbacks, capsys)
        assert [line.split(":")[0] for line in lines] == [job.name for job in scheduler.JOBS]
        assert all(": ok " in line for line in lines), lines
        assert lines[0] == "mail-retries: ok sent=1 failed=0 given_up=0"
        assert lines[1] == "trajectory-reminders: ok created=1 enqueued=1"
        assert lines[2].startswith("followup-reminders: ok escalated=0")
        assert lines[3] == "matching-expiry: ok reminded=0 expired=0"
        assert lines[4] == "report-reminders: ok sent=1"
        # The reminders' mails went out through the worker right after the commit.
        assert len(server.received) == 1 + 1 + 1
        assert TrajectoryReminder.objects.filter(sent_at__isnull=False).count() == 1
        assert ReportReminder.objects.count() == 1
        # Idempotent: a second run (cron's next tick) sends nothing new.
        lines = _run(django_capture_on_commit_callbacks, capsys)
        assert lines[0] == "mail-retries: ok sent=0 failed=0 given_up=0"
        assert lines[1] == "trajectory-reminders: ok created=0 enqueued=0"
        assert lines[4] == "report-reminders: ok sent=0"
        assert len(server.received) == 3
    assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 0


def test_one_failing_job_does_not_stop_the_others(
    monkeypatch, django_capture_on_commit_callbacks, capsys
):
    _world()

    def broken(now):
        raise RuntimeError("the follow-up job is broken")

    jobs = [
        scheduler.Job(job.name, broken) if job.name == "followup-reminders" else job
        for job in scheduler.JOBS
    ]
    monkeypatch.setattr(scheduler, "JOBS", jobs)
    with pytest.raises(CommandError, match="followup-reminders"):
        _run(django_capture_on_commit_callbacks, capsys)
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "followup-reminders: FAILED RuntimeError"
    # The jobs before and after it ran.
    assert lines[1] == "trajectory-reminders: ok created=1 enqueued=1"
    assert lines[3] == "matching-expiry: ok reminded=0 expired=0"
    assert lines[4] == "report-reminders: ok sent=1"
    assert len(mail.outbox) == 2


def test_a_bad_moment_is_a_clear_error():
    with pytest.raises(CommandError, match="--now"):
        call_command("run_scheduled", "--now", "gisteren")
